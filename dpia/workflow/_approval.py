"""Whether a document's signatures approve it: each required signer, held to their signature.

A signature counts only when it is VALID (intact over these exact bytes, and by a certificate
the archive's trust store accepts), was made with the certificate the sign-off record lists for
that person, and the certificate names that person in that role. Anything else is said in
words that tell the person at the screen what to do: who has not signed yet, whose certificate
needs trusting and how, which signature file does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .._signoff import SignOff
from .._vocabulary import fingerprint, role_in_sentence
from ..archive import VersionStatus
from ..signing import DocumentVerification, SignatureReport, SignatureVerdict
from ._signers import RequiredSigner, decided_status, required_signers, same_person

__all__ = ["Approval", "SignerCheck", "SignerState", "check_approval"]

SignerState = Literal["signed", "unlisted", "missing", "invalid", "untrusted", "mismatch"]

_TRUST_HOW = (
    "it counts once the organisation trusts that certificate: whoever keeps the trust store "
    "runs `dpia trust add cert.pem` with the signer's certificate (or the CA that issued it)"
)


@dataclass(frozen=True)
class SignerCheck:
    """One required signer and what their signature proves."""

    required: RequiredSigner
    state: SignerState
    report: SignatureReport | None
    message: str


@dataclass(frozen=True)
class Approval:
    """The outcome of holding a document's signatures to its sign-off record.

    `status` is what freezing leads to (None while no decision is recorded); `problems` are
    faults not tied to one required signer (a broken or unexpected signature file).
    """

    status: VersionStatus | None
    note: str
    signers: tuple[SignerCheck, ...]
    problems: tuple[str, ...]

    @property
    def ready(self) -> bool:
        """Every required signer signed with a valid, trusted signature, and nothing is wrong."""
        return (
            self.status is not None
            and not self.problems
            and all(check.state == "signed" for check in self.signers)
        )

    @property
    def outstanding(self) -> tuple[SignerCheck, ...]:
        return tuple(check for check in self.signers if check.state != "signed")

    def refusal(self) -> str:
        """Why the version cannot be frozen yet, one reason per line."""
        reasons = [check.message for check in self.outstanding] + list(self.problems)
        return "\n".join(f"  - {reason}" for reason in reasons)


def check_approval(signoff: SignOff | None, verification: DocumentVerification) -> Approval:
    if signoff is None or signoff.decision is None:
        return Approval(None, "", (), ("no decision is recorded in the sign-off record",))
    status, note = decided_status(signoff.decision)
    required = required_signers(signoff)
    checks = tuple(_check(person, verification) for person in required)
    claimed = {s.certificate_sha256 for s in signoff.signatories}
    problems = []
    for report in verification.signatures:
        if report.verdict in (SignatureVerdict.INVALID, SignatureVerdict.UNREADABLE):
            if not any(check.report is report for check in checks):
                problems.append(
                    f"the signature {report.name} does not hold ({_why(report)}); remove it or "
                    "have it made again"
                )
        elif report.signer is not None and report.signer.fingerprint not in claimed:
            problems.append(
                f"{report.signer.describe()} signed ({report.name}) but is not a signatory in "
                "the sign-off record; remove that signature or list them as a signatory"
            )
    return Approval(status, note, checks, tuple(problems))


def _why(report: SignatureReport) -> str:
    if report.unreadable is not None:
        return report.unreadable
    return "; ".join(report.problems)


def _check(person: RequiredSigner, verification: DocumentVerification) -> SignerCheck:
    who = person.describe()
    if not person.signatories:
        return SignerCheck(
            person,
            "unlisted",
            None,
            f"{who}, is not listed as a signatory with a certificate; add them to the "
            "signatories (from their cert.pem) before the final document is signed",
        )
    listed = {s.certificate_sha256: s for s in person.signatories}
    mine = [
        report
        for report in verification.signatures
        if report.signer is not None and report.signer.fingerprint in listed
    ]
    if not mine:
        fingerprints = ", ".join(fingerprint(sha256) for sha256 in listed)
        return SignerCheck(
            person,
            "missing",
            None,
            f"no signature yet from {who} (certificate SHA-256 {fingerprints})",
        )
    best = min(mine, key=lambda r: list(SignatureVerdict).index(r.verdict))
    if not best.intact:
        return SignerCheck(
            person,
            "invalid",
            best,
            f"{who}, has signed, but the signature does not hold ({best.name}): {_why(best)}",
        )
    signer = best.signer
    assert signer is not None
    if signer.role is not None and signer.role != person.role:
        return SignerCheck(
            person,
            "mismatch",
            best,
            f"{person.name} signed with a certificate for the role "
            f"{role_in_sentence(signer.role)}, but signs here as the "
            f"{role_in_sentence(person.role)} ({best.name})",
        )
    if not same_person(signer.name, person.name):
        return SignerCheck(
            person,
            "mismatch",
            best,
            f"the certificate that signed {best.name} names {signer.name}, but the sign-off "
            f"record says {who}",
        )
    listed_email = listed[signer.fingerprint].email
    if signer.email is not None and signer.email.lower() != listed_email.lower():
        return SignerCheck(
            person,
            "mismatch",
            best,
            f"the certificate that signed {best.name} is issued to {signer.email}, but the "
            f"sign-off record lists {person.name} as {listed_email}",
        )
    if best.reservations:
        return SignerCheck(
            person,
            "invalid",
            best,
            f"{who}, has signed ({best.name}), and the signed bytes are intact, but "
            f"{'; '.join(best.reservations)}; sign the document as it was rendered again",
        )
    if best.verdict is not SignatureVerdict.VALID:
        return SignerCheck(
            person,
            "untrusted",
            best,
            f"{who}, has signed, and the signature is intact, but it does not count yet: "
            f"{best.trust.reason}. Certificate SHA-256 {signer.fingerprint}; {_TRUST_HOW}",
        )
    return SignerCheck(person, "signed", best, f"{who}, has signed")
