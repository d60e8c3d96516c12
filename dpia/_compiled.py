"""Questionnaires and catalogues kept compiled on disk, so a process compiles only what changed.

Reading the shipped questionnaire and its catalogue (PyYAML, pydantic, then hundreds of
conditions parsed and checked) is most of what a fresh `dpia score` or `dpia render` costs
before it does anything of its own. What that produces is kept in the cache folder
(`DPIA_CACHE_DIR`): the validated model as pydantic's JSON and the conditions' trees as data
(`_condition_trees`), never pickled objects or code.

An entry is named by a hash of the bytes it was compiled from and of `STAMP`, which hashes the
code that reads them (dpia's own loading modules, the libraries' versions, this Python): an
edited file or another release of dpia looks for an entry of another name, so an entry cannot
go stale, and the folder is safe to delete at any time. Each entry starts with a line naming
its format, its key and the SHA-256 of the rest: a truncated, corrupted or misplaced entry, or
one that another user could have written, is ignored and compiled again, and compiling always
gives what the entry would have (`_cache_entries` reads and writes them); when the folder
cannot be created or written, dpia compiles in every process as it would without it. Each
write prunes the folder (`_cache_pruning`).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ._cache_entries import keep_entry, kept_entry
from ._conditions import keep_written, written_forms
from ._config import settings
from ._source import MAX_SOURCE_BYTES

__all__ = ["compiled_model", "entry_key", "keep_compiled", "source_bytes"]

Model = TypeVar("Model", bound=BaseModel)

FORMAT = b"dpia-compiled 1"
_PACKAGE = Path(__file__).resolve().parent
_LOADING_CODE = (".", "questionnaire", "risk")
"""The folders of the modules a compiled questionnaire or catalogue depends on: the models, the
loaders and their checks, the source reader and the condition language."""


@lru_cache(maxsize=1)
def _stamp() -> bytes:
    import jinja2
    import pydantic
    import pydantic_core
    import yaml

    stamp = hashlib.sha256(FORMAT)
    for folder in _LOADING_CODE:
        for module in sorted((_PACKAGE / folder).glob("*.py")):
            stamp.update(f"{folder}/{module.name}".encode() + b"\0" + module.read_bytes())
    versions = (jinja2.__version__, pydantic.VERSION, pydantic_core.__version__, yaml.__version__)
    stamp.update(f"{versions} {sys.version_info[:3]}".encode())
    return stamp.digest()


def source_bytes(path: str | Path) -> bytes | None:
    """The file's bytes, to key its entry by; None when it cannot be read or is over the size
    `read_source` accepts (read no further than that), so that reading it says why."""
    try:
        with open(path, "rb") as source:
            raw = source.read(MAX_SOURCE_BYTES + 1)
    except OSError:
        return None
    return None if len(raw) > MAX_SOURCE_BYTES else raw


def entry_key(kind: str, *sources: bytes) -> str:
    """The name of the entry compiled from `sources` by this code, for `kind` of file."""
    key = hashlib.sha256(_stamp() + kind.encode() + b"\0")
    for source in sources:
        key.update(hashlib.sha256(source).digest())
    return f"{kind}-{key.hexdigest()}"


def _folder() -> Path:
    """This code's folder of entries: another release of dpia has another one."""
    return settings().cache_folder() / f"compiled-{_stamp().hex()[:16]}"


def compiled_model(key: str, model: type[Model]) -> Model | None:
    """The model kept under `key`, its conditions ready to be checked without parsing; None
    when no entry can be trusted whole, and the caller compiles."""
    body = _entry(key)
    if body is None:
        return None
    forms, _, dumped = body.partition(b"\n")
    try:
        found = model.model_validate_json(dumped)
        written = json.loads(forms)
    except (ValidationError, ValueError, RecursionError):
        return None
    keep_written(written)
    return found


def keep_compiled(
    key: str, compiled: BaseModel, conditions: Iterable[str], templates: Iterable[str]
) -> None:
    """Keep a model that passed every check, with the trees of its conditions and templates."""
    forms = json.dumps(written_forms(conditions, templates), separators=(",", ":"))
    _keep_entry(key, forms.encode() + b"\n" + compiled.model_dump_json().encode())


def _entry(key: str) -> bytes | None:
    """The body of the entry `key`, or None when there is none to trust whole."""
    return kept_entry(_folder(), FORMAT, key)


def _keep_entry(key: str, body: bytes) -> None:
    keep_entry(_folder(), FORMAT, key, body)
