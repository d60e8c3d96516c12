"""Where questionnaires and their catalogues live, and how an answers file finds its own.

A questionnaire `telemetry-for-ai` is the file `telemetry-for-ai.yaml` in the questionnaire
directory (`questionnaires/` beside the package, or `DPIA_QUESTIONNAIRES`); its risk catalogue
sits next to it as `telemetry-for-ai.risks.yaml`. Answers name `id@version`, and a file whose
version differs is refused rather than scored against questions the team never saw.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ._config import settings
from ._errors import SourceError
from ._source import read_source
from .questionnaire import Questionnaire, load_questionnaire

__all__ = ["questionnaire_dir", "questionnaire_for", "questionnaire_path", "questionnaire_ref_of"]


def questionnaire_dir() -> Path:
    return settings().questionnaires


def questionnaire_path(questionnaire_id: str) -> Path:
    return questionnaire_dir() / f"{questionnaire_id}.yaml"


@lru_cache(maxsize=32)
def _cached(path: Path, _mtime_ns: int) -> Questionnaire:
    """`_mtime_ns` is only part of the cache key: a questionnaire edited while the app runs is
    read again instead of served stale."""
    return load_questionnaire(path)


def questionnaire_for(ref: str) -> Questionnaire:
    """The questionnaire an answers file names (`id@version`)."""
    questionnaire_id, _, version = ref.partition("@")
    path = questionnaire_path(questionnaire_id)
    if not path.is_file():
        raise SourceError(f"no questionnaire {questionnaire_id!r} in {questionnaire_dir()}")
    questionnaire = _cached(path, path.stat().st_mtime_ns)
    if version and version != questionnaire.version:
        raise SourceError(
            f"the answers are for {ref}, but {path} is version {questionnaire.version}"
        )
    return questionnaire


def questionnaire_ref_of(path: str | Path) -> str:
    """The `questionnaire:` field of an answers file, read before full validation."""
    source = read_source(path)
    ref = source.value.get("questionnaire") if isinstance(source.value, dict) else None
    if not isinstance(ref, str):
        line, column, _ = source.locate(("questionnaire",))
        raise SourceError(
            f"{source.name}:{line}:{column}: questionnaire: required, as '<id>@<version>'"
        )
    return ref
