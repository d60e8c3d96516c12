"""PAdES signatures inside the PDF/A: what every PDF reader shows as "signed by".

Each signer adds one incremental update to the PDF that `dpia render --pdf` wrote: the bytes
before it never change, so earlier signatures stay valid and the PDF/A identification and
output intent that LibreOffice wrote stay exactly as they were. The update holds a PAdES
baseline signature (ETSI EN 319 142-1, `ETSI.CAdES.detached`) with the signer's reason and
role, optionally a visible box on the signature page, a signature time-stamp from an RFC 3161
authority (B-T), and, when the trust store vouches for the signer, the certificates and any
revocation data their CA publishes, in the same update (B-LT).

pyHanko builds the PDF side (byte ranges, signature dictionary, CAdES attributes, time-stamp
and DSS embedding, appearance streams); dpia supplies the key, the authority and the rules.
The one thing of pyHanko's we switch off is its metadata update: it writes a Producer into the
XMP that differs from the one it writes into the document information, which PDF/A forbids.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import math
import re

from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.ades.api import CAdESSignedAttrSpec, SignerAttrSpec
from pyhanko.sign.general import SigningError as PyhankoSigningError
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .._errors import SigningError
from .._signoff import SIGNATORY_ROLES
from .._vocabulary import SIGNATORY_ROLE, SIGNING_REASON
from ._certificates import SignerIdentity, identity_of
from ._pdf_stamp import place_stamp, stamp_style, stamp_text
from ._protocols import RawSigner, Timestamper
from ._timestamp import check_timestamp_token, request_timestamp
from ._trust import TrustStore

__all__ = ["DAMAGE", "asn1_certificate", "read_pdf", "sign_pdf"]

DAMAGE = (
    PdfError,
    # pyHanko reads a number as a Decimal: a damaged one ('.') raises decimal.InvalidOperation,
    # an ArithmeticError rather than a ValueError.
    ArithmeticError,
    PyhankoSigningError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
)
"""What pyHanko and pdfminer raise on a damaged file; each is turned into a SigningError."""

_MAX_REASON = 200


def read_pdf(pdf: bytes) -> PdfFileReader:
    """A reader over `pdf`, or a SigningError that says what is wrong with the file."""
    if not pdf.lstrip()[:5] == b"%PDF-":
        raise SigningError("not a PDF (a PDF starts with %PDF-)")
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        reader.root  # noqa: B018 - parse the catalogue now, so damage shows here
    except DAMAGE as exc:
        raise SigningError(f"not a readable PDF ({exc})") from None
    if reader.encrypted:
        raise SigningError("the PDF is encrypted; sign the PDF exactly as dpia render wrote it")
    return reader


def sign_pdf(
    pdf: bytes,
    signer: RawSigner,
    *,
    role: str | None = None,
    reason: str | None = None,
    timestamper: Timestamper | None = None,
    visible: bool = False,
    trust: TrustStore | None = None,
) -> bytes:
    """`pdf` with one more PAdES signature by `signer`, appended as an incremental update.

    `role` defaults to the role in the signer's certificate and must agree with it; a
    certificate without a role needs `role`, which is then recorded as claimed by the signer.
    `reason` defaults to what the role did (the vocabulary's SIGNING_REASON). With
    `timestamper` the signature is time-stamped (PAdES-B-T); when `trust` vouches for the
    signer, the validation data for the signer and the authority go into the same update
    (PAdES-B-LT). A person signs once:
    a second signature with the same certificate is refused.
    """
    reader = read_pdf(pdf)
    identity = identity_of(signer.certificate)
    role = _role(identity, role)
    reason = _reason(reason, role)
    try:
        _refuse_second_signature(reader, identity)
        field_name = _field_name(reader, role, identity)
    except DAMAGE as exc:
        raise SigningError(
            f"not a readable PDF: its form or signatures are damaged ({exc})"
        ) from None
    when = dt.datetime.now(dt.UTC)
    validation = _validation_context(signer.certificate, timestamper, trust, when)
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        reason=reason,
        contact_info=identity.email,
        subfilter=fields.SigSeedSubFilter.PADES,
        signer_key_usage=set(),
        embed_validation_info=validation is not None,
        validation_context=validation,
        dss_settings=DSSContentSettings(
            placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False
        ),
        cades_signed_attr_spec=_claimed_role(identity, role),
    )
    readable = f"{SIGNATORY_ROLE[role]}: {identity.name}"
    text = stamp_text(identity.name, SIGNATORY_ROLE[role], reason, when)
    if visible:
        try:
            place = place_stamp(reader, pdf)
        except DAMAGE as exc:
            raise SigningError(f"cannot lay out the signature page ({exc})") from None
        spec = fields.SigFieldSpec(
            sig_field_name=field_name,
            on_page=place.page,
            box=place.box,
            readable_field_name=readable,
        )
    else:
        spec = fields.SigFieldSpec(sig_field_name=field_name, readable_field_name=readable)
    pdf_signer = signers.PdfSigner(
        metadata,
        _KeyHolder(signer),
        timestamper=_AuthorityBridge(timestamper) if timestamper is not None else None,
        stamp_style=stamp_style(text) if visible else None,
        new_field_spec=spec,
    )
    writer = _MetadataKeepingWriter(io.BytesIO(pdf))
    try:
        return pdf_signer.sign_pdf(writer).getvalue()
    except SigningError:
        raise
    except (*DAMAGE, ValidationError, PathError, timestamps.TimestampRequestError) as exc:
        cause = exc if isinstance(exc, ValidationError | PathError) else exc.__cause__
        if isinstance(cause, ValidationError | PathError):
            raise SigningError(
                f"the certificate of {identity.name} does not hold up against the trust store "
                f"{trust.directory if trust else ''}: {str(cause).rstrip('.')}; nothing was signed"
            ) from None
        raise SigningError(f"cannot sign the PDF: {exc}") from None


def asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _role(identity: SignerIdentity, role: str | None) -> str:
    if role is not None and role not in SIGNATORY_ROLES:
        raise SigningError(f"unknown role {role!r}; allowed: {', '.join(SIGNATORY_ROLES)}")
    if identity.role is not None and role is not None and role != identity.role:
        raise SigningError(
            f"the certificate of {identity.name} names the role {identity.role}, not {role}; "
            "sign with the certificate made for that role"
        )
    chosen = identity.role or role
    if chosen is None:
        raise SigningError(
            f"the certificate of {identity.name} names no role (no title in its subject); "
            f"say which role you sign in with --role ({', '.join(SIGNATORY_ROLES)})"
        )
    return chosen


def _reason(reason: str | None, role: str) -> str:
    if reason is None:
        return SIGNING_REASON[role]
    reason = " ".join(reason.split())
    if not reason:
        raise SigningError("the reason is empty; leave --reason out to use the role's reason")
    if len(reason) > _MAX_REASON:
        raise SigningError(f"the reason has {len(reason)} characters; at most {_MAX_REASON}")
    return reason


def _refuse_second_signature(reader: PdfFileReader, identity: SignerIdentity) -> None:
    wanted = identity.fingerprint.replace(":", "").lower()
    for number, signature in enumerate(reader.embedded_signatures, start=1):
        if signature.signer_cert.sha256.hex() == wanted:
            raise SigningError(
                f"{identity.name} has already signed this PDF (signature {number}); a person "
                "signs a document once"
            )


def _field_name(reader: PdfFileReader, role: str, identity: SignerIdentity) -> str:
    """`Signature 2 dpo`: unique, and free of the dots a PDF field name may not hold."""
    taken = {name for name, _, _ in fields.enumerate_sig_fields(reader)}
    number = len(taken) + 1
    while f"Signature {number} {role}" in taken:
        number += 1
    return re.sub(r"[.]", "", f"Signature {number} {role}")


def _claimed_role(identity: SignerIdentity, role: str) -> CAdESSignedAttrSpec | None:
    """A role the certificate does not certify travels as a claimed signer attribute."""
    if identity.role is not None:
        return None
    claimed = cms.AttCertAttribute(
        {
            "type": "role",
            "values": [{"role_name": {"directory_name": asn1_x509.Name.build({"title": role})}}],
        }
    )
    return CAdESSignedAttrSpec(signer_attributes=SignerAttrSpec([claimed], []))


def _validation_context(
    certificate: x509.Certificate,
    timestamper: Timestamper | None,
    trust: TrustStore | None,
    when: dt.datetime,
) -> ValidationContext | None:
    """Trust roots for gathering validation data, when the store vouches for the signer and for
    the time-stamp authority: validation data is a chain up to an anchor, and pyHanko refuses to
    sign at all when it cannot build one."""
    if trust is None or not trust.verdict(certificate, [], when).trusted:
        return None
    if timestamper is not None and not _authority_vouched(timestamper, trust):
        return None
    return ValidationContext(
        trust_roots=[asn1_certificate(c) for c in trust.certificates()],
        allow_fetching=True,
        revocation_mode="soft-fail",
    )


def _authority_vouched(timestamper: Timestamper, trust: TrustStore) -> bool:
    """Ask the authority once for a token over a throw-away value and judge its certificate."""
    probe = b"dpia: does the trust store vouch for this time-stamp authority?"
    check = check_timestamp_token(request_timestamp(timestamper, probe), probe, trust)
    return not check.problems and check.trust is not None and check.trust.trusted


class _MetadataKeepingWriter(IncrementalPdfFileWriter):
    """An incremental writer that leaves the document information and the XMP untouched."""

    def _update_meta(self) -> None:
        return


class _KeyHolder(signers.Signer):
    """pyHanko's signer interface over a dpia `RawSigner`; the key never leaves it."""

    def __init__(self, signer: RawSigner):
        certificate = asn1_certificate(signer.certificate)
        super().__init__(
            signing_cert=certificate,
            cert_registry=SimpleCertificateStore.from_certs([certificate]),
        )
        self._signer = signer

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return bytes(_largest_signature(self._signer.certificate))
        return self._signer.sign_raw(data, digest_algorithm)


def _largest_signature(certificate: x509.Certificate) -> int:
    """Bytes to reserve: an RSA signature is the modulus size, a DER ECDSA one at most this."""
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return math.ceil(key.key_size / 8)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return 2 * (math.ceil(key.curve.key_size / 8) + 3) + 3
    raise SigningError(f"cannot sign with a {type(key).__name__} key; use EC or RSA")


class _AuthorityBridge(timestamps.TimeStamper):
    """pyHanko's time-stamper interface over a dpia `Timestamper` (one HTTP client, one seam)."""

    def __init__(self, timestamper: Timestamper):
        super().__init__()
        self._timestamper = timestamper

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        raw = await asyncio.to_thread(self._timestamper.respond, req.dump())
        try:
            return tsp.TimeStampResp.load(raw, strict=True)
        except ValueError as exc:
            raise SigningError(
                f"the time-stamp authority's reply is not RFC 3161 ({exc})"
            ) from None
