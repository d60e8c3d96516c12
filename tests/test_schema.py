"""`dpia schema` gives editors a JSON Schema that agrees with the loader on the file's shape."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from dpia._source import read_source
from dpia.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
BROKEN = ROOT / "tests" / "questionnaires" / "broken"


@pytest.fixture(scope="module")
def schemas() -> dict[str, dict[str, Any]]:
    """What `dpia schema questionnaire` and `dpia schema answers` print, parsed as JSON."""
    printed: dict[str, dict[str, Any]] = {}
    for kind in ("questionnaire", "answers"):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            assert main(["schema", kind]) == 0
        assert err.getvalue() == ""
        printed[kind] = json.loads(out.getvalue())
    return printed


def validator(schema: dict[str, Any]) -> jsonschema.Validator:
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def as_an_editor_sees_it(path: Path) -> Any:
    """The document as JSON values: an editor reads `2026-05-04` as text, not as a date."""
    return json.loads(json.dumps(read_source(path).value, default=str))


@pytest.mark.parametrize("kind", ["questionnaire", "answers"])
def test_schema_is_valid_draft_2020_12(kind: str, schemas: dict[str, dict[str, Any]]) -> None:
    schema = schemas[kind]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == f"dpia {kind} file"
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("name", ["mini.yaml", "all-types.yaml"])
def test_good_questionnaires_pass_the_schema(name: str, schemas: dict[str, dict[str, Any]]) -> None:
    errors = list(
        validator(schemas["questionnaire"]).iter_errors(as_an_editor_sees_it(FIXTURES / name))
    )
    assert errors == []


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("unknown-type.yaml", "is not valid under any of the given schemas"),
        ("missing-type.yaml", "is not valid under any of the given schemas"),
        ("extra-field.yaml", "is not valid under any of the given schemas"),
        ("version-not-quoted.yaml", "1.0 is not of type 'string'"),
        ("empty-questions.yaml", "[] should be non-empty"),
        ("top-level-list.yaml", "is not of type 'object'"),
    ],
)
def test_shape_faults_fail_the_schema_too(
    name: str, reason: str, schemas: dict[str, dict[str, Any]]
) -> None:
    errors = list(
        validator(schemas["questionnaire"]).iter_errors(as_an_editor_sees_it(BROKEN / name))
    )
    assert [error.message for error in errors if reason in error.message], errors


def test_answers_files_pass_the_answers_schema(schemas: dict[str, dict[str, Any]]) -> None:
    check = validator(schemas["answers"])
    files = [FIXTURES / "answers" / "all-types.yaml", *sorted((ROOT / "examples").glob("*.yaml"))]
    for path in files:
        assert list(check.iter_errors(as_an_editor_sees_it(path))) == [], path


def test_a_malformed_answers_file_fails_the_answers_schema(
    schemas: dict[str, dict[str, Any]],
) -> None:
    document = {
        "questionnaire": "all-types",
        "assessment": {"title": "T", "organisation": "O", "date": "2026-05-04"},
    }
    messages = sorted(
        error.message for error in validator(schemas["answers"]).iter_errors(document)
    )
    assert messages == [
        "'all-types' does not match '^[a-z][a-z0-9-]{0,63}@\\\\d+\\\\.\\\\d+(\\\\.\\\\d+)?$'",
        "'assessor' is a required property",
    ]
