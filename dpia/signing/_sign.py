"""Signing a final document: one detached `.p7s` per signer, beside the document.

Signatures are detached so that the document's bytes never change after the first signature:
every signer signs exactly the same file, the signature page rendered into it cannot disagree
with the signatures, and any later edit is a new version that needs new signatures.
"""

from __future__ import annotations

import glob
from pathlib import Path

from cryptography import x509

from .._errors import SigningError
from ._certificates import identity_of
from ._cms import parse_signed_data, with_timestamp_token
from ._protocols import Signer, Timestamper
from ._timestamp import request_timestamp

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "read_document",
    "read_signatures",
    "sign_bytes",
    "sign_document",
    "signature_files",
    "signature_label",
]

MAX_DOCUMENT_BYTES = 512 * 1024 * 1024


def read_document(path: str | Path) -> bytes:
    path = Path(path)
    try:
        if not path.is_file():
            raise SigningError(f"{path}: no such document")
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise SigningError(f"{path}: over {MAX_DOCUMENT_BYTES:,} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise SigningError(f"{path}: cannot read: {exc.strerror or exc}") from None


def signature_files(document: str | Path) -> list[Path]:
    """Every `DOC.<signer>.p7s` beside `DOC`, in name order."""
    document = Path(document)
    pattern = glob.escape(document.name) + ".*.p7s"
    return sorted(p for p in document.parent.glob(pattern) if p.is_file())


def read_signatures(document: str | Path) -> dict[str, bytes]:
    """Signer label → signature bytes for every `DOC.<label>.p7s` beside `DOC`."""
    prefix = Path(document).name + "."
    found = {}
    for path in signature_files(document):
        try:
            found[path.name[len(prefix) : -len(".p7s")]] = path.read_bytes()
        except OSError as exc:
            raise SigningError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return found


def signature_label(certificate: x509.Certificate) -> str:
    """The `<signer>` of `DOC.<signer>.p7s`: the holder's name and role, safe in a file name."""
    return identity_of(certificate).slug


def sign_bytes(content: bytes, signer: Signer, *, timestamper: Timestamper | None = None) -> bytes:
    """A detached CMS signature over exactly `content`, time-stamped when `timestamper` is given.

    The signature is the whole product: where it is kept (beside a file, in the signing room of
    the app, in the archive) is for the caller, so nothing is written here.
    """
    if len(content) > MAX_DOCUMENT_BYTES:
        raise SigningError(f"the document is over {MAX_DOCUMENT_BYTES:,} bytes")
    signature = signer.sign(content)
    if timestamper is not None:
        signer_info = parse_signed_data(signature)["signer_infos"][0]
        token = request_timestamp(timestamper, signer_info["signature"].native)
        signature = with_timestamp_token(signature, token)
    return signature


def sign_document(
    document: str | Path, signer: Signer, *, timestamper: Timestamper | None = None
) -> Path:
    """Write `DOC.<signer-slug>.p7s` over the exact bytes of `document`; return its path.

    An existing signature by the same signer is never replaced: it is evidence, and removing it
    should be a deliberate act.
    """
    document = Path(document)
    content = read_document(document)
    label = signature_label(signer.certificate)
    target = document.with_name(f"{document.name}.{label}.p7s")
    if target.exists():
        raise SigningError(
            f"{target} already exists: {identity_of(signer.certificate).name} has signed this "
            "document. Remove that file first if the signature must be replaced"
        )
    signature = sign_bytes(content, signer, timestamper=timestamper)
    try:
        with target.open("xb") as handle:
            handle.write(signature)
    except OSError as exc:
        raise SigningError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
