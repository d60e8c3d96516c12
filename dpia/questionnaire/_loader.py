"""Load a questionnaire file and check everything pydantic cannot see on its own.

Beyond field types: ids unique across the questionnaire, defaults that fit their question,
conditions that are safe and read only questions asked *earlier* (so one pass in order decides
what is shown, and no condition can loop back on itself).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .._compiled import compiled_model, entry_key, keep_compiled, source_bytes
from .._conditions import RESERVED_NAMES, check_condition
from .._errors import ConditionError, Problem, QuestionnaireError
from .._source import Source, read_source
from .._validation import parse_model
from ._migration import OptionsChanged, QuestionRemoved, QuestionRenamed, QuestionReplaced
from ._model import Questionnaire
from ._types import AnswerRejected

__all__ = ["load_questionnaire", "questionnaire_from_source"]


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and fully validate a questionnaire YAML file; raises QuestionnaireError.

    A file read before by the same code comes from the disk cache (`dpia._compiled`) without
    being checked again: only a file that passed every check is kept there.
    """
    raw = source_bytes(path)
    if raw is None:
        return questionnaire_from_source(read_source(path))
    key = entry_key("questionnaire", raw)
    kept = compiled_model(key, Questionnaire)
    if kept is not None:
        return kept
    questionnaire = questionnaire_from_source(read_source(raw, name=str(path)))
    keep_compiled(key, questionnaire, _conditions(questionnaire), ())
    return questionnaire


def _conditions(questionnaire: Questionnaire) -> Iterator[str]:
    """Every condition of the questionnaire, whose trees the disk cache keeps beside it."""
    for section in questionnaire.sections:
        if section.when is not None:
            yield section.when
        for question in section.questions:
            if question.when is not None:
                yield question.when
            for option in getattr(question, "options", ()):
                if option.when is not None:
                    yield option.when


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
    problems.extend(_migration_checks(source, questionnaire))
    return problems


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _migration_checks(source: Source, questionnaire: Questionnaire) -> list[Problem]:
    """The steps chain up to this version, and the last one names only what exists now.

    Earlier steps speak of versions whose questions are not in this file; their targets must
    exist now or be changed again by a later step.
    """
    problems: list[Problem] = []
    steps = questionnaire.migrations
    current = set(questionnaire.question_ids())
    for index, step in enumerate(steps):
        path: tuple[str | int, ...] = ("migrations", index)
        if _version_key(step.from_version) >= _version_key(step.to_version):
            problems.append(
                source.problem(
                    (*path, "to_version"),
                    f"a step must lead to a later version: {step.from_version} to "
                    f"{step.to_version}",
                )
            )
        following = steps[index + 1].from_version if index + 1 < len(steps) else None
        expected = following or questionnaire.version
        if step.to_version != expected:
            where = "the next step starts at" if following else "the questionnaire is version"
            problems.append(
                source.problem(
                    (*path, "to_version"),
                    f"the step leads to {step.to_version}, but {where} {expected}",
                )
            )
        later = {c.question for s in steps[index + 1 :] for c in s.changes}
        reachable = current | later
        last = index == len(steps) - 1
        for a_index, added in enumerate(step.added):
            if added not in reachable:
                message = f"added question {added!r} is not in the questionnaire"
                problems.append(source.problem((*path, "added", a_index), message))
        for c_index, change in enumerate(step.changes):
            c_path = (*path, "changes", c_index)
            problems.extend(
                _change_checks(source, questionnaire, change, c_path, reachable, current, last)
            )
    return problems


def _change_checks(
    source: Source,
    questionnaire: Questionnaire,
    change: QuestionRenamed | QuestionReplaced | OptionsChanged | QuestionRemoved,
    path: tuple[str | int, ...],
    reachable: set[str],
    current: set[str],
    last: bool,
) -> list[Problem]:
    problems: list[Problem] = []

    def refuse(field: tuple[str | int, ...], message: str) -> None:
        problems.append(source.problem((*path, *field), message))

    gone = isinstance(change, QuestionRenamed | QuestionReplaced | QuestionRemoved)
    if gone and last and change.question in current:
        refuse(
            ("question",),
            f"{change.question!r} is still a question of this version; a renamed, replaced "
            "or removed question must be gone",
        )
    if isinstance(change, QuestionRenamed | QuestionReplaced):
        target = change.to if isinstance(change, QuestionRenamed) else change.by
        field = "to" if isinstance(change, QuestionRenamed) else "by"
        if target not in reachable:
            refuse((field,), f"{target!r} is not a question of the questionnaire")
        elif last and isinstance(change, QuestionReplaced):
            question = questionnaire.question(target)
            for v_index, mapping in enumerate(change.values):
                if mapping.new is None:
                    continue
                new = list(mapping.new) if isinstance(mapping.new, tuple) else mapping.new
                try:
                    question.accept(new)
                except AnswerRejected as exc:
                    refuse(("values", v_index, "new"), f"not an answer to {target!r}: {exc}")
    if isinstance(change, OptionsChanged):
        if change.question not in reachable:
            refuse(("question",), f"{change.question!r} is not a question of the questionnaire")
        elif last:
            problems.extend(_options_checks(source, questionnaire, change, path))
    return problems


def _options_checks(
    source: Source, questionnaire: Questionnaire, change: OptionsChanged, path: tuple
) -> list[Problem]:
    problems: list[Problem] = []
    question: object = questionnaire.question(change.question)
    single = getattr(question, "type", "") == "single_choice"
    if change.column is not None:
        columns = {c.id: c for c in getattr(question, "columns", ())}
        if change.column not in columns:
            message = f"{change.question!r} has no column {change.column!r}"
            return [source.problem((*path, "column"), message)]
        question = columns[change.column]
        single = True
    options = [o.value for o in getattr(question, "options", ())]
    if not options:
        return [source.problem((*path, "question"), "options can only change on a choice question")]
    for v_index, mapping in enumerate(change.values):
        v_path = (*path, "values", v_index)
        if mapping.old in options and mapping.old not in mapping.new:
            problems.append(
                source.problem(
                    (*v_path, "old"),
                    f"{mapping.old!r} is still an option; list it under new to keep it",
                )
            )
        if single and len(mapping.new) > 1:
            problems.append(
                source.problem((*v_path, "new"), "a single choice can become one option at most")
            )
        for value in mapping.new:
            if value not in options:
                message = f"{value!r} is not an option; allowed: {', '.join(options)}"
                problems.append(source.problem((*v_path, "new"), message))
    return problems
