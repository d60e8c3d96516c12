"""Real keys, certificates and documents for the signing tests.

Nothing here imitates a part under test: documents are real .docx files, certificates are made
with `cryptography`, and OpenSSL is run as the independent verifier. The time-stamp authority
lives in `timestamp_authority.py`.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

import docx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from dpia.signing import create_identity

PASSPHRASE = b"correct horse battery"


@dataclass(frozen=True)
class Person:
    key: Path
    cert: Path


def make_person(directory: Path, name: str, role: str, algorithm: str = "ec-p256") -> Person:
    email = name.lower().replace(" ", ".") + "@example.org"
    made = create_identity(
        directory, name=name, email=email, role=role, passphrase=PASSPHRASE, algorithm=algorithm
    )
    return Person(made.key_path, made.certificate_path)


def make_docx(path: Path, text: str) -> Path:
    document = docx.Document()
    document.add_heading("Data Protection Impact Assessment", 0)
    document.add_paragraph(text)
    document.save(path)
    return path


def openssl_verify(signature: Path, document: Path, *trusted: Path) -> subprocess.CompletedProcess:
    """The third party's check, exactly as docs/signing.md tells them to run it."""
    bundle = signature.parent / f"{signature.name}.trusted.pem"
    bundle.write_bytes(b"".join(path.read_bytes() for path in trusted))
    return subprocess.run(
        [
            "openssl", "cms", "-verify", "-binary", "-inform", "DER",
            "-in", str(signature), "-content", str(document),
            "-CAfile", str(bundle), "-purpose", "any", "-out", "/dev/null",
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


def raw_cms_signature(content: bytes, certificate: x509.Certificate, key: object) -> bytes:
    """A CMS signature made without dpia's checks, to forge what dpia's signer refuses to make."""
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(content)
        .add_signer(certificate, key, hashes.SHA256())  # type: ignore[arg-type]
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
    )


def certificate_between(
    key: ec.EllipticCurvePrivateKey, name: str, start: dt.datetime, end: dt.datetime
) -> x509.Certificate:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.TITLE, "dpo"),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )
