"""Verifying detached CMS signatures over a document's bytes, one verdict per signer.

For each signature the report says: does it hold for these exact bytes, who signed and in which
role, when (and whether that time is the signer's claim or an authority's), which certificate
(by fingerprint), and whether the trust store accepts that certificate (see `_verdict` for the
four verdicts). Everything works on bytes; `verify_document` only reads the files beside a
document, so no caller ever writes a temporary file to check a signature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm

from .._errors import SigningError
from ._certificates import identity_of
from ._cms import parse_signed_data
from ._cms_check import check_signer, embedded_certificates
from ._sign import read_document, signature_files
from ._timestamp import TimestampCheck, check_timestamp_token
from ._trust import TrustStore, TrustVerdict, trust_verdict
from ._verdict import DocumentVerification, SignatureReport

__all__ = ["verify_document", "verify_signatures"]

_UNSUPPORTED = (
    "the signature uses a key type or curve dpia cannot check ({reason}); the signer must use an "
    "EC P-256/P-384/P-521 or RSA key (dpia keygen makes one)"
)


def verify_signatures(
    content: bytes,
    signatures: Mapping[str, bytes],
    *,
    trust: TrustStore | None,
    now: dt.datetime | None = None,
    document: str = "the document",
) -> DocumentVerification:
    """Check each signature (name → DER bytes) over exactly `content`, one verdict per signer.

    `trust` is the store that proves who signed; with None, no signature can be VALID. A
    signature that cannot be read is UNREADABLE with the reason, and the others are still
    checked. `now` is the moment "expired now" is judged against (for audits as of a date).
    """
    moment = now or dt.datetime.now(dt.UTC)
    reports: list[SignatureReport] = []
    for name, raw in sorted(signatures.items()):
        reports.extend(_check_file(name, raw, content, trust, moment))
    return DocumentVerification(
        document, None if trust is None else trust.directory, tuple(reports)
    )


def verify_document(
    document: str | Path,
    *,
    trust: TrustStore | None = None,
    now: dt.datetime | None = None,
) -> DocumentVerification:
    """Check every `DOC.*.p7s` beside `document`: `verify_signatures` over the files' bytes."""
    document = Path(document)
    content = read_document(document)
    found = {path.name: _read(path) for path in signature_files(document)}
    return verify_signatures(content, found, trust=trust, now=now, document=str(document))


def _read(path: Path) -> bytes | OSError:
    try:
        return path.read_bytes()
    except OSError as exc:
        return exc


def _check_file(
    name: str, raw: bytes | OSError, content: bytes, store: TrustStore | None, now: dt.datetime
) -> list[SignatureReport]:
    if isinstance(raw, OSError):
        return [SignatureReport.unreadable_file(name, f"cannot read: {raw.strerror or raw}")]
    try:
        signed_data = parse_signed_data(raw)
        signer_infos = list(signed_data["signer_infos"])
        embedded_certificates(signed_data)
    except SigningError as exc:
        return [SignatureReport.unreadable_file(name, str(exc))]
    except (ValueError, TypeError, KeyError) as exc:
        return [SignatureReport.unreadable_file(name, f"not a DER CMS signature ({exc})")]
    if not signer_infos:
        return [SignatureReport.unreadable_file(name, "the signature file has no signer")]
    reports = []
    for signer_info in signer_infos:
        try:
            reports.append(_check_signer(name, signed_data, signer_info, content, store, now))
        except UnsupportedAlgorithm as exc:
            reports.append(SignatureReport.unreadable_file(name, _UNSUPPORTED.format(reason=exc)))
        except (ValueError, TypeError, KeyError) as exc:
            reports.append(
                SignatureReport.unreadable_file(name, f"the signature is damaged ({exc})")
            )
    return reports


def _check_signer(
    name: str,
    signed_data: cms.SignedData,
    signer_info: cms.SignerInfo,
    content: bytes,
    store: TrustStore | None,
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
            name,
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
    verdict = trust_verdict(store, certificate, embedded_certificates(signed_data), when)
    return SignatureReport(
        name,
        tuple(problems),
        tuple(notes),
        identity_of(certificate),
        check.signing_time,
        verdict,
        timestamp,
    )


def _timestamp(signer_info: cms.SignerInfo, store: TrustStore | None) -> TimestampCheck | None:
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
