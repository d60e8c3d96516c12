"""How an answers file written for an earlier version of a questionnaire opens under this one.

A published version is never edited in place: answers files, archived versions and signed
documents keep pointing at it. So each new version says, in its `migrations` block, what changed
since the version before it, as data a reviewer can read: questions renamed, questions replaced
by finer ones (with the old answers that still say something mapped to new ones), options renamed
or split, questions removed, and the questions that are new. Opening old answers applies the
steps in order and nothing more. An answer no step can carry over is left unanswered rather than
guessed, a new question is never given a default, and every change becomes a note that names
the question, so the person who reopens the file sees exactly what to look at again.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .._text import DocumentText
from ._types import ID_PATTERN

__all__ = [
    "VERSION_PATTERN",
    "Migration",
    "MigrationNote",
    "OptionMap",
    "OptionsChanged",
    "QuestionRemoved",
    "QuestionRenamed",
    "QuestionReplaced",
    "ValueMap",
    "migrate_answers",
]

VERSION_PATTERN = r"^\d+\.\d+(\.\d+)?$"

Id = Annotated[str, Field(pattern=ID_PATTERN)]
Plain = bool | int | float | str


class _Frozen(BaseModel):
    # Validator built on first use: a command validates few of these models, and one
    # held by another is validated within it, so building each at import is wasted.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ValueMap(_Frozen):
    """One earlier answer and what it becomes; `new` left out means it becomes unanswered."""

    old: Plain = Field(description="The answer as written for the earlier version.")
    new: Plain | tuple[str, ...] | None = Field(
        None, description="The new answer; left out when the old one says too little."
    )


class OptionMap(_Frozen):
    """An option value of the earlier version and the option values that replace it."""

    old: Id
    new: tuple[Id, ...] = Field((), description="Empty: the option is gone, the choice unanswered.")


class QuestionRenamed(_Frozen):
    change: Literal["renamed"]
    question: Id = Field(description="The id in the earlier version.")
    to: Id = Field(description="The id in this version; the answer is kept as it is.")
    note: DocumentText = ""


class QuestionReplaced(_Frozen):
    change: Literal["replaced"]
    question: Id = Field(description="The id in the earlier version.")
    by: Id = Field(description="The question of this version that asks it more precisely.")
    values: tuple[ValueMap, ...] = ()
    note: Annotated[DocumentText, Field(min_length=1, description="Why, in the user's words.")]


class OptionsChanged(_Frozen):
    change: Literal["options"]
    question: Id = Field(description="A choice question, or a table with a choice `column`.")
    column: Id | None = None
    values: Annotated[tuple[OptionMap, ...], Field(min_length=1)]
    note: Annotated[DocumentText, Field(min_length=1)]


class QuestionRemoved(_Frozen):
    change: Literal["removed"]
    question: Id
    note: Annotated[DocumentText, Field(min_length=1)]


Change = Annotated[
    QuestionRenamed | QuestionReplaced | OptionsChanged | QuestionRemoved,
    Field(discriminator="change"),
]


class Migration(_Frozen):
    """What changed from one version to the next; the steps of a questionnaire form a chain."""

    from_version: Annotated[str, Field(pattern=VERSION_PATTERN)]
    to_version: Annotated[str, Field(pattern=VERSION_PATTERN)]
    summary: DocumentText = Field("", description="Shown once, above the notes of the step.")
    added: tuple[Id, ...] = Field(
        (), description="New questions, and questions now asked in more cases than before."
    )
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class MigrationNote:
    """One thing the user should look at again; `question` is the id as written in the file
    (None for a question the file could not have answered, such as a new one)."""

    question: str | None
    text: str


def _plain(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def migrate_answers(
    questionnaire: Any, steps: tuple[Migration, ...], answers: Mapping[str, Any]
) -> tuple[dict[str, Any], list[MigrationNote], dict[str, str]]:
    """The answers carried through `steps`, a note for every change the user should see, and
    for each carried answer the key it was written under (so messages point at that line).

    `questionnaire` (the current version) gives the labels and the answer rules of the last
    step's questions, so a note can say what an answer became in the user's words.
    """
    current = dict(answers)
    written = {key: key for key in answers}
    notes: list[MigrationNote] = []
    for index, step in enumerate(steps):
        last = index == len(steps) - 1
        if step.summary:
            notes.append(MigrationNote(None, step.summary))
        for change in step.changes:
            _apply(change, current, written, notes, questionnaire if last else None)
    return current, notes, {key: written.get(key, key) for key in current}


def _label(questionnaire: Any, question_id: str) -> str:
    if questionnaire is None:
        return question_id
    try:
        return f"“{questionnaire.question(question_id).label}”"
    except KeyError:
        return question_id


def _shown(questionnaire: Any, question_id: str, value: Any) -> str:
    if questionnaire is None:
        return _plain(value)
    try:
        question = questionnaire.question(question_id)
    except KeyError:
        return _plain(value)
    return question.display(list(value) if isinstance(value, tuple) else value)


def _apply(
    change: Any,
    answers: dict[str, Any],
    written: dict[str, str],
    notes: list[MigrationNote],
    questionnaire: Any,
) -> None:
    if change.question not in answers:
        return
    where = written.get(change.question, change.question)
    if isinstance(change, QuestionRenamed):
        answers[change.to] = answers.pop(change.question)
        written[change.to] = written.pop(change.question, where)
        text = f"{change.question} is now {change.to}; the answer is kept."
        notes.append(MigrationNote(where, f"{text} {change.note}".strip()))
    elif isinstance(change, QuestionRemoved):
        old = answers.pop(change.question)
        notes.append(
            MigrationNote(
                where, f"{change.note} The earlier answer ({_plain(old)}) is no longer used."
            )
        )
    elif isinstance(change, QuestionReplaced):
        old = answers.pop(change.question)
        label = _label(questionnaire, change.by)
        mapped = next((v for v in change.values if _same(v.old, old)), None)
        if mapped is not None and mapped.new is not None:
            new = list(mapped.new) if isinstance(mapped.new, tuple) else mapped.new
            answers[change.by] = new
            written[change.by] = where
            outcome = (
                f"The earlier answer ({_plain(old)}) is now answered {label} with "
                f"“{_shown(questionnaire, change.by, new)}”; check that it is right."
            )
        else:
            answers.pop(change.by, None)
            outcome = (
                f"The earlier answer ({_plain(old)}) does not say enough, so {label} "
                "is left unanswered: answer it again."
            )
        notes.append(MigrationNote(where, f"{change.note} {outcome}"))
    elif isinstance(change, OptionsChanged):
        _apply_options(change, answers, where, notes, questionnaire)


def _same(old: Any, value: Any) -> bool:
    """YAML gives true/false and numbers their own types; `1 == True` must not match."""
    return type(old) is type(value) and old == value


def _apply_options(
    change: OptionsChanged,
    answers: dict[str, Any],
    where: str,
    notes: list[MigrationNote],
    questionnaire: Any,
) -> None:
    by_old = {m.old: m.new for m in change.values}
    value = answers[change.question]
    touched: list[str] = []
    if change.column is not None:
        if not isinstance(value, list):
            return
        rows = []
        for row in value:
            if isinstance(row, dict) and row.get(change.column) in by_old:
                old = row[change.column]
                new = by_old[old]
                touched.append(old)
                row = (
                    {**row, change.column: new[0]}
                    if new
                    else {k: v for k, v in row.items() if k != change.column}
                )
            rows.append(row)
        answers[change.question] = rows
    elif isinstance(value, list):
        chosen: list[Any] = []
        for item in value:
            if item in by_old:
                touched.append(item)
                chosen.extend(v for v in by_old[item] if v not in chosen)
            elif item not in chosen:
                chosen.append(item)
        answers[change.question] = chosen
    elif isinstance(value, str) and value in by_old:
        touched.append(value)
        new = by_old[value]
        if new:
            answers[change.question] = new[0]
        else:
            answers.pop(change.question)
    if not touched:
        return
    parts = []
    for old in dict.fromkeys(touched):
        new = by_old[old]
        if new:
            shown = "; ".join(_option_label(questionnaire, change, v) for v in new)
            parts.append(f"“{old}” is now “{shown}”")
        else:
            parts.append(f"“{old}” is no longer offered and is left unanswered")
    notes.append(MigrationNote(where, f"{change.note} {', '.join(parts)}: check the answer."))


def _option_label(questionnaire: Any, change: OptionsChanged, value: str) -> str:
    if questionnaire is None:
        return value
    try:
        question = questionnaire.question(change.question)
    except KeyError:
        return value
    if change.column is not None:
        question = next((c for c in question.columns if c.id == change.column), None)
        if question is None:
            return value
    return question.label_of(value) if hasattr(question, "label_of") else value
