"""Signing a final document: one detached `.p7s` per signer, beside the document.

Signatures are detached so that the document's bytes never change after the first signature:
every signer signs exactly the same file, the signature page rendered into it cannot disagree
with the signatures, and any later edit is a new version that needs new signatures.
"""

from __future__ import annotations

import glob
from pathlib import Path

from .._errors import SigningError
from ._certificates import identity_of
from ._cms import parse_signed_data, with_timestamp_token
from ._protocols import Signer, Timestamper
from ._timestamp import request_timestamp

__all__ = ["MAX_DOCUMENT_BYTES", "read_document", "sign_document", "signature_files"]

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


def sign_document(
    document: str | Path, signer: Signer, *, timestamper: Timestamper | None = None
) -> Path:
    """Write `DOC.<signer-slug>.p7s` over the exact bytes of `document`; return its path.

    An existing signature by the same signer is never replaced: it is evidence, and removing it
    should be a deliberate act.
    """
    document = Path(document)
    content = read_document(document)
    identity = identity_of(signer.certificate)
    target = document.with_name(f"{document.name}.{identity.slug}.p7s")
    if target.exists():
        raise SigningError(
            f"{target} already exists: {identity.name} has signed this document. Remove that file "
            "first if the signature must be replaced"
        )
    signature = signer.sign(content)
    if timestamper is not None:
        signer_info = parse_signed_data(signature)["signer_infos"][0]
        token = request_timestamp(timestamper, signer_info["signature"].native)
        signature = with_timestamp_token(signature, token)
    try:
        with target.open("xb") as handle:
            handle.write(signature)
    except OSError as exc:
        raise SigningError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
