"""Where a final document waits for its signatures, between one signer and the next.

Signers sign the same bytes, possibly days apart and from different sessions, so each signature
is kept on the server (`DPIA_SIGNING_DIR`, default `var/signing`) in a folder named by the
SHA-256 of the document's bytes, beside a copy of the document, as the `DOC.<signer>.p7s` that
`dpia sign` would leave: the folder can be checked with `dpia verify` or OpenSSL as it is. A
document rebuilt from changed answers has other bytes, hence another folder, so old signatures
can never be mistaken for signatures over the new text.

The PDF/A copy is signed inside the file (PAdES), one incremental update per signer, so the
folder keeps one `DOC.pdf`: rendered by LibreOffice when the first person signs it, and
replaced by the same bytes with one more signature appended each time someone signs. A
replacement that does not extend the stored bytes is refused, so no signature is ever lost to
two people signing at once.

Nothing is written until someone signs: looking at the page leaves no trace. Keys and
passphrases never come here; signing happens in memory (`dpia.workflow.sign`,
`dpia.workflow.sign_final_pdf`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

from .._config import SIGNING_DIR, settings
from .._errors import SigningError
from ..signing import SignerIdentity, identity_of, load_certificate, read_certificate
from ..signing import read_signatures as _read_signatures
from ..workflow import FinalDocument, Signature

__all__ = [
    "SIGNING_DIR_VARIABLE",
    "certificate_identity",
    "file_signature",
    "keep_signed_pdf",
    "room_pdf",
    "room_signatures",
]

SIGNING_DIR_VARIABLE = SIGNING_DIR.variable


def _document_path(assessment_id: str, document: FinalDocument) -> Path:
    digest = hashlib.sha256(document.content).hexdigest()
    return settings().signing_dir / assessment_id / digest[:16] / document.file_name


def room_signatures(assessment_id: str, document: FinalDocument) -> dict[str, bytes]:
    """Signer label → signature bytes made so far over exactly this document."""
    path = _document_path(assessment_id, document)
    return _read_signatures(path) if path.parent.is_dir() else {}


def file_signature(assessment_id: str, document: FinalDocument, signature: Signature) -> Path:
    """Keep a new signature beside its document; a signer's earlier signature is never
    replaced, since it is evidence."""
    path = _document_path(assessment_id, document)
    target = path.with_name(f"{path.name}.{signature.label}.p7s")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # An earlier signer may have left the document: the folder's name proves the same bytes.
        with contextlib.suppress(FileExistsError):
            _write_new(path, document.content)
        _write_new(target, signature.content)
    except FileExistsError:
        raise SigningError(f"{signature.signatory.name} has already signed this document") from None
    except OSError as exc:
        raise SigningError(
            f"cannot keep the signature in {path.parent}: {exc.strerror or exc} "
            f"(the folder is set by {SIGNING_DIR_VARIABLE})"
        ) from None
    return target


def _pdf_path(assessment_id: str, document: FinalDocument) -> Path:
    return _document_path(assessment_id, document).with_suffix(".pdf")


def room_pdf(assessment_id: str, document: FinalDocument) -> bytes | None:
    """The PDF/A of this document as signed so far; None until someone signs it."""
    path = _pdf_path(assessment_id, document)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SigningError(f"cannot read the signed PDF {path}: {exc.strerror or exc}") from None


def keep_signed_pdf(
    assessment_id: str, document: FinalDocument, before: bytes | None, signed: bytes
) -> Path:
    """Keep `signed`, the PDF as it was (`before`, None for a first signature) with one more
    signature appended, unless someone else's signature reached the folder in between."""
    path = _pdf_path(assessment_id, document)
    if before is not None and not signed.startswith(before):
        raise SigningError("the signed PDF does not extend the PDF it was signed from")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if before is None:
            _write_new(path, signed)
            return path
        with path.with_name(f".{path.name}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if room_pdf(assessment_id, document) != before:
                raise SigningError(
                    "someone else signed the PDF in the meantime; nothing was kept: sign it again"
                )
            descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(signed)
            os.replace(temporary, path)
    except FileExistsError:
        raise SigningError(
            "someone else signed the PDF in the meantime; nothing was kept: sign it again"
        ) from None
    except OSError as exc:
        raise SigningError(
            f"cannot keep the signed PDF in {path.parent}: {exc.strerror or exc} "
            f"(the folder is set by {SIGNING_DIR_VARIABLE})"
        ) from None
    return path


def _write_new(path: Path, content: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


def certificate_identity(certificate: bytes | Path) -> SignerIdentity:
    """Who a certificate names, from an upload (bytes) or a file on the server (path)."""
    if isinstance(certificate, Path):
        return identity_of(load_certificate(certificate))
    return identity_of(read_certificate(certificate, "the uploaded certificate"))
