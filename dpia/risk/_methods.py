"""Which method rates a questionnaire's answers: its rule catalogue, or a method of its own.

A questionnaire's `<id>.risks.yaml` is normally a rule catalogue. A file that starts with
`method: <name>` instead names another scoring method and carries that method's data; today the
one such method is the CNIL PIA method (`method: cnil-pia`), whose ratings are the gauges the
assessment itself records. `assess` asks here first, so every caller (score, render, archive,
the app) rates such an assessment the same way without knowing there is more than one method.
"""

from __future__ import annotations

from pathlib import Path

from .._source import read_source
from ..questionnaire import Questionnaire
from ._catalogue import Catalogue
from ._cnil import CNIL_METHOD, CnilMethod, load_cnil_method
from ._loader import catalogue_path, load_catalogue

__all__ = ["method_name", "read_risk_file", "scoring_method"]

_CACHE: dict[tuple[Path, int, str], CnilMethod | None] = {}


def scoring_method(questionnaire: Questionnaire) -> CnilMethod | None:
    """The method named by the questionnaire's risk file, or None for a rule catalogue."""
    path = catalogue_path(questionnaire)
    if not path.is_file():
        return None
    key = (path, path.stat().st_mtime_ns, questionnaire.ref)
    if key not in _CACHE:
        _CACHE[key] = _read(path, questionnaire)
    return _CACHE[key]


def method_name(questionnaire: Questionnaire) -> str:
    """`cnil-pia` for a questionnaire rated by the CNIL method, `catalogue` otherwise."""
    return CNIL_METHOD if scoring_method(questionnaire) is not None else "catalogue"


def _read(path: Path, questionnaire: Questionnaire) -> CnilMethod | None:
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", "replace")
    if not any(line.strip() == f"method: {CNIL_METHOD}" for line in head.splitlines()):
        return None
    return load_cnil_method(read_source(path), questionnaire)


def read_risk_file(path: Path, questionnaire: Questionnaire) -> Catalogue | CnilMethod:
    """The risk file at `path`, read as what it declares itself (a method's data, or a rule
    catalogue) and checked against `questionnaire`; raises CatalogueError."""
    method = _read(path, questionnaire)
    return method if method is not None else load_catalogue(path, questionnaire)
