"""Verifying a document's signatures, with the verdicts a DPO or an auditor needs to act on.

For each `DOC.*.p7s` the report says: does the signature hold for these exact bytes, who signed
and in which role, when (and whether that time is the signer's claim or an authority's),
which certificate (by fingerprint), and whether the trust store accepts that certificate.
Validity and trust are kept apart on purpose: a perfect signature by an unknown key proves
nothing about the organisation's decision, and a trusted key does not excuse a changed byte.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms
from cryptography import x509

from .._errors import SigningError
from ._certificates import SignerIdentity, identity_of
from ._cms import parse_signed_data
from ._cms_check import check_signer, embedded_certificates
from ._sign import read_document, signature_files
from ._timestamp import TimestampCheck, check_timestamp_token
from ._trust import TrustStore, TrustVerdict, default_trust_dir

__all__ = ["DocumentVerification", "SignatureReport", "verify_document"]


@dataclass(frozen=True)
class SignatureReport:
    """One signer of one signature file; `problems` make it invalid, `notes` only inform."""

    path: Path
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    signer: SignerIdentity | None
    signing_time: dt.datetime | None
    trust: TrustVerdict
    timestamp: TimestampCheck | None

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class DocumentVerification:
    document: Path
    trust_store: Path
    signatures: tuple[SignatureReport, ...]

    def passed(self, *, require_trust: bool) -> bool:
        """At least one signature, all valid, and (if required) all by trusted signers."""
        return bool(self.signatures) and all(
            s.valid and (s.trust.trusted or not require_trust) for s in self.signatures
        )


def verify_document(
    document: str | Path,
    *,
    trust: TrustStore | None = None,
    now: dt.datetime | None = None,
) -> DocumentVerification:
    """Check every signature file of `document`; `trust` defaults to the default trust store.

    `now` is the moment "expired now" is judged against (for audits as of a date).
    """
    document = Path(document)
    content = read_document(document)
    store = trust or TrustStore(default_trust_dir())
    moment = now or dt.datetime.now(dt.UTC)
    reports: list[SignatureReport] = []
    for path in signature_files(document):
        reports.extend(_check_file(path, content, store, moment))
    return DocumentVerification(document, store.directory, tuple(reports))


def _check_file(
    path: Path, content: bytes, store: TrustStore, now: dt.datetime
) -> list[SignatureReport]:
    try:
        signed_data = parse_signed_data(path.read_bytes())
        signer_infos = list(signed_data["signer_infos"])
    except (SigningError, OSError) as exc:
        return [_broken(path, str(exc))]
    if not signer_infos:
        return [_broken(path, "the signature file has no signer")]
    reports = []
    for signer_info in signer_infos:
        try:
            reports.append(_check_signer(path, signed_data, signer_info, content, store, now))
        except (ValueError, TypeError, KeyError) as exc:
            reports.append(_broken(path, f"the signature is damaged ({exc})"))
    return reports


def _broken(path: Path, problem: str) -> SignatureReport:
    return SignatureReport(
        path, (problem,), (), None, None, TrustVerdict(False, "not checked"), None
    )


def _check_signer(
    path: Path,
    signed_data: cms.SignedData,
    signer_info: cms.SignerInfo,
    content: bytes,
    store: TrustStore,
    now: dt.datetime,
) -> SignatureReport:
    check = check_signer(signed_data, signer_info, content)
    problems, notes = list(check.problems), []
    timestamp = _timestamp(signer_info, store)
    when, source = check.signing_time, "the signing time (the signer's own clock)"
    if timestamp is not None:
        problems.extend(timestamp.problems)
        if not timestamp.problems and timestamp.trust and timestamp.trust.trusted:
            when, source = timestamp.time, "the time-stamp"
        elif not timestamp.problems and timestamp.trust:
            notes.append(f"the time-stamp authority is not trusted: {timestamp.trust.reason}")
    if when is None:
        when, source = now, "now (the signature carries no signing time)"
        notes.append("the signature carries no signing time")
    certificate = check.certificate
    if certificate is None:
        return SignatureReport(
            path,
            tuple(problems),
            tuple(notes),
            None,
            check.signing_time,
            TrustVerdict(False, "no certificate to check"),
            timestamp,
        )
    problems.extend(_validity_problems(certificate, when, source))
    notes.extend(
        _validity_notes(certificate, when, now, timestamp_proves=source == "the time-stamp")
    )
    verdict = store.verdict(certificate, embedded_certificates(signed_data), when)
    return SignatureReport(
        path,
        tuple(problems),
        tuple(notes),
        identity_of(certificate),
        check.signing_time,
        verdict,
        timestamp,
    )


def _timestamp(signer_info: cms.SignerInfo, store: TrustStore) -> TimestampCheck | None:
    for attribute in signer_info["unsigned_attrs"] or []:
        if attribute["type"].native == "signature_time_stamp_token":
            token = attribute["values"][0]
            return check_timestamp_token(token, signer_info["signature"].native, store)
    return None


def _validity_problems(certificate: x509.Certificate, when: dt.datetime, source: str) -> list[str]:
    problems = []
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if when > end:
        problems.append(
            f"the certificate expired on {end:%Y-%m-%d %H:%M} UTC, before the signing time "
            f"{when:%Y-%m-%d %H:%M} UTC given by {source}"
        )
    elif when < start:
        problems.append(
            f"the certificate was not yet valid at the signing time {when:%Y-%m-%d %H:%M} UTC "
            f"given by {source}; it is valid from {start:%Y-%m-%d %H:%M} UTC"
        )
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return problems
    if not (usage.digital_signature or usage.content_commitment):
        problems.append("the certificate's key usage does not allow signing documents")
    return problems


def _validity_notes(
    certificate: x509.Certificate, when: dt.datetime, now: dt.datetime, *, timestamp_proves: bool
) -> list[str]:
    end = certificate.not_valid_after_utc
    if not certificate.not_valid_before_utc <= when <= end or now <= end:
        return []
    proof = (
        "as the time-stamp proves"
        if timestamp_proves
        else "by the signer's own clock; only a time-stamp would prove it"
    )
    return [
        f"the certificate has expired since signing (on {end:%Y-%m-%d %H:%M} UTC); it was valid "
        f"at the signing time, {proof}"
    ]
