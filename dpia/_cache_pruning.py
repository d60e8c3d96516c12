"""Keeping the cache folder from growing without end.

Every compiled entry is named by the hash of its source, and every release of dpia writes into
a folder of its own, so nothing in the cache folder is ever overwritten: someone editing a
catalogue and checking it after each change leaves one entry per edit (most of a megabyte each),
and each upgrade leaves the previous release's folders behind. Removing entries is always safe
(a missing entry is compiled again, to the same bytes), so the pruning is simple: after an
entry is written, its folder keeps its newest `KEPT_ENTRIES`, and the folders of other releases
that nothing has written to for `UNUSED_DAYS` are removed. Only names dpia gives its own files
and folders are touched, so a `DPIA_CACHE_DIR` shared with other files loses none of them.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from pathlib import Path

__all__ = ["KEPT_ENTRIES", "UNUSED_DAYS", "prune_after_writing"]

KEPT_ENTRIES = 64
"""Entries kept in a release's folder: every questionnaire and catalogue shipped, with room for
those an organisation writes and the latest edits of each; in the risk maps' folder, the maps
of the assessments rendered lately."""

UNUSED_DAYS = 30
"""A release's folder that nothing has written to for this long belongs to a dpia no longer run."""

_ABANDONED_WRITE_SECONDS = 3600
"""A temporary file this old is what a process left when it stopped mid-write."""

_RELEASE_FOLDER = re.compile(r"(compiled|templates|risk-maps)-[0-9a-f]{16}")
_ENTRY = re.compile(r"(questionnaire|catalogue|map)-[0-9a-f]{64}")


def prune_after_writing(folder: Path, *, now: float | None = None) -> None:
    """Prune `folder`, a release's folder an entry was just written to, and its siblings; a
    file that cannot be read or removed is let be, as another process may be at work."""
    now = time.time() if now is None else now
    _keep_newest(folder, now)
    for sibling in _listing(folder.parent):
        if sibling.name == folder.name or not _RELEASE_FOLDER.fullmatch(sibling.name):
            continue
        try:
            unused = now - sibling.stat().st_mtime > UNUSED_DAYS * 86400
        except OSError:
            continue
        if unused and sibling.is_dir() and not sibling.is_symlink():
            shutil.rmtree(sibling, ignore_errors=True)


def _keep_newest(folder: Path, now: float) -> None:
    entries: list[tuple[float, Path]] = []
    for path in _listing(folder):
        try:
            written = path.stat().st_mtime
        except OSError:
            continue
        if _ENTRY.fullmatch(path.name):
            entries.append((written, path))
        elif path.name.startswith(".writing-") and now - written > _ABANDONED_WRITE_SECONDS:
            _remove(path)
    entries.sort(reverse=True)
    for _, path in entries[KEPT_ENTRIES:]:
        _remove(path)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _listing(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []
