"""Reading a checkpoint kept away from the archive, to compare the archive with it: an exported
bag, a copy file from the checkpoint folder (taken to another machine, mailed to the DPO), or a
`checkpoint.json` with its `checkpoint.json.sig` beside it."""

from __future__ import annotations

from pathlib import Path

from .._errors import ArchiveError
from ._checkpoint import Checkpoint, CheckpointCopies

__all__ = ["read_kept_checkpoint"]

_MAX_BYTES = 1024 * 1024


def read_kept_checkpoint(path: Path) -> Checkpoint:
    if path.is_dir():
        body = path / "data" / "checkpoint.json"
        if not body.is_file():
            raise ArchiveError(f"{path} is not an exported bag: it has no data/checkpoint.json")
        return _with_signature(body)
    if path.name.endswith("checkpoint.json"):
        return _with_signature(path)
    copy = CheckpointCopies(path.parent).read(path.stem)
    if copy is None:
        raise ArchiveError(f"{path}: no such file")
    return copy


def _with_signature(body: Path) -> Checkpoint:
    signature = body.with_name(body.name + ".sig")
    token = body.with_name(body.name + ".tsr")
    try:
        return Checkpoint.parse(
            _read(body),
            _read(signature),
            _read(token) if token.exists() else None,
            where=str(body),
        )
    except FileNotFoundError as exc:
        raise ArchiveError(f"{exc.filename}: no such file") from None


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > _MAX_BYTES:
            raise ArchiveError(f"{path} is over {_MAX_BYTES:,} bytes; not part of a checkpoint")
        return path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot read: {exc.strerror or exc}") from None
