"""Cache folders for the figures that compare a process with and without compiled files kept.

A figure "without cache" runs with an empty `DPIA_CACHE_DIR` every time, as the first run after
installing or deleting the folder; a figure "warm cache" runs with one folder its untimed first
run filled, as every later run. `as_new_process` forgets what this process compiled, so an
in-process figure pays what a fresh process pays beyond importing.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from dpia import _conditions

__all__ = ["as_new_process", "cache_environment", "empty_cache", "in_cache", "warm_cache"]

Result = TypeVar("Result")
_ROOT = Path(tempfile.mkdtemp(prefix="dpia-bench-cache-"))
atexit.register(shutil.rmtree, _ROOT, ignore_errors=True)


def warm_cache() -> Path:
    """A folder kept for the whole run."""
    return Path(tempfile.mkdtemp(dir=_ROOT))


def empty_cache() -> Path:
    """A new, empty folder; the one before it is removed."""
    for earlier in _ROOT.glob("empty-*"):
        shutil.rmtree(earlier, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix="empty-", dir=_ROOT))


def cache_environment(folder: Path) -> Mapping[str, str]:
    return {**os.environ, "DPIA_CACHE_DIR": str(folder)}


def in_cache(folder: Callable[[], Path], run: Callable[[], Result]) -> Callable[[], Result]:
    """`run` with `DPIA_CACHE_DIR` set to `folder()` in this process, as it was after."""

    def timed() -> Result:
        before = os.environ.get("DPIA_CACHE_DIR")
        os.environ["DPIA_CACHE_DIR"] = str(folder())
        try:
            return run()
        finally:
            if before is None:
                del os.environ["DPIA_CACHE_DIR"]
            else:
                os.environ["DPIA_CACHE_DIR"] = before

    return timed


def as_new_process() -> None:
    """Forget every condition and template this process checked or took from a cache."""
    _conditions._checked.cache_clear()
    _conditions._checked_text.cache_clear()
    _conditions._KEPT_TREES.clear()
    _conditions._KEPT_TEXTS.clear()
