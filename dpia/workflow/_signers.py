"""Who must sign, and what a decision makes of a version, read from the sign-off record itself.

The signatures a decision needs follow from who did what, never from a list someone edits: the
assessor who prepared the assessment, the DPO who gave the advice (GDPR Art. 35(2)) and the
decision-maker who decided. A referral to the supervisory authority (Art. 36) is not yet a
decision on the processing, so it needs the assessor and the decision-maker only. The list of
signatories in the record ties each of these people to the certificate they sign with; it can
name more people (the workers' representatives), but never fewer, and the signatory of advice
or a decision on record can only leave the list once that advice or decision is withdrawn.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .._errors import WorkflowError
from .._signoff import Decision, DpoAdvice, Signatory, SignOff
from .._vocabulary import ADVICE, DECISION, long_date, role_in_sentence
from ..archive import VersionStatus

__all__ = [
    "RequiredSigner",
    "bound_part",
    "decided_status",
    "document_status",
    "remove_signatory",
    "required_signers",
    "same_person",
    "withdrawn",
]

_DECIDED: dict[str, VersionStatus] = {
    "approve": VersionStatus.APPROVED,
    "conditionally_approve": VersionStatus.APPROVED,
    "reject": VersionStatus.REJECTED,
    "refer_to_supervisory_authority": VersionStatus.IN_REVIEW,
}
"""The status each decision gives a frozen version. A referral stays in review: the authority's
answer (Art. 36(2)) is still to come, and a later version records the decision taken on it."""


@dataclass(frozen=True)
class RequiredSigner:
    """A person whose signature a decision needs, and the listed signatories that are them."""

    role: str
    name: str
    email: str | None
    why: str
    signatories: tuple[Signatory, ...]

    def describe(self) -> str:
        """`Dora Dpo (DPO), who gave the advice 'Proceed' on 10 May 2026`."""
        return f"{self.name} ({role_in_sentence(self.role)}), who {self.why}"


def same_person(first: str, second: str) -> bool:
    """Names compared as a reader would: case, accents' encoding and spacing do not matter."""

    def plain(name: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", name).casefold().split())

    return plain(first) == plain(second)


def _listed(signoff: SignOff, role: str, name: str, email: str | None) -> tuple[Signatory, ...]:
    return tuple(
        s
        for s in signoff.signatories
        if s.role == role
        and same_person(s.name, name)
        and (email is None or s.email.lower() == email.lower())
    )


def _advised(advice: DpoAdvice) -> str:
    return f"gave the advice '{ADVICE[advice.advice]}' on {long_date(advice.date)}"


def _decided(decision: Decision) -> str:
    return f"decided '{DECISION[decision.decision]}' on {long_date(decision.date)}"


def required_signers(signoff: SignOff) -> tuple[RequiredSigner, ...]:
    """The signatures the recorded decision needs; none while no decision is recorded."""
    decision, advice = signoff.decision, signoff.dpo_advice
    if decision is None:
        return ()
    assessor = signoff.assessor
    needed = [
        RequiredSigner(
            "assessor",
            assessor.name,
            assessor.email,
            "prepared the assessment",
            _listed(signoff, "assessor", assessor.name, assessor.email),
        )
    ]
    if decision.decision != "refer_to_supervisory_authority" and advice is not None:
        needed.append(
            RequiredSigner(
                "dpo",
                advice.name,
                None,
                _advised(advice),
                _listed(signoff, "dpo", advice.name, None),
            )
        )
    needed.append(
        RequiredSigner(
            "decision_maker",
            decision.name,
            None,
            _decided(decision),
            _listed(signoff, "decision_maker", decision.name, None),
        )
    )
    return tuple(needed)


def decided_status(decision: Decision) -> tuple[VersionStatus, str]:
    """The status a frozen version takes for `decision`, and the note the history keeps."""
    return _DECIDED[decision.decision], f"decision: {DECISION[decision.decision]}"


def document_status(signoff: SignOff | None) -> str:
    """The status the final document states: the one its decision gives it, else draft."""
    if signoff is None or signoff.decision is None:
        return VersionStatus.DRAFT.value
    return decided_status(signoff.decision)[0].value


def bound_part(signoff: SignOff, signatory: Signatory) -> str | None:
    """`dpo_advice` or `decision` when `signatory` signs for advice or a decision on record."""
    advice, decision = signoff.dpo_advice, signoff.decision
    if signatory.role == "dpo" and advice is not None and same_person(signatory.name, advice.name):
        return "dpo_advice"
    if (
        signatory.role == "decision_maker"
        and decision is not None
        and same_person(signatory.name, decision.name)
    ):
        return "decision"
    return None


def remove_signatory(signoff: SignOff, fingerprint: str) -> SignOff:
    """The record without the signatory using `fingerprint`; refused while they sign for
    advice or a decision on record, which must be withdrawn first (and that is logged)."""
    kept = [s for s in signoff.signatories if s.certificate_sha256 != fingerprint]
    gone = [s for s in signoff.signatories if s.certificate_sha256 == fingerprint]
    if not gone:
        raise WorkflowError(f"no signatory signs with the certificate {fingerprint}")
    part = bound_part(signoff, gone[0])
    if part == "dpo_advice" and signoff.dpo_advice is not None:
        raise WorkflowError(
            f"{gone[0].name} signs for the DPO's advice recorded on "
            f"{long_date(signoff.dpo_advice.date)}; the DPO withdraws that advice first "
            "(DPO advice tab), and the withdrawal is kept in the audit log"
        )
    if part == "decision" and signoff.decision is not None:
        raise WorkflowError(
            f"{gone[0].name} signs for the decision recorded on "
            f"{long_date(signoff.decision.date)}; the decision-maker withdraws that decision "
            "first (Decision tab), and the withdrawal is kept in the audit log"
        )
    return signoff.model_copy(update={"signatories": tuple(kept)})


def withdrawn(signoff: SignOff, part: str) -> SignOff:
    """The record without the advice or the decision; advice under a decision stays until the
    decision is withdrawn, since a decision must rest on advice (Art. 35(2))."""
    if part == "dpo_advice":
        if signoff.dpo_advice is None:
            raise WorkflowError("no DPO advice is recorded, so there is none to withdraw")
        if signoff.decision is not None:
            raise WorkflowError(
                "the decision rests on this advice: the decision-maker withdraws the decision "
                "first (Decision tab)"
            )
        return signoff.model_copy(update={"dpo_advice": None})
    if part == "decision":
        if signoff.decision is None:
            raise WorkflowError("no decision is recorded, so there is none to withdraw")
        return signoff.model_copy(update={"decision": None})
    raise WorkflowError(f"only the DPO's advice or the decision can be withdrawn, not {part!r}")
