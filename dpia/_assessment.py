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

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from ._calendar import CalendarDate
from ._conditions import evaluate, referenced_names
from ._errors import AnswersError, DPIAError, Problem
from ._signoff import SignOff
from ._source import Source, read_source
from ._text import DocumentText
from ._validation import parse_model
from .questionnaire import AnswerRejected, Questionnaire
from .questionnaire._migration import migrate_answers
from .questionnaire._types import ID_PATTERN

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
    # Validator built on first use: a command validates few of these models, and one
    # held by another is validated within it, so building each at import is wasted.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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
    problems.extend(_plan_problems(source, questionnaire, parsed.plan))
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
    scope = questionnaire.scope(clean, shown)
    unsure = _unsure(questionnaire, shown, rejected)
    warnings: list[Problem] = []
    for question_id in list(clean):
        if not shown[question_id]:
            if question_id not in unsure:
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
                condition = question.option(value).when or ""
                if value in allowed or _reads(condition, unsure):
                    continue
                problems.append(
                    source.problem(
                        ("answers", written_at.get(question_id, question_id)),
                        _not_offered(value, condition),
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
    problems.extend(_decision_problems(source, questionnaire, parsed.signoff, clean))
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


def _decision_problems(
    source: Source, questionnaire: Questionnaire, signoff: SignOff | None, answers: dict[str, Any]
) -> list[Problem]:
    """A recorded decision must be one the law that applies leaves open: no referral to the
    supervisory authority where the GDPR does not apply (`dpia.workflow.decisions_open`)."""
    if signoff is None or signoff.decision is None:
        return []
    from .risk._loader import catalogue_for, catalogue_path
    from .workflow._decisions import decision_refusal

    if not catalogue_path(questionnaire).is_file():
        return []
    try:
        condition = catalogue_for(questionnaire).inputs.gdpr_applies
    except DPIAError:
        return []
    gdpr_applies = condition is None or bool(evaluate(condition, questionnaire.scope(answers)))
    message = decision_refusal(signoff.decision.decision, gdpr_applies)
    if message is None:
        return []
    return [source.problem(("signoff", "decision", "decision"), message)]


def _plan_problems(
    source: Source, questionnaire: Questionnaire, plan: dict[str, PlannedMeasure]
) -> list[Problem]:
    """A plan names measures of the questionnaire's risk catalogue, and nothing else.

    An unknown id would be silently left out of the residual risk while the team believes it
    counted. Without a catalogue beside the questionnaire only the shape of an id is checked;
    a catalogue that does not load is reported by `dpia score`, not here.
    """
    from .risk._loader import catalogue_for, catalogue_path

    measures: list[str] | None = None
    if plan and catalogue_path(questionnaire).is_file():
        try:
            measures = [measure.id for measure in catalogue_for(questionnaire).measures]
        except DPIAError:
            measures = None
    problems = []
    for measure_id in plan:
        path = ("plan", measure_id)
        if not re.fullmatch(ID_PATTERN, measure_id):
            message = (
                f"{measure_id!r} is not a measure id: expected a lower-case letter, then "
                "lower-case letters, digits or _ (as in the risk catalogue)"
            )
        elif measures is not None and measure_id not in measures:
            close = difflib.get_close_matches(measure_id, measures, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            message = (
                f"unknown measure id {measure_id!r}{hint}; a plan names measures of the risk "
                f"catalogue {catalogue_path(questionnaire).name}"
            )
        else:
            continue
        problems.append(source.problem(path, message, key=True))
    return problems


def _unsure(questionnaire: Questionnaire, shown: dict[str, bool], rejected: set[str]) -> set[str]:
    """Questions whose visibility cannot be known because a condition reads a rejected answer.

    A rejected answer is left out, so conditions see it as unanswered; whatever they hide then
    is not really hidden, and saying so would bury the one real error under false warnings.
    Conditions only look backwards, so one pass in order settles it.
    """
    unsure = set(rejected)
    for section, question in questionnaire.questions():
        if shown[question.id]:
            continue
        if _reads(question.when, unsure) or _reads(section.when, unsure):
            unsure.add(question.id)
    return unsure


def _reads(condition: str | None, names: set[str]) -> bool:
    return bool(condition) and bool(referenced_names(condition) & names)


def _not_offered(value: str, condition: str) -> str:
    """Say which answers decide whether an option is offered, so the user knows what to change."""
    names = sorted(referenced_names(condition))
    decided_by = ", ".join(names)
    return (
        f"option {value!r} is not offered for these answers: it is offered only when "
        f"{condition}; remove it from this answer, or change the answer to {decided_by}"
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
