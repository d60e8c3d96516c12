"""Load a questionnaire file and check everything pydantic cannot see on its own.

Beyond field types: ids unique across the questionnaire, defaults that fit their question,
conditions that are safe and read only questions asked *earlier* (so one pass in order decides
what is shown, and no condition can loop back on itself).
"""

from __future__ import annotations

from pathlib import Path

from .._conditions import RESERVED_NAMES, check_condition
from .._errors import ConditionError, Problem, QuestionnaireError
from .._source import Source, read_source
from .._validation import parse_model
from ._model import Questionnaire
from ._types import AnswerRejected

__all__ = ["load_questionnaire", "questionnaire_from_source"]


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and fully validate a questionnaire YAML file; raises QuestionnaireError."""
    return questionnaire_from_source(read_source(path))


def questionnaire_from_source(source: Source) -> Questionnaire:
    questionnaire, problems = parse_model(source, Questionnaire)
    if questionnaire is None:
        raise QuestionnaireError(problems)
    problems = _cross_checks(source, questionnaire)
    if problems:
        raise QuestionnaireError(problems)
    return questionnaire


def _cross_checks(source: Source, questionnaire: Questionnaire) -> list[Problem]:
    problems: list[Problem] = []
    all_ids = set(questionnaire.question_ids())
    section_ids: set[str] = set()
    earlier: list[str] = []
    first_place: dict[str, tuple[int, int]] = {}

    def condition(path: tuple[str | int, ...], expression: str, own_id: str | None) -> None:
        try:
            names = check_condition(expression, all_ids)
        except ConditionError as exc:
            problems.append(source.problem(path, str(exc)))
            return
        if own_id is not None and own_id in names:
            problems.append(
                source.problem(path, f"condition refers to its own question {own_id!r}")
            )
        later = sorted(names - set(earlier) - {own_id})
        if later:
            problems.append(
                source.problem(
                    path,
                    "condition refers to a question that comes later: "
                    f"{', '.join(later)}; a condition may only read questions asked before it",
                )
            )

    for s_index, section in enumerate(questionnaire.sections):
        s_path: tuple[str | int, ...] = ("sections", s_index)
        if section.id in section_ids:
            problems.append(
                source.problem((*s_path, "id"), f"section id {section.id!r} is used twice")
            )
        section_ids.add(section.id)
        if section.when is not None:
            condition((*s_path, "when"), section.when, None)
        for q_index, question in enumerate(section.questions):
            q_path = (*s_path, "questions", q_index)
            if question.id in RESERVED_NAMES:
                problems.append(
                    source.problem((*q_path, "id"), f"{question.id!r} is a reserved word")
                )
            if question.id in first_place:
                line, _col = first_place[question.id]
                problems.append(
                    source.problem(
                        (*q_path, "id"),
                        f"question id {question.id!r} is used twice (first at line {line})",
                    )
                )
            else:
                first_place[question.id] = source.locate((*q_path, "id"))[:2]
            if question.when is not None:
                condition((*q_path, "when"), question.when, question.id)
            for o_index, option in enumerate(getattr(question, "options", ())):
                if option.when is not None:
                    condition((*q_path, "options", o_index, "when"), option.when, question.id)
            for c_index, column in enumerate(getattr(question, "columns", ())):
                for o_index, option in enumerate(getattr(column, "options", ())):
                    if option.when is not None:
                        path = (*q_path, "columns", c_index, "options", o_index, "when")
                        message = "options of a table column cannot have a 'when' condition"
                        problems.append(source.problem(path, message))
            if question.default is not None:
                default = question.default
                if isinstance(default, tuple):
                    default = [dict(row) if isinstance(row, dict) else row for row in default]
                try:
                    question.accept(default)
                except AnswerRejected as exc:
                    problems.append(source.problem((*q_path, "default"), f"default {exc}"))
            earlier.append(question.id)
    return problems
