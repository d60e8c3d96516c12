"""The format reference names everything an author can write (the Datasette discipline).

One test per documented item, so a new question type, field, filter or test that ships without
its line in docs/questionnaire-format.md fails under its own name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dpia._conditions import ALLOWED_FILTERS, ALLOWED_TESTS
from dpia.questionnaire import QUESTION_TYPES

REFERENCE_PATH = Path(__file__).resolve().parent.parent / "docs" / "questionnaire-format.md"


@pytest.fixture(scope="module")
def reference() -> str:
    return REFERENCE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def quoted(reference: str) -> set[str]:
    """Every `code` span of the reference, the way an author would search for a name."""
    return set(re.findall(r"`([^`\s]+)`", reference))


@pytest.mark.parametrize("question_type", sorted(QUESTION_TYPES))
def test_question_type_has_a_row_in_the_types_table(question_type: str, reference: str) -> None:
    assert f"| `{question_type}` |" in reference


@pytest.mark.parametrize(
    ("question_type", "field"),
    sorted((kind, field) for kind, model in QUESTION_TYPES.items() for field in model.model_fields),
)
def test_question_field_is_documented(question_type: str, field: str, quoted: set[str]) -> None:
    assert field in quoted, f"`{field}` of {question_type} questions is not in the reference"


@pytest.mark.parametrize("name", ALLOWED_FILTERS)
def test_condition_filter_is_documented(name: str, quoted: set[str]) -> None:
    assert name in quoted


@pytest.mark.parametrize("name", ALLOWED_TESTS)
def test_condition_test_is_documented(name: str, quoted: set[str]) -> None:
    assert name in quoted
