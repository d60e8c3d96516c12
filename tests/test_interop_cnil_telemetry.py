"""A telemetry-for-ai assessment exported for the CNIL PIA tool: the documented mapping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from cnil_support import check_tool_reads, run

from dpia._assessment import load_answers
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia.interop._cnil_telemetry import CNIL_QUESTIONS, RISK_GROUPS, questions_read
from dpia.risk import assess

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
TELEMETRY = questionnaire_for(questionnaire_ref_of(EXAMPLES[0]))


def test_every_question_the_mapping_reads_is_in_the_questionnaire() -> None:
    """A question renamed in a new version of the questionnaire fails here, not in silence."""
    assert sorted(questions_read() - set(TELEMETRY.question_ids())) == []


def test_docs_list_every_mapped_question() -> None:
    text = (ROOT / "docs" / "interop.md").read_text(encoding="utf-8")
    for number, ids in CNIL_QUESTIONS.items():
        assert f"| {number} |" in text, number
        for question_id in ids:
            assert f"`{question_id}`" in text, question_id


def export(example: Path, tmp_path: Path) -> tuple[dict, str]:
    target = tmp_path / f"{example.stem}.json"
    code, _, err = run("export", str(example), "--format", "cnil-pia", "-o", str(target))
    assert code == 0, err
    return json.loads(target.read_text(encoding="utf-8")), err


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_becomes_a_file_the_tool_imports(example: Path, tmp_path: Path) -> None:
    document, err = export(example, tmp_path)
    check_tool_reads(document)
    assert document["pia"]["dbVersion"]
    # dpia reads its own export back as a CNIL PIA.
    back = tmp_path / "back.yaml"
    code, _, import_err = run("import", str(tmp_path / f"{example.stem}.json"), "-o", str(back))
    assert code == 0, import_err
    answers = yaml.safe_load(back.read_text(encoding="utf-8"))["answers"]
    assessment = load_answers(example, TELEMETRY).assessment
    assert assessment.answers["programme_name"] in answers["processing_overview"]
    assert "data-security" in err and "not mapped:" in err


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_three_risks_take_their_gauges_from_dpias_ratings(example: Path, tmp_path: Path):
    document, _ = export(example, tmp_path)
    assessment = load_answers(example, TELEMETRY).assessment
    report = assess(TELEMETRY, assessment, as_of=assessment.meta.date)
    gauges = {a["reference_to"]: a["data"]["gauge"] for a in document["answers"]}
    evaluations = {e["reference_to"]: e for e in document["evaluations"]}
    for item, (base, families) in RISK_GROUPS.items():
        group = [r for r in report.risks if r.family in families]
        before = max(
            group,
            key=lambda r: (
                "low medium high".index(r.inherent.level),
                r.inherent.likelihood * r.inherent.severity,
            ),
        )
        after = max(
            group,
            key=lambda r: (
                "low medium high".index(r.residual.level),
                r.residual.likelihood * r.residual.severity,
            ),
        )
        assert (gauges[base + 5], gauges[base + 6]) == (
            before.inherent.severity,
            before.inherent.likelihood,
        )
        assert evaluations[item]["gauges"] == {
            "x": after.residual.severity,
            "y": after.residual.likelihood,
        }
        assert evaluations[item]["status"] == 0  # pending: no CNIL evaluator has looked at it
    adopted = {m.title for m in report.mitigations if m.status in ("implemented", "planned")}
    assert {m["title"] for m in document["measures"]} == adopted


def test_what_cannot_be_mapped_is_said_and_travels_with_the_file(tmp_path: Path) -> None:
    example = next(p for p in EXAMPLES if "scenario-a" in p.name)
    document, err = export(example, tmp_path)
    assert "Chilling effect" in err and "(R3)" in err
    assert "STOP findings" in err
    assert "organisation" in err
    assert document["dpia_not_mapped"] == [
        line.removeprefix("not mapped: ")
        for line in err.splitlines()
        if line.startswith("not mapped: ")
    ]


def test_dpo_advice_and_views_become_the_tools_opinions(tmp_path: Path) -> None:
    example = next(p for p in EXAMPLES if "scenario-b" in p.name)
    mapping = yaml.safe_load(example.read_text(encoding="utf-8"))
    mapping["signoff"] = {
        "assessor": {"name": "Lena Falkenrath", "email": "lena@quellwerk.example"},
        "dpo_advice": {
            "name": "Tobias Renner",
            "advice": "approve_with_conditions",
            "summary": "The safeguards hold if the pause switch ships first.",
            "conditions": ["Ship the pause switch before the pilot."],
            "date": "2026-06-20",
        },
    }
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(mapping, allow_unicode=True), encoding="utf-8")
    document, _ = export(answers, tmp_path)
    pia = document["pia"]
    assert pia["dpo_status"] == 1 and pia["dpos_names"] == "Tobias Renner"
    assert "Ship the pause switch" in pia["dpo_opinion"]
    assessment = load_answers(answers, TELEMETRY).assessment
    if assessment.answers.get("data_subject_views_sought"):
        assert pia["concerned_people_searched_opinion"] is True
        assert assessment.answers["data_subject_views_summary"] in pia["concerned_people_opinion"]


def test_a_questionnaire_without_a_mapping_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(ROOT / "tests" / "fixtures"))
    source = ROOT / "tests" / "fixtures" / "answers" / "all-types.yaml"
    code, _, err = run(
        "export", str(source), "--format", "cnil-pia", "-o", str(tmp_path / "x.json")
    )
    assert code == 2 and "no mapping" in err and "Traceback" not in err
