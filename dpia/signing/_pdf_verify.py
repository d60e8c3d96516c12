"""Verifying the PAdES signatures inside a PDF, under the same trust rules as the .docx ones.

For each signature the report says who signed and in which role, when (by the signer's clock,
and by a time-stamp authority if one stamped it), whether the signed bytes are intact, whether
the trust store vouches for the signer, and how much of the file it covers: the whole file, the
file as signed with only later signatures added, or a file changed after signing.

The verdicts are those of every signature dpia checks (`_verdict`). A signature is VALID only
when all of that holds: intact, covering the document (later updates adding only signatures or
validation data), made while its certificate was valid, and by a signer the trust store
vouches for. It is INTACT when its signed bytes hold but its signer is not proven, or when the
file was changed after it (the signer vouched for an earlier state of the file, not this one);
INVALID when its bytes or its certificate do not hold; UNREADABLE when it cannot be parsed.
Without a trust anchor an intact signature is never VALID: it proves that someone holding that
key signed, not that the organisation's assessor, DPO or decision-maker did. pyHanko checks
the PDF side (byte ranges, CMS integrity, what later incremental updates changed); dpia's
trust store and time-stamp check decide trust, exactly as for the .docx.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import math
from dataclasses import dataclass

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .._errors import SigningError
from .._signoff import SIGNATORY_ROLES
from ._certificates import SignerIdentity, identity_of
from ._pades import DAMAGE, asn1_certificate, read_pdf
from ._timestamp import TimestampCheck, check_timestamp_token
from ._trust import TrustStore, TrustVerdict, default_trust_dir, trust_verdict
from ._verdict import DocumentVerification, SignatureReport
from ._verify import _validity_notes, _validity_problems

__all__ = ["Coverage", "PdfSignatureReport", "PdfVerification", "verify_pdf"]

_DAMAGE = (*DAMAGE, SignatureValidationError)


class Coverage(enum.Enum):
    """How much of the file a signature vouches for."""

    WHOLE_DOCUMENT = "the whole document"
    LATER_SIGNATURES = "the document as signed"
    CHANGED_AFTER = "the document as signed, but it was changed afterwards"
    UNCLEAR = "an unclear part of the file"


@dataclass(frozen=True, kw_only=True)
class PdfSignatureReport(SignatureReport):
    """One signature of the PDF, in the verdicts of every signature (`SignatureReport`), with
    what only a signature inside a PDF has: its number and field, the role and reason it
    states, its PAdES level, and how much of the file it covers."""

    number: int
    field: str
    role: str | None
    role_claimed: bool
    reason: str | None
    level: str
    coverage: Coverage
    later: str


@dataclass(frozen=True)
class PdfVerification(DocumentVerification):
    """Every signature inside one PDF, judged as the signatures beside a .docx are."""


def verify_pdf(
    pdf: bytes,
    *,
    trust: TrustStore | None = None,
    now: dt.datetime | None = None,
    last_only: bool = False,
    document: str = "the PDF",
) -> PdfVerification:
    """Check every signature in `pdf`; `trust` defaults to the default trust store.

    `now` is the moment "expired now" is judged against (for audits as of a date). `last_only`
    checks only the newest signature, as a signer does right after signing: the analysis of
    what followed each earlier signature is the costly part, and signing did not change it.
    """
    store = trust or TrustStore(default_trust_dir())
    reader = read_pdf(pdf)
    moment = now or dt.datetime.now(dt.UTC)
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    try:
        found = _signatures_in(reader)
        dss = _dss_certificates(reader)
    except _DAMAGE as exc:
        raise SigningError(
            f"the PDF's signatures cannot be read; the file is damaged ({exc})"
        ) from None
    embedded = [s if isinstance(s, EmbeddedPdfSignature) else None for _, s in found]
    numbered = list(enumerate(found, start=1))
    reports = []
    for number, (field, signature) in numbered[-1:] if last_only else numbered:
        if not isinstance(signature, EmbeddedPdfSignature):
            reports.append(_unreadable(number, field, signature))
            continue
        try:
            reports.append(_check(number, signature, embedded, dss, store, moment))
        except _DAMAGE as exc:
            reports.append(
                _unreadable(number, field, f"the signature is damaged ({_one_line(exc)})")
            )
    return PdfVerification(document, store.directory, tuple(reports))


def _signatures_in(reader: PdfFileReader) -> list[tuple[str, EmbeddedPdfSignature | str]]:
    """Each signed field in signing order, with its signature or why that cannot be read: one
    damaged signature does not hide the others."""
    found: list[tuple[float, str, EmbeddedPdfSignature | str]] = []
    for name, value, field in fields.enumerate_sig_fields(reader, filled_status=True):
        try:
            byte_range = [int(v) for v in value.get_object()["/ByteRange"]]
            end = byte_range[2] + byte_range[3]
        except _DAMAGE as exc:
            found.append((math.inf, name, f"its byte range cannot be read ({_one_line(exc)})"))
            continue
        try:
            found.append((end, name, EmbeddedPdfSignature(reader, field, name)))
        except _DAMAGE as exc:
            found.append(
                (end, name, f"the signature is not a readable CMS structure ({_one_line(exc)})")
            )
    return [(name, signature) for _, name, signature in sorted(found, key=lambda f: f[0])]


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _dss_certificates(reader: PdfFileReader) -> list[x509.Certificate]:
    try:
        store = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return []
    return [_cryptography(certificate) for certificate in store.load_certs()]


def _cryptography(certificate: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(certificate.dump())


def _check(
    number: int,
    signature: EmbeddedPdfSignature,
    embedded: list[EmbeddedPdfSignature | None],
    dss: list[x509.Certificate],
    store: TrustStore,
    now: dt.datetime,
) -> PdfSignatureReport:
    field = str(signature.field_name)
    status = validate_pdf_signature(signature, _context(store, signature.reader))
    certificate = _cryptography(signature.signer_cert)
    identity = identity_of(certificate)
    problems: list[str] = []
    notes: list[str] = []
    reservations: list[str] = []
    if not status.intact:
        problems.append("the signed bytes were changed after signing (their digest differs)")
    elif not status.valid:
        problems.append("the signature value does not verify with the certificate's key")
    coverage, later = _coverage(status, signature, embedded)
    if coverage is Coverage.UNCLEAR:
        problems.append(f"it covers {coverage.value}: {later}")
    elif coverage is Coverage.CHANGED_AFTER:
        reservations.append(f"it covers {coverage.value}: {later}")
    role, claimed = _role(identity, signature.signer_info)
    timestamp = _timestamp(signature.signer_info, store)
    claimed_time = status.signer_reported_dt
    when, source = claimed_time, "the signing time (the signer's own clock)"
    if timestamp is not None:
        problems.extend(timestamp.problems)
        if not timestamp.problems and timestamp.trust and timestamp.trust.trusted:
            when, source = timestamp.time, "the time-stamp"
        elif not timestamp.problems and timestamp.trust:
            notes.append(f"the time-stamp authority is not trusted: {timestamp.trust.reason}")
    if when is None:
        when, source = now, "now (the signature carries no signing time)"
        notes.append("the signature carries no signing time")
    problems.extend(_validity_problems(certificate, when, source))
    notes.extend(
        _validity_notes(certificate, when, now, timestamp_proves=source == "the time-stamp")
    )
    if status.revoked:
        problems.append("the signer's certificate is revoked, by the revocation data embedded")
    intermediates = [_cryptography(c) for c in signature.other_embedded_certs] + dss
    return PdfSignatureReport(
        name=_name(number),
        number=number,
        field=field,
        signer=identity,
        role=role,
        role_claimed=claimed,
        reason=_text(signature.sig_object.get("/Reason")),
        signing_time=claimed_time.astimezone(dt.UTC) if claimed_time else None,
        timestamp=timestamp,
        level=_level(signature, timestamp, certificate, dss),
        coverage=coverage,
        later=later,
        trust=trust_verdict(store, certificate, intermediates, when),
        problems=tuple(problems),
        notes=tuple(notes),
        reservations=tuple(reservations),
    )


def _name(number: int) -> str:
    """How approval messages and `--signoff` differences point at a signature in the PDF."""
    return f"PDF signature {number}"


def _context(store: TrustStore, reader: PdfFileReader) -> ValidationContext:
    """pyHanko's view of the trust store, with the PDF's own certificates, CRLs and OCSP
    responses, so that a revocation the embedded data records is seen; nothing is fetched."""
    settings = {
        "trust_roots": [asn1_certificate(c) for c in store.certificates()],
        "allow_fetching": False,
        "revocation_mode": "soft-fail",
    }
    try:
        return DocumentSecurityStore.read_dss(reader).as_validation_context(settings)
    except NoDSSFoundError:
        return ValidationContext(**settings)


def _unreadable(number: int, field: str, reason: str) -> PdfSignatureReport:
    return PdfSignatureReport(
        name=_name(number),
        number=number,
        field=field,
        signer=None,
        role=None,
        role_claimed=False,
        reason=None,
        signing_time=None,
        timestamp=None,
        level="unknown",
        coverage=Coverage.UNCLEAR,
        later="",
        trust=TrustVerdict(False, "not checked"),
        problems=(),
        notes=(),
        unreadable=reason,
    )


def _coverage(
    status: PdfSignatureStatus,
    signature: EmbeddedPdfSignature,
    embedded: list[EmbeddedPdfSignature | None],
) -> tuple[Coverage, str]:
    """What the file holds beyond the signed revision, in words a reader can act on."""
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return Coverage.WHOLE_DOCUMENT, ""
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return Coverage.UNCLEAR, "its byte range does not cover a whole revision of the file"
    later = [s for s in embedded if s is not None and s.signed_revision > signature.signed_revision]
    result = status.diff_result
    if not isinstance(result, DiffResult):
        # pyHanko's account names object numbers and paths; its first line says what it found.
        detail = str(result).strip().splitlines()[0].rstrip(".:") if result is not None else ""
        found = f" (pyHanko: {detail})" if detail else ""
        return (
            Coverage.CHANGED_AFTER,
            f"objects it signed were replaced by a later update{found}",
        )
    level = result.modification_level
    if level <= ModificationLevel.FORM_FILLING and status.docmdp_ok is not False:
        if later:
            numbers = [embedded.index(s) + 1 for s in later]
            named = ", ".join(str(n) for n in numbers)
            return (
                Coverage.LATER_SIGNATURES,
                f"later updates add only signature{'s' if len(numbers) > 1 else ''} {named}",
            )
        if level <= ModificationLevel.LTA_UPDATES:
            return Coverage.LATER_SIGNATURES, "later updates add only validation data"
        return Coverage.LATER_SIGNATURES, "later updates only fill in form fields"
    if level == ModificationLevel.ANNOTATIONS:
        return Coverage.CHANGED_AFTER, "annotations (comments or markup) were added after it"
    return Coverage.CHANGED_AFTER, "the content or structure of the file was changed after it"


def _role(identity: SignerIdentity, signer_info: cms.SignerInfo) -> tuple[str | None, bool]:
    """The role in the certificate, else the role the signer claimed in the signature."""
    if identity.role is not None:
        return identity.role, False
    for attribute in signer_info["signed_attrs"]:
        if attribute["type"].dotted != "0.4.0.19122.1.1":  # signer-attributes-v2
            continue
        for value in attribute["values"]:
            for claimed in value.native.get("claimed_attributes") or []:
                role = _claimed_title(claimed)
                if role is not None:
                    return role, True
    return None, False


def _claimed_title(claimed: object) -> str | None:
    if not isinstance(claimed, dict) or claimed.get("type") != "role":
        return None
    for value in claimed.get("values") or []:
        name = (value or {}).get("role_name")
        title = name.get("title") if isinstance(name, dict) else None
        if title in SIGNATORY_ROLES:
            return str(title)
    return None


def _timestamp(signer_info: cms.SignerInfo, store: TrustStore) -> TimestampCheck | None:
    for attribute in signer_info["unsigned_attrs"] or []:
        if attribute["type"].native == "signature_time_stamp_token":
            return check_timestamp_token(
                attribute["values"][0], signer_info["signature"].native, store
            )
    return None


def _level(
    signature: EmbeddedPdfSignature,
    timestamp: TimestampCheck | None,
    certificate: x509.Certificate,
    dss: list[x509.Certificate],
) -> str:
    subfilter = str(signature.sig_object.get("/SubFilter", "")).lstrip("/")
    if subfilter != "ETSI.CAdES.detached":
        return f"not PAdES ({subfilter or 'no SubFilter'})"
    if timestamp is None:
        return "PAdES-B-B"
    if certificate in dss:
        return "PAdES-B-LT"
    return "PAdES-B-T"


def _text(value: object) -> str | None:
    return str(value) if value is not None else None
