"""The contract every question type's widget keeps, run over every type the questionnaire knows.

A widget shows the stored answer and hands back an answer its question type accepts, the same
one when the user changes nothing: otherwise moving between steps would silently edit answers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies
from streamlit.testing.v1 import AppTest

from dpia._calendar import EARLIEST_DATE, LATEST_DATE
from dpia.app._widgets import WIDGETS
from dpia.questionnaire import QUESTION_TYPES

OPTIONS = [{"value": "de", "label": "Germany"}, {"value": "fr", "label": "France"}]
EXAMPLES: dict[str, tuple[dict[str, Any], Any]] = {
    "boolean": ({"type": "boolean"}, False),
    "single_choice": ({"type": "single_choice", "options": OPTIONS}, "fr"),
    "multi_choice": ({"type": "multi_choice", "options": OPTIONS}, ["fr", "de"]),
    "text": ({"type": "text", "max_length": 40}, "Support agent pilot"),
    "long_text": ({"type": "long_text"}, "Two lines\nof reasoning"),
    "integer": ({"type": "integer", "min": 0, "unit": "people"}, 250),
    "number": ({"type": "number", "min": 0, "unit": "EUR"}, 1250000.5),
    "date": ({"type": "date"}, dt.date(2026, 9, 30)),
    "table": (
        {
            "type": "table",
            "columns": [
                {"id": "country", "type": "single_choice", "label": "Country", "options": OPTIONS},
                {"id": "headcount", "type": "integer", "label": "Headcount", "min": 0},
                {"id": "since", "type": "date", "label": "Since"},
            ],
        },
        [{"country": "de", "headcount": 12, "since": dt.date(2025, 1, 1)}, {"country": "fr"}],
    ),
}


def _show(spec, value):  # run as a script of its own: no annotations from this module
    import streamlit as st
    from pydantic import TypeAdapter

    from dpia.app._widgets import WIDGETS
    from dpia.questionnaire import Question

    question = TypeAdapter(Question).validate_python(spec)
    st.session_state["returned"] = WIDGETS[question.type](
        question, value, key="q-example", offered=None, compact=False
    )


def _question(spec: dict[str, Any]) -> Any:
    from pydantic import TypeAdapter

    from dpia.questionnaire import Question

    return TypeAdapter(Question).validate_python(spec)


def _run(kind: str, value: Any) -> AppTest:
    spec = {"id": "example", "label": f"An example {kind} question", **EXAMPLES[kind][0]}
    app = AppTest.from_function(_show, args=(spec, value), default_timeout=30).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def test_every_question_type_has_a_widget_in_its_own_module():
    assert set(WIDGETS) == set(QUESTION_TYPES) == set(EXAMPLES)
    modules = Path(__file__).parent.parent / "dpia" / "app" / "_widgets"
    for kind in QUESTION_TYPES:
        assert (modules / f"_{kind}.py").is_file(), kind


@pytest.mark.parametrize("kind", sorted(QUESTION_TYPES))
def test_a_stored_answer_comes_back_unchanged_and_accepted(kind):
    spec, value = EXAMPLES[kind]
    question = _question({"id": "example", "label": "Example", **spec})
    app = _run(kind, value)
    returned = app.session_state["returned"]
    assert returned == question.accept(value)
    app.run()  # a rerun with nothing touched must not change the answer either
    assert app.session_state["returned"] == question.accept(value)


@pytest.mark.parametrize("kind", sorted(QUESTION_TYPES))
def test_no_stored_answer_gives_an_unanswered_value(kind):
    spec, _ = EXAMPLES[kind]
    question = _question({"id": "example", "label": "Example", **spec})
    app = _run(kind, None)
    assert not question.is_answered(app.session_state["returned"])


@pytest.mark.parametrize("kind", sorted(QUESTION_TYPES))
def test_the_label_is_shown_as_written_not_as_markdown(kind):
    spec = {"id": "example", "label": "Is *all* text kept [raw]?", **EXAMPLES[kind][0]}
    app = AppTest.from_function(_show, args=(spec, None), default_timeout=30).run()
    shown = [e.label for e in app.main if isinstance(getattr(e, "label", None), str)]
    shown += [m.value for m in app.markdown]
    assert any(r"Is \*all\* text kept \[raw\]?" in text for text in shown), shown


_PRINTABLE = strategies.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
ROUND_TRIPS: dict[str, strategies.SearchStrategy[Any]] = {
    "text": strategies.text(_PRINTABLE, min_size=1, max_size=40),
    "long_text": strategies.text(_PRINTABLE, min_size=1, max_size=200),
    "integer": strategies.integers(min_value=0, max_value=10**12),
    "number": strategies.floats(min_value=0, max_value=1e12, allow_nan=False).map(
        lambda x: round(x, 2)
    ),
    "date": strategies.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE),
    "multi_choice": strategies.lists(strategies.sampled_from(["de", "fr"]), unique=True),
}


@pytest.mark.parametrize("kind", sorted(ROUND_TRIPS))
def test_any_valid_answer_survives_being_shown(kind):
    """Whatever a user or a file stored, showing it again must not change it."""
    spec = {"id": "example", "label": "Example", **EXAMPLES[kind][0]}
    question = _question(spec)

    @settings(max_examples=15, deadline=None)
    @given(ROUND_TRIPS[kind])
    def shown_unchanged(value: Any) -> None:
        app = AppTest.from_function(_show, args=(spec, value), default_timeout=30).run()
        assert not app.exception
        assert app.session_state["returned"] == question.accept(value)

    shown_unchanged()
