"""Answers files: what a product team said, checked against the questionnaire they answered.

An answers file is YAML or JSON:

    questionnaire: telemetry-for-ai@1.0.0
    assessment: {id: null, title: ..., organisation: ..., assessor: ..., date: 2026-05-04}
    answers: {question_id: value, ...}
    plan: {measure_id: {owner: ..., due: 2026-09-30, note: ...}, ...}

Validation produces an `Assessment`: answers normalised to their types, answers to hidden
questions dropped (with a warning, as they played no part), every other mismatch an error with
its line. Drafts may be incomplete; `require_complete=True` also demands every visible required
question.

Answers written for an earlier version of the questionnaire are first carried through the
questionnaire's migrations (dpia.questionnaire._migration). The result is an assessment of the
current version; `AnswersCheck.notes` says, question by question, what changed, and lists the
new questions that are shown but not answered. Nothing is filled in on the user's behalf.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from ._calendar import CalendarDate
from ._errors import AnswersError, Problem
from ._signoff import SignOff
from ._source import Source, read_source
from ._text import DocumentText
from ._validation import parse_model
from .questionnaire import AnswerRejected, Questionnaire
from .questionnaire._migration import migrate_answers

__all__ = [
    "MAX_TEXT_LENGTH",
    "AnswersCheck",
    "Assessment",
    "AssessmentMeta",
    "PlannedMeasure",
    "assessment_from_source",
    "load_answers",
]

MAX_TEXT_LENGTH = 100_000
_REF = r"^[a-z][a-z0-9-]{0,63}@\d+\.\d+(\.\d+)?$"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AssessmentMeta(_Frozen):
    """Who assesses what, and as of when; `id` is given by the archive on first save."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")] | None = None
    title: Annotated[DocumentText, Field(min_length=1, max_length=300)]
    organisation: Annotated[DocumentText, Field(min_length=1, max_length=300)]
    assessor: Annotated[DocumentText, Field(min_length=1, max_length=300)]
    date: CalendarDate


class PlannedMeasure(_Frozen):
    """A measure the team commits to: the residual risk counts it as if in place."""

    owner: Annotated[DocumentText, Field(min_length=1, max_length=300)]
    due: CalendarDate
    note: Annotated[DocumentText, Field(max_length=5000)] = ""


class AnswersFile(_Frozen):
    questionnaire: Annotated[str, Field(pattern=_REF, description="<questionnaire id>@<version>")]
    assessment: AssessmentMeta
    answers: dict[str, Any] = Field(default_factory=dict)
    plan: dict[str, PlannedMeasure] = Field(default_factory=dict)
    signoff: SignOff | None = None


class Assessment(_Frozen):
    """Validated answers: the input of the risk engine and of the document."""

    questionnaire: str
    meta: AssessmentMeta
    answers: dict[str, Any]
    plan: dict[str, PlannedMeasure] = Field(default_factory=dict)
    signoff: SignOff | None = None

    def to_file(self) -> dict[str, Any]:
        """The answers-file mapping (YAML/JSON-ready) that loads back to an equal Assessment."""
        mapping: dict[str, Any] = {
            "questionnaire": self.questionnaire,
            "assessment": self.meta.model_dump(mode="json"),
            "answers": _plain(self.answers),
            "plan": {k: v.model_dump(mode="json") for k, v in self.plan.items()},
        }
        if self.signoff is not None:
            mapping["signoff"] = self.signoff.model_dump(mode="json")
        return mapping


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class AnswersCheck(_Frozen):
    """The outcome of checking an answers file: the assessment, warnings and completeness.

    `migrated_from` is the questionnaire version the file was written for when it differs from
    the one it now answers; `notes` then say what the migration changed, one per question.
    """

    assessment: Assessment
    warnings: tuple[Problem, ...]
    required_answered: int
    required_total: int
    missing: tuple[str, ...]
    migrated_from: str | None = None
    notes: tuple[Problem, ...] = ()


def load_answers(
    path: str | Path, questionnaire: Questionnaire, *, require_complete: bool = False
) -> AnswersCheck:
    return assessment_from_source(
        read_source(path), questionnaire, require_complete=require_complete
    )


def assessment_from_source(
    source: Source, questionnaire: Questionnaire, *, require_complete: bool = False
) -> AnswersCheck:
    """Validate an answers document; raises AnswersError listing every error (and warning)."""
    parsed, problems = parse_model(source, AnswersFile)
    if parsed is None:
        raise AnswersError(problems)
    written = parsed.answers
    notes: list[Problem] = []
    written_at: dict[str, str] = {}
    migrated_from = None
    if parsed.questionnaire != questionnaire.ref:
        questionnaire_id, _, version = parsed.questionnaire.partition("@")
        steps = (
            questionnaire.migration_path(version) if questionnaire_id == questionnaire.id else None
        )
        if steps is None:
            problems.append(
                source.problem(
                    ("questionnaire",),
                    f"answers are for {parsed.questionnaire}, but the questionnaire is "
                    f"{questionnaire.ref}",
                )
            )
        else:
            migrated_from = parsed.questionnaire
            written, notes, written_at = _migrated(source, questionnaire, steps, parsed)
    known = set(questionnaire.question_ids())
    clean: dict[str, Any] = {}
    rejected: set[str] = set()
    for question_id, value in written.items():
        path = ("answers", written_at.get(question_id, question_id))
        if question_id not in known:
            close = difflib.get_close_matches(str(question_id), sorted(known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            message = f"unknown question id {question_id!r}{hint}"
            problems.append(source.problem(path, message, key=True))
            continue
        if value is None:
            continue
        try:
            clean[question_id] = questionnaire.question(question_id).accept(value)
        except AnswerRejected as exc:
            rejected.add(question_id)
            problems.append(source.problem(path, str(exc)))
        else:
            if isinstance(clean[question_id], str) and len(clean[question_id]) > MAX_TEXT_LENGTH:
                problems.append(source.problem(path, f"text over {MAX_TEXT_LENGTH:,} characters"))

    shown = questionnaire.visibility(clean)
    scope = questionnaire.scope(clean)
    warnings: list[Problem] = []
    for question_id in list(clean):
        if not shown[question_id]:
            warnings.append(
                source.problem(
                    ("answers", written_at.get(question_id, question_id)),
                    "question is hidden by its condition for these answers; value ignored",
                    severity="warning",
                )
            )
            del clean[question_id]
            continue
        question = questionnaire.question(question_id)
        if hasattr(question, "options"):
            allowed = set(questionnaire.visible_options(question, scope))
            chosen = clean[question_id]
            for value in chosen if isinstance(chosen, list) else [chosen]:
                if value not in allowed:
                    problems.append(
                        source.problem(
                            ("answers", written_at.get(question_id, question_id)),
                            f"option {value!r} is not offered for these answers "
                            "(its condition does not hold)",
                        )
                    )

    missing: list[str] = []
    total = 0
    for _, question in questionnaire.questions():
        if question.required and shown[question.id]:
            total += 1
            if not question.is_answered(clean.get(question.id)) and question.id not in rejected:
                missing.append(question.id)
    if migrated_from is not None:
        notes.extend(_new_questions(source, questionnaire, migrated_from, shown, clean))
    if require_complete:
        for question_id in missing:
            problems.append(
                source.problem(
                    ("answers", question_id),
                    f"required question {question_id!r} is not answered "
                    f"({questionnaire.question(question_id).label})",
                )
            )
    if problems:
        raise AnswersError(problems + warnings + notes)
    assessment = Assessment(
        questionnaire=questionnaire.ref if migrated_from else parsed.questionnaire,
        meta=parsed.assessment,
        answers=clean,
        plan=dict(parsed.plan),
        signoff=parsed.signoff,
    )
    return AnswersCheck(
        assessment=assessment,
        warnings=tuple(warnings),
        required_answered=total - len(missing),
        required_total=total,
        missing=tuple(missing),
        migrated_from=migrated_from,
        notes=tuple(notes),
    )


def _migrated(
    source: Source, questionnaire: Questionnaire, steps: tuple, parsed: AnswersFile
) -> tuple[dict[str, Any], list[Problem], dict[str, str]]:
    """The answers carried to the current version, their notes located at the line of the
    answer as written, and where each carried answer was written."""
    answers, changes, written_at = migrate_answers(questionnaire, steps, parsed.answers)
    notes = [
        source.problem(
            ("answers", note.question) if note.question else ("questionnaire",),
            note.text,
            severity="note",
        )
        for note in changes
    ]
    notes.insert(
        0,
        source.problem(
            ("questionnaire",),
            f"written for {parsed.questionnaire}; opened as {questionnaire.ref}, "
            "with the changes below",
            severity="note",
        ),
    )
    return answers, notes, written_at


def _new_questions(
    source: Source,
    questionnaire: Questionnaire,
    migrated_from: str,
    shown: dict[str, bool],
    answers: dict[str, Any],
) -> list[Problem]:
    """A note for each question new since the version written for that is shown here and not
    answered: the user must answer it, since no default is ever assumed."""
    _, _, version = migrated_from.partition("@")
    steps = questionnaire.migration_path(version) or ()
    added = dict.fromkeys(a for step in steps for a in step.added)
    notes = []
    for question_id in added:
        if question_id not in shown or not shown[question_id]:
            continue
        question = questionnaire.question(question_id)
        if question.is_answered(answers.get(question_id)):
            continue
        need = "required" if question.required else "optional"
        notes.append(
            source.problem(
                ("answers",),
                f"new in {questionnaire.ref}, not answered yet ({need}): {question_id} "
                f"({question.label})",
                severity="note",
            )
        )
    return notes
