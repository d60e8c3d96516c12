"""Files kept in the cache folder: read only whole and the user's own, written whole or not at all.

Both the compiled questionnaires (`_compiled`) and the drawn risk maps keep entries this way.
Each entry starts with a line naming its format, its key and the SHA-256 of the rest: a
truncated, corrupted or misplaced entry, or one that another user could have written, reads as
no entry, and the caller makes what the entry would have held. Writes go to a temporary file
moved into place, so a reader never sees half an entry; a folder that cannot be created or
written only costs the next process the work again. Each write prunes the folder
(`_cache_pruning`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ._cache_pruning import prune_after_writing

__all__ = ["keep_entry", "kept_entry"]


def _header(kind: bytes, key: str, body: bytes) -> bytes:
    return b"%s %s %s\n" % (kind, key.encode(), hashlib.sha256(body).hexdigest().encode())


def kept_entry(folder: Path, kind: bytes, key: str) -> bytes | None:
    """The body of the entry `key` of format `kind`, or None when there is none to trust whole."""
    try:
        with open(folder / key, "rb") as entry:
            if not _trusted(os.fstat(entry.fileno())):
                return None
            header = entry.readline()
            body = entry.read()
    except OSError:
        return None
    return body if header == _header(kind, key, body) else None


def _trusted(status: os.stat_result) -> bool:
    """Written by this user and writable by no one else, as a file dpia wrote is: an entry
    another user could change is not read."""
    if status.st_mode & 0o022:
        return False
    return not hasattr(os, "getuid") or status.st_uid == os.getuid()


def keep_entry(folder: Path, kind: bytes, key: str, body: bytes) -> None:
    """Write the entry `key`, whole or not at all; a folder that cannot be written is let be."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as entry:
            entry.write(_header(kind, key, body) + body)
        os.replace(temporary, folder / key)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        return
    prune_after_writing(folder)
