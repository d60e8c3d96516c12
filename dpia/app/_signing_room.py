"""Where a final document waits for its signatures, between one signer and the next.

Signers sign the same bytes, possibly days apart and from different sessions, so the final
document is written once to a folder of its own on the server (`DPIA_SIGNING_DIR`, default
`var/signing`), named by the SHA-256 of its bytes; each signature is the signing package's
detached `DOC.<signer>.p7s` beside it, exactly as `dpia sign` leaves it. A document rebuilt
from changed answers has other bytes, hence another folder: old signatures can never be
mistaken for signatures over the new text.

Uploaded keys are written to a private temporary folder only for the moment of signing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from .._config import SIGNING_DIR, settings
from .._errors import SigningError
from ..signing import (
    DocumentVerification,
    FileKeySigner,
    SignerIdentity,
    identity_of,
    load_certificate,
    sign_document,
    signature_files,
    verify_document,
)

__all__ = [
    "SIGNING_DIR_VARIABLE",
    "certificate_identity",
    "room_document",
    "room_signatures",
    "sign_in_room",
    "verify_archived",
]

SIGNING_DIR_VARIABLE = SIGNING_DIR.variable


def _signing_dir() -> Path:
    return settings().signing_dir


def room_document(assessment_id: str, file_name: str, content: bytes) -> Path:
    """The path of the final document in its folder, written there on first use."""
    digest = hashlib.sha256(content).hexdigest()
    folder = _signing_dir() / assessment_id / digest[:16]
    folder.mkdir(parents=True, exist_ok=True)
    document = folder / file_name
    if not document.exists():
        document.write_bytes(content)
    return document


def room_signatures(document: Path) -> dict[str, bytes]:
    """Signer label → signature bytes, as the archive stores them."""
    prefix = document.name + "."
    return {
        found.name[len(prefix) : -len(".p7s")]: found.read_bytes()
        for found in signature_files(document)
    }


def _private_copy(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return path


def certificate_identity(certificate: bytes | Path) -> SignerIdentity:
    """Who a certificate names, from an upload (bytes) or a file on the server (path)."""
    if isinstance(certificate, Path):
        return identity_of(load_certificate(certificate))
    with tempfile.TemporaryDirectory(prefix="dpia-cert-") as work:
        return identity_of(load_certificate(_private_copy(Path(work), "cert.pem", certificate)))


def sign_in_room(
    document: Path,
    *,
    key: bytes | Path,
    certificate: bytes | Path,
    passphrase: bytes,
) -> Path:
    """Sign the document with a key and certificate, uploaded (bytes) or on the server (paths)."""
    with tempfile.TemporaryDirectory(prefix="dpia-key-") as work:
        folder = Path(work)
        key_path = key if isinstance(key, Path) else _private_copy(folder, "key.pem", key)
        certificate_path = (
            certificate
            if isinstance(certificate, Path)
            else _private_copy(folder, "cert.pem", certificate)
        )
        try:
            signer = FileKeySigner.from_files(key_path, certificate_path, passphrase)
        except SigningError as exc:
            # The temporary copies' paths mean nothing to the person who uploaded the files.
            message = str(exc).replace(f"{folder}{os.sep}key.pem", "the uploaded key")
            message = message.replace(f"{folder}{os.sep}cert.pem", "the uploaded certificate")
            raise SigningError(message) from None
        return sign_document(document, signer)


def verify_archived(document: bytes, signatures: dict[str, bytes]) -> DocumentVerification:
    """Check an archived version's signatures over its archived document bytes."""
    with tempfile.TemporaryDirectory(prefix="dpia-verify-") as work:
        path = Path(work) / "document.docx"
        path.write_bytes(document)
        for signer, content in signatures.items():
            (Path(work) / f"document.docx.{signer}.p7s").write_bytes(content)
        return verify_document(path)
