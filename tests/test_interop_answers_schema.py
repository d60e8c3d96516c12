"""`dpia schema answers --questionnaire ID`: every question by id, with its type and options."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cnil_support import FIXTURES as CNIL_FIXTURES
from cnil_support import run

from dpia._library import questionnaire_for
from dpia._source import read_source

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = sorted(
    p.stem for p in (ROOT / "questionnaires").glob("*.yaml") if not p.name.endswith(".risks.yaml")
)
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def schema_for(questionnaire_id: str) -> dict[str, Any]:
    code, out, err = run("schema", "answers", "--questionnaire", questionnaire_id)
    assert code == 0, err
    return json.loads(out)


def check(schema: dict[str, Any], document: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def as_an_editor_sees_it(path: Path) -> Any:
    return json.loads(json.dumps(read_source(path).value, default=str))


@pytest.mark.parametrize("questionnaire_id", QUESTIONNAIRES)
def test_every_question_is_listed_with_its_type(questionnaire_id: str) -> None:
    schema = schema_for(questionnaire_id)
    jsonschema.Draft202012Validator.check_schema(schema)
    questionnaire = questionnaire_for(questionnaire_id)
    listed = schema["properties"]["answers"]["properties"]
    assert list(listed) == questionnaire.question_ids()
    assert schema["properties"]["answers"]["additionalProperties"] is False
    for _, question in questionnaire.questions():
        entry = listed[question.id]
        assert entry["title"] == question.label
        if question.type == "single_choice":
            assert [(o["const"], o["description"]) for o in entry["oneOf"]] == [
                (o.value, o.label) for o in question.options
            ]
        if question.type == "table":
            assert list(entry["items"]["properties"]) == [c.id for c in question.columns]


def test_every_example_passes_its_questionnaires_schema() -> None:
    for path in EXAMPLES:
        document = as_an_editor_sees_it(path)
        schema = schema_for(document["questionnaire"].split("@")[0])
        assert check(schema, document) == [], path.name


def test_an_imported_cnil_pia_passes_the_cnil_schema(tmp_path: Path) -> None:
    target = tmp_path / "pia.yaml"
    assert run("import", str(CNIL_FIXTURES / "pia-2025.json"), "-o", str(target))[0] == 0
    assert check(schema_for("cnil-pia"), as_an_editor_sees_it(target)) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda a: a.update(participation="sometimes"), "answers/participation: 'sometimes'"),
        (lambda a: a["captured_data"].append("dreams"), "answers/captured_data/"),
        (lambda a: a.update(pause_switch="yes"), "answers/pause_switch: 'yes' is not of type"),
        (lambda a: a.update(pause_swtich=True), "'pause_swtich' was unexpected"),
        (lambda a: a.update(next_review_date="next spring"), "answers/next_review_date"),
        (
            lambda a: a["headcount_by_jurisdiction"][0].update(headcount="many"),
            "answers/headcount_by_jurisdiction/0/headcount",
        ),
    ],
)
def test_a_wrong_answer_is_refused_where_it_is(change, expected: str, tmp_path: Path) -> None:
    path = next(p for p in EXAMPLES if "scenario-b" in p.name)
    document = as_an_editor_sees_it(path)
    change(document["answers"])
    errors = check(schema_for("telemetry-for-ai"), document)
    assert any(expected in error for error in errors), errors
    # dpia itself refuses the same file, so the editor's mark is never a false alarm.
    target = tmp_path / "answers.yaml"
    target.write_text(json.dumps(document), encoding="utf-8")
    assert run("check-answers", "--draft", str(target))[0] == 2


def test_a_plan_may_only_name_measures_of_the_catalogue() -> None:
    document = as_an_editor_sees_it(next(p for p in EXAMPLES if "scenario-b" in p.name))
    document["plan"] = {"a_measure_nobody_wrote": {"owner": "X", "due": "2026-01-01"}}
    errors = check(schema_for("telemetry-for-ai"), document)
    assert any("a_measure_nobody_wrote" in error for error in errors), errors


def test_the_questionnaire_must_match() -> None:
    document = as_an_editor_sees_it(EXAMPLES[0])
    document["questionnaire"] = "cnil-pia@1.0.0"
    assert any("questionnaire" in e for e in check(schema_for("telemetry-for-ai"), document))


def test_without_questionnaire_the_shared_shape_is_unchanged() -> None:
    code, out, _ = run("schema", "answers")
    assert code == 0
    assert json.loads(out)["properties"]["answers"] == {
        "additionalProperties": True,
        "title": "Answers",
        "type": "object",
    }


def test_an_unknown_questionnaire_is_a_clear_error() -> None:
    code, _, err = run("schema", "answers", "--questionnaire", "nope")
    assert code == 2 and "no questionnaire 'nope'" in err and "Traceback" not in err
