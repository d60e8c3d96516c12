"""Compiled text templates kept on disk between runs, so each run compiles only what changed.

Jinja2 compiles a template to Python code: for the document's sections that is a large part of
a `dpia render` process. Its `FileSystemBytecodeCache` keeps that code under a hash of the
template's name and of its source, so an edited template is compiled again and an entry can
never be used for a source it was not made from. The folder's name also carries a hash of
everything else the code depends on (this environment's definition and Jinja2's version), so
code compiled by another release of dpia or Jinja2 is never picked up either. Deleting the folder
at any time only costs the next run its compiling.

The folder is the user's own (created readable by the user alone), like Python's own
`__pycache__`: whoever can write to it can already change what dpia runs.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import jinja2

from .._config import settings

__all__ = ["template_cache"]


def template_cache(*definition: Path) -> jinja2.BytecodeCache | None:
    """The cache for an environment defined in the files `definition` (its modules, the sandbox
    whose code generator shapes the compiled code among them); None when the cache folder
    cannot be created, and templates are then compiled in each run."""
    root = settings().cache_folder()
    stamp = hashlib.sha256()
    for module in definition:
        stamp.update(module.read_bytes())
    stamp.update(f"{jinja2.__version__} {sys.version_info[:2]}".encode())
    folder = root / f"templates-{stamp.hexdigest()[:16]}"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))
