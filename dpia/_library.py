"""Where questionnaires and their catalogues live, and how an answers file finds its own.

A questionnaire `telemetry-for-ai` is the file `telemetry-for-ai.yaml` in the questionnaire
directory (`questionnaires/` beside the package, or `DPIA_QUESTIONNAIRES`); its risk catalogue
sits next to it as `telemetry-for-ai.risks.yaml`. Answers name `id@version`. Answers for an
earlier version open under the current one when its `migrations` block leads from that version
(the answers are migrated as they are read); any other version is refused rather than scored
against questions the team never saw.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ._config import settings
from ._errors import SourceError
from ._source import read_source
from .questionnaire import Questionnaire, load_questionnaire

__all__ = [
    "answers_questionnaire",
    "questionnaire_dir",
    "questionnaire_for",
    "questionnaire_path",
    "questionnaire_ref_of",
]

_ID = re.compile(r"[a-z][a-z0-9-]{0,63}")
_REF = re.compile(r"[a-z][a-z0-9-]{0,63}@\d+\.\d+(\.\d+)?")


def questionnaire_dir() -> Path:
    return settings().questionnaires


def questionnaire_path(questionnaire_id: str) -> Path:
    """The file of a questionnaire id; an id that is not one (`../x`) is refused before any path
    is formed, so no file outside the questionnaire folder is ever opened."""
    if not _ID.fullmatch(questionnaire_id):
        raise SourceError(
            f"{questionnaire_id!r} is not a questionnaire id: expected a lower-case letter, then "
            "lower-case letters, digits or - (e.g. telemetry-for-ai)"
        )
    return questionnaire_dir() / f"{questionnaire_id}.yaml"


@lru_cache(maxsize=32)
def _cached(path: Path, _mtime_ns: int) -> Questionnaire:
    """`_mtime_ns` is only part of the cache key: a questionnaire edited while the app runs is
    read again instead of served stale."""
    return load_questionnaire(path)


def questionnaire_for(ref: str) -> Questionnaire:
    """The questionnaire an answers file names (`id@version`): that version, or the current one
    when its migrations lead from the version named."""
    questionnaire_id, _, version = ref.partition("@")
    path = questionnaire_path(questionnaire_id)
    if not path.is_file():
        raise SourceError(f"no questionnaire {questionnaire_id!r} in {questionnaire_dir()}")
    questionnaire = _cached(path, path.stat().st_mtime_ns)
    if version and questionnaire.migration_path(version) is None:
        raise SourceError(
            f"the answers are for {ref}, but {path} is version {questionnaire.version}"
            + _known_versions(questionnaire)
        )
    return questionnaire


def _known_versions(questionnaire: Questionnaire) -> str:
    earlier = [step.from_version for step in questionnaire.migrations]
    if not earlier:
        return ""
    return f" and opens answers for {', '.join(earlier)} only"


def questionnaire_ref_of(path: str | Path) -> str:
    """The `questionnaire:` field of an answers file, read before full validation."""
    source = read_source(path)
    ref = source.value.get("questionnaire") if isinstance(source.value, dict) else None
    line, column, _ = source.locate(("questionnaire",))
    if not isinstance(ref, str):
        raise SourceError(
            f"{source.name}:{line}:{column}: questionnaire: required, as '<id>@<version>'"
        )
    if not _REF.fullmatch(ref):
        raise SourceError(
            f"{source.name}:{line}:{column}: questionnaire: {ref!r} does not fit: expected "
            "<questionnaire id>@<version>, e.g. telemetry-for-ai@1.0.0"
        )
    return ref


def answers_questionnaire(path: str | Path) -> Questionnaire:
    """The questionnaire an answers file names; a refusal names the file and its line."""
    ref = questionnaire_ref_of(path)
    try:
        return questionnaire_for(ref)
    except SourceError as exc:
        source = read_source(path)
        line, column, _ = source.locate(("questionnaire",))
        raise SourceError(f"{source.name}:{line}:{column}: questionnaire: {exc}") from None
