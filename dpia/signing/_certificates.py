"""Signing certificates: who a certificate names, its fingerprint, and making new ones.

The signer's role (assessor, DPO, decision-maker, workers' representative) goes in the subject's
`title` attribute, so the role travels inside the signature and every verifier, including
`openssl x509 -noout -subject`, shows it without any dpia-specific extension.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .._errors import SigningError
from .._signoff import SIGNATORY_ROLES
from .._text import document_text_fault

__all__ = [
    "MAX_CERTIFICATE_BYTES",
    "MAX_CERTIFICATE_DAYS",
    "SignerIdentity",
    "SigningKey",
    "certificate_fingerprint",
    "certificate_request",
    "identity_of",
    "load_certificate",
    "read_certificate",
    "self_signed_certificate",
]

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
MAX_CERTIFICATE_BYTES = 64 * 1024


def certificate_fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the DER certificate as `AB:CD:…`, as `openssl x509 -fingerprint -sha256`."""
    return certificate.fingerprint(hashes.SHA256()).hex(":").upper()


@dataclass(frozen=True)
class SignerIdentity:
    """What a certificate says about its holder, in the words the sign-off page uses."""

    name: str
    email: str | None
    role: str | None
    fingerprint: str

    @property
    def slug(self) -> str:
        """A file-name-safe label: `Anne Müller`, role dpo → `anne-muller-dpo`."""
        plain = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode()
        words = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "signer"
        slug = f"{words[:60]}-{self.role.replace('_', '-')}" if self.role else words[:60]
        return slug.strip("-")

    def describe(self) -> str:
        email = f" <{self.email}>" if self.email else ""
        role = f", role {self.role}" if self.role else ", no role in certificate"
        return f"{self.name}{email}{role}"


def _attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def identity_of(certificate: x509.Certificate) -> SignerIdentity:
    subject = certificate.subject
    email = _attribute(subject, NameOID.EMAIL_ADDRESS)
    if email is None:
        try:
            san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        except x509.ExtensionNotFound:
            pass
        else:
            emails = san.value.get_values_for_type(x509.RFC822Name)
            email = emails[0] if emails else None
    role = _attribute(subject, NameOID.TITLE)
    return SignerIdentity(
        name=_attribute(subject, NameOID.COMMON_NAME) or subject.rfc4514_string() or "unnamed",
        email=email,
        role=role if role in SIGNATORY_ROLES else None,
        fingerprint=certificate_fingerprint(certificate),
    )


def load_certificate(path: str | Path) -> x509.Certificate:
    """A PEM or DER certificate file, or a SigningError that names the file and what was wrong."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_CERTIFICATE_BYTES:
            raise SigningError(f"{path}: over {MAX_CERTIFICATE_BYTES:,} bytes; not a certificate")
        raw = path.read_bytes()
    except OSError as exc:
        raise SigningError(f"{path}: cannot read certificate: {exc.strerror or exc}") from None
    return read_certificate(raw, str(path))


def read_certificate(raw: bytes, source: str = "the certificate") -> x509.Certificate:
    """A PEM or DER certificate from bytes (an upload); `source` names it in the messages."""
    if len(raw) > MAX_CERTIFICATE_BYTES:
        raise SigningError(f"{source}: over {MAX_CERTIFICATE_BYTES:,} bytes; not a certificate")
    try:
        if b"-----BEGIN" in raw:
            if b"PRIVATE KEY-----" in raw and b"CERTIFICATE-----" not in raw:
                raise SigningError(f"{source}: this is a private key, not a certificate")
            return x509.load_pem_x509_certificate(raw)
        return x509.load_der_x509_certificate(raw)
    except ValueError:
        # The parser's own reason (an ASN.1 tag number) tells the person holding the file
        # nothing they can act on; which file to give instead does.
        raise SigningError(
            f"{source}: not an X.509 certificate in PEM or DER form; give the cert.pem that "
            "dpia keygen wrote, or the certificate your organisation issued to the signer"
        ) from None


def _subject(name: str, email: str, role: str) -> x509.Name:
    if role not in SIGNATORY_ROLES:
        raise SigningError(f"unknown role {role!r}; allowed: {', '.join(SIGNATORY_ROLES)}")
    if not name.strip():
        raise SigningError("the signer's name is empty")
    fault = document_text_fault(name)
    if fault or len(name) > 300:
        raise SigningError(f"the signer's name {fault or 'is over 300 characters'}")
    if not re.fullmatch(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", email):
        raise SigningError(f"{email!r} is not an email address (ASCII, like name@example.org)")
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name.strip()),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, email),
            x509.NameAttribute(NameOID.TITLE, role),
        ]
    )


MAX_CERTIFICATE_DAYS = 3650


def self_signed_certificate(
    key: SigningKey,
    *,
    name: str,
    email: str,
    role: str,
    days: int,
    not_before: dt.datetime | None = None,
) -> x509.Certificate:
    """A certificate for document signing only: no CA rights, email in the alternative name.

    `not_before` exists so an organisation can issue certificates for a planned period; it
    defaults to a few minutes ago so that slightly slow clocks on verifiers still accept it.
    """
    if not 1 <= days <= MAX_CERTIFICATE_DAYS:
        raise SigningError(
            f"--days must be from 1 to {MAX_CERTIFICATE_DAYS:,} (ten years), got {days:,}; a "
            "signing certificate is renewed long before then"
        )
    subject = _subject(name, email, role)
    start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )


def certificate_request(
    key: SigningKey, *, name: str, email: str, role: str
) -> x509.CertificateSigningRequest:
    """A request for the organisation's CA, with the same subject a self-signed one would have."""
    return (
        x509.CertificateSigningRequestBuilder()
        .subject_name(_subject(name, email, role))
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
