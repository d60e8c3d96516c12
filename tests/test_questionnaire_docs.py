"""The format reference stays true to the code: every field, type, filter and test is documented,
and the command output it quotes is what the commands print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from dpia._assessment import AnswersFile, AssessmentMeta, PlannedMeasure
from dpia._conditions import ALLOWED_FILTERS, ALLOWED_TESTS, RESERVED_NAMES
from dpia.cli import main
from dpia.questionnaire import QUESTION_TYPES, ChoiceOption, Jurisdiction, Questionnaire, Section

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = (ROOT / "docs" / "questionnaire-format.md").read_text("utf-8")
QUOTED = set(re.findall(r"`([^`\s]+)`", REFERENCE))


def _fields(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


@pytest.mark.parametrize(
    "model",
    [Questionnaire, Section, Jurisdiction, ChoiceOption, AnswersFile, PlannedMeasure],
    ids=lambda m: m.__name__,
)
def test_every_field_of_the_format_is_documented(model):
    missing = _fields(model) - QUOTED
    assert not missing, f"{model.__name__}: {sorted(missing)} not in the reference"


def test_every_question_type_and_its_fields_are_documented():
    for name, question_type in QUESTION_TYPES.items():
        assert f"| `{name}` |" in REFERENCE, name
        missing = _fields(question_type) - QUOTED
        assert not missing, f"{name}: {sorted(missing)} not in the reference"


def test_assessment_fields_are_documented():
    for field in _fields(AssessmentMeta):
        assert f"`assessment.{field}`" in REFERENCE, field


def test_condition_language_lists_match_the_code():
    for name in (*ALLOWED_FILTERS, *ALLOWED_TESTS):
        assert f"`{name}`" in REFERENCE, name
    reserved_line = next(line for line in REFERENCE.splitlines() if "reserved words" in line)
    for word in RESERVED_NAMES:
        assert f" {word} " in reserved_line or f" {word}`" in reserved_line, word


def test_quoted_command_output_is_what_the_commands_print(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["validate", "questionnaires/telemetry-for-ai.yaml"]) == 0
    assert capsys.readouterr().out.strip() in REFERENCE
    assert main(["check-answers", "examples/scenario-b-timing-only-opt-in.yaml"]) == 0
    assert capsys.readouterr().out.strip() in REFERENCE
