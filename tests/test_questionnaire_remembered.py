"""Which questions are shown, worked out once per set of answers: the remembered result must be
the one a fresh pass gives, whatever was asked before, and must not leak a caller's edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dpia._library import questionnaire_for, questionnaire_ref_of

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "scenario-a-keystroke-content.yaml"
QUESTIONNAIRE = questionnaire_for(questionnaire_ref_of(EXAMPLE))
ANSWERS: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["answers"]
READ = QUESTIONNAIRE._condition_inputs


def _values(name: str) -> st.SearchStrategy[Any]:
    """Answers the question accepts, or none at all."""
    question = QUESTIONNAIRE.question(name)
    if question.type == "boolean":
        return st.sampled_from([True, False, None])
    options = [option.value for option in question.options]
    if question.type == "single_choice":
        return st.sampled_from([*options, None])
    return st.one_of(st.none(), st.lists(st.sampled_from(options), unique=True, max_size=4))


CHANGES = st.lists(st.sampled_from(READ).flatmap(lambda n: st.tuples(st.just(n), _values(n))))


def _fresh(answers: dict[str, Any]) -> tuple[dict[str, bool], dict[str, str]]:
    return QUESTIONNAIRE._visibility(answers), QUESTIONNAIRE._outlook(answers)


@settings(max_examples=200, deadline=None)
@given(st.lists(CHANGES, min_size=1, max_size=4))
def test_remembered_visibility_and_outlook_are_what_a_fresh_pass_gives(rounds):
    answers = dict(ANSWERS)
    for changes in rounds:
        for name, value in changes:
            if value is None:
                answers.pop(name, None)
            else:
                answers[name] = value
        shown, outlook = _fresh(answers)
        assert QUESTIONNAIRE.visibility(answers) == shown
        assert QUESTIONNAIRE.outlook(answers) == outlook


def test_answers_equal_in_python_but_not_to_a_condition_are_not_confused():
    """`1 == True` in Python, yet `x is sameas true` tells them apart: neither may be answered
    with what was worked out for the other."""
    name = next(n for n in READ if QUESTIONNAIRE.question(n).type == "boolean")
    assert QUESTIONNAIRE._inputs_key({**ANSWERS, name: True}) != QUESTIONNAIRE._inputs_key(
        {**ANSWERS, name: 1}
    )


def test_a_callers_edit_does_not_change_the_next_answer():
    shown = QUESTIONNAIRE.visibility(ANSWERS)
    first = next(iter(shown))
    shown[first] = not shown[first]
    assert QUESTIONNAIRE.visibility(ANSWERS) == QUESTIONNAIRE._visibility(ANSWERS)
