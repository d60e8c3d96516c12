"""The assessment open in one browser session: the answers as the user left them.

Widgets come and go (a step is left, a follow-up question is hidden), so the answers live here,
in a plain object no widget owns. It converts to and from the answers-file mapping, and every
check goes through the same validator as `dpia check-answers`: the app has no rules of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .._assessment import AnswersCheck, assessment_from_source
from .._errors import AnswersError, Problem
from .._source import Source
from .._vocabulary import in_questionnaire_words
from ..questionnaire import Questionnaire

__all__ = ["HELD", "Case", "DraftFile", "field_problems", "migration_notice"]

_SOURCE_NAME = "the assessment"
HELD = "held"
"""The part of a saved draft that holds what the user typed but does not validate yet:
`{"answers": {question id: value}, "assessment": {field: value}}`. It never reaches a
version: versions are built from the validated assessment only."""


@dataclass(frozen=True)
class DraftFile:
    """What to store as the draft, and why each held-back entry is held (by field name)."""

    mapping: dict[str, Any]
    problems: dict[str, str]


@dataclass
class Case:
    """Answers being edited; `revision` is the archive draft they were loaded from, if any."""

    questionnaire: str
    meta: dict[str, Any]
    answers: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, dict[str, Any]] = field(default_factory=dict)
    signoff: dict[str, Any] | None = None
    revision: int | None = None
    version: int | None = None
    """The archived version the answers were opened from, when no draft was saved since."""
    notes: tuple[str, ...] = ()
    """What changed when answers for an earlier questionnaire version were opened; not saved."""
    as_record: bool = False
    """Opened for a reader: the version of record, never saved back."""
    saved: dict[str, Any] | None = None
    """The draft as last saved or loaded, to tell whether anything is still unsaved."""

    @property
    def assessment_id(self) -> str | None:
        return self.meta.get("id")

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or "Untitled assessment")

    @classmethod
    def new(cls, questionnaire: str, *, assessor: str, organisation: str = "") -> Case:
        return cls(
            questionnaire=questionnaire,
            meta={
                "id": None,
                "title": "",
                "organisation": organisation,
                "assessor": assessor,
                "date": dt.date.today(),
            },
        )

    @classmethod
    def from_file(cls, mapping: dict[str, Any], questionnaire: Questionnaire) -> Case:
        """A case from a stored answers-file mapping, with dates turned back into dates."""
        check = _check(mapping, questionnaire)
        assessment = check.assessment
        meta = assessment.meta.model_dump()
        plan = {k: v.model_dump() for k, v in assessment.plan.items()}
        signoff = None if assessment.signoff is None else assessment.signoff.model_dump()
        return cls(
            questionnaire=assessment.questionnaire,
            meta=meta,
            answers=dict(assessment.answers),
            plan=plan,
            signoff=signoff,
            notes=tuple(in_questionnaire_words(n.message, questionnaire) for n in check.notes),
        )

    def answers_file(self) -> dict[str, Any]:
        mapping: dict[str, Any] = {
            "questionnaire": self.questionnaire,
            "assessment": {k: v for k, v in self.meta.items() if v is not None or k == "id"},
            "answers": {k: v for k, v in self.answers.items() if v is not None},
            "plan": self.plan,
        }
        if self.signoff is not None:
            mapping["signoff"] = self.signoff
        return mapping

    def check(
        self, questionnaire: Questionnaire, *, require_complete: bool = False
    ) -> AnswersCheck:
        """Validate like an answers file; raises AnswersError with every problem."""
        return _check(self.answers_file(), questionnaire, require_complete=require_complete)

    def draft_file(self, questionnaire: Questionnaire) -> DraftFile:
        """The draft to save: every answer as given, those that do not validate held aside.

        A user who leaves one table cell empty must not lose the fourteen answers around it,
        nor the cell's row: the draft keeps what validates in place and the rest under `HELD`,
        with its message. A detail of the assessment (title, organisation...) that does not
        validate keeps its last saved value in place. Raises AnswersError when even that
        leaves nothing that validates (a new assessment without a title, say).
        """
        mapping = self.answers_file()
        previous = (self.saved or {}).get("assessment") or {}
        held: dict[str, dict[str, Any]] = {"answers": {}, "assessment": {}}
        problems: dict[str, str] = {}
        while True:
            try:
                check = _check(mapping, questionnaire)
            except AnswersError as exc:
                found = {n: m for n, m in field_problems(exc).items() if n not in problems}
                if not _hold(mapping, previous, found, held):
                    raise
                problems.update(found)
                continue
            break
        stored = check.assessment.to_file()
        if held["answers"] or held["assessment"]:
            stored[HELD] = _json_ready({k: v for k, v in held.items() if v})
        return DraftFile(stored, problems)


def _hold(
    mapping: dict[str, Any],
    previous: dict[str, Any],
    found: dict[str, str],
    held: dict[str, dict[str, Any]],
) -> bool:
    """Move the fields named in `found` out of `mapping`; False when none of them can move."""
    moved = False
    for name in found:
        group, _, field_name = name.partition(".")
        if not field_name and name in mapping["answers"]:
            held["answers"][name] = mapping["answers"].pop(name)
            moved = True
        elif group == "assessment" and field_name in previous and field_name != "id":
            held["assessment"][field_name] = mapping["assessment"].get(field_name)
            mapping["assessment"][field_name] = previous[field_name]
            moved = True
    return moved


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _check(
    mapping: dict[str, Any], questionnaire: Questionnaire, *, require_complete: bool = False
) -> AnswersCheck:
    source = Source(_SOURCE_NAME, mapping, None)
    return assessment_from_source(source, questionnaire, require_complete=require_complete)


def migration_notice(notes: tuple[str, ...]) -> str | None:
    """The notes of a migration as one message, or None when nothing was migrated."""
    if not notes:
        return None
    first, *rest = notes
    lines = [f"These answers were {first}. Check each point before you go on:"]
    lines += [f"- {note}" for note in rest]
    return "\n".join(lines)


def field_problems(error: AnswersError) -> dict[str, str]:
    """Errors by the field they belong to: a question id, `assessment.<field>`, or `""`."""
    found: dict[str, str] = {}
    for problem in error.problems:
        if problem.severity != "error":
            continue
        found.setdefault(_field_of(problem), problem.message)
    return found


def _field_of(problem: Problem) -> str:
    parts = problem.path.split(".")
    if parts[0] == "answers" and len(parts) > 1:
        return parts[1].split("[")[0]
    if parts[0] in ("assessment", "plan", "signoff") and len(parts) > 1:
        return ".".join(parts[:2])
    return ""
