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
from ..questionnaire import Questionnaire
from ._messages import in_questionnaire_words

__all__ = ["Case", "field_problems", "migration_notice"]

_SOURCE_NAME = "the assessment"


@dataclass
class Case:
    """Answers being edited; `revision` is the archive draft they were loaded from, if any."""

    questionnaire: str
    meta: dict[str, Any]
    answers: dict[str, Any] = field(default_factory=dict)
    plan: dict[str, dict[str, Any]] = field(default_factory=dict)
    signoff: dict[str, Any] | None = None
    revision: int | None = None
    notes: tuple[str, ...] = ()
    """What changed when answers for an earlier questionnaire version were opened; not saved."""
    as_record: bool = False
    """Opened for a reader: the version of record, never saved back."""

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
