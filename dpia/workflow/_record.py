"""What a reader who takes no step is shown as an assessment: the record, and what is pending.

A legal viewer reads what was decided, not what someone is typing. The record is the latest
version the decision-maker froze (signed, and moved to its decided status); anything after it
(a version archived without signatures, a draft saved since) is pending and is named as such,
never shown as "the answers". Before anything is frozen, the reader gets the latest archived
version, else the draft, and is told that nobody has decided on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._errors import NotFoundError
from ..archive import Archive, AuditAction, Draft, VersionSummary, canonical_json
from ._steps import archived_versions

__all__ = ["RecordShown", "version_of_record"]


@dataclass(frozen=True)
class RecordShown:
    """`version` is what a reader sees (None: only a draft exists); `frozen` whether it was
    signed and frozen; `later` the versions archived after it; `draft` the draft when it is
    shown (nothing archived yet) or was saved after the latest version and differs from it."""

    assessment_id: str
    version: VersionSummary | None
    frozen: bool
    later: tuple[VersionSummary, ...]
    draft: Draft | None
    answers: dict[str, Any]

    @property
    def pending(self) -> bool:
        """Something after the version shown that nobody has decided on yet."""
        return bool(self.later) or (self.draft is not None and self.version is not None)


def _without_id(answers: dict[str, Any]) -> str:
    meta = {k: v for k, v in (answers.get("assessment") or {}).items() if k != "id"}
    return canonical_json({**answers, "assessment": meta})


def version_of_record(archive: Archive, assessment_id: str) -> RecordShown:
    """The version a reader is shown, and what came after it; NotFoundError for no such id."""
    versions = archived_versions(archive, assessment_id)
    frozen_numbers = {
        event.version_number
        for event in archive.audit_trail(assessment_id)
        if event.action is AuditAction.VERSION_FROZEN
    }
    frozen = [v for v in versions if v.number in frozen_numbers]
    shown = frozen[-1] if frozen else (versions[-1] if versions else None)
    try:
        draft: Draft | None = archive.draft(assessment_id)
    except NotFoundError:
        draft = None
    latest_answers = archive.version(assessment_id).answers if versions else None
    if draft is not None and latest_answers is not None:
        unchanged = _without_id(draft.answers) == _without_id(latest_answers)
        if unchanged or draft.updated_at <= versions[-1].created_at:
            draft = None
    if shown is None:
        assert draft is not None  # an assessment has a version or a draft
        answers = draft.answers
    elif shown.number == versions[-1].number and latest_answers is not None:
        answers = latest_answers
    else:
        answers = archive.version(assessment_id, shown.number).answers
    later = tuple(v for v in versions if shown is not None and v.number > shown.number)
    return RecordShown(
        assessment_id=assessment_id,
        version=shown,
        frozen=bool(frozen),
        later=later,
        draft=draft,
        answers=answers,
    )
