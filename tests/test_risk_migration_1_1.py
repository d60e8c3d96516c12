"""Answers written for telemetry-for-ai@1.1.0 open under 1.2.0, the version that adds the path for
an organisation deploying a vendor's software. The fixture is scenario B exactly as saved for
1.1.0: every answer is kept, the one new question that applies to it is listed as unanswered,
none of the vendor questions is shown, and the outcome is scenario B's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from dpia._assessment import load_answers
from dpia._library import questionnaire_for
from dpia.cli import main
from dpia.risk import assess

FIXTURE = Path(__file__).parent / "fixtures" / "answers" / "telemetry-for-ai-1.1.0.yaml"
EXAMPLE = Path(__file__).parent.parent / "examples" / "scenario-b-timing-only-opt-in.yaml"
OLD, NEW = "telemetry-for-ai@1.1.0", "telemetry-for-ai@1.2.0"
AS_OF = dt.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def real_questionnaires(monkeypatch):
    monkeypatch.delenv("DPIA_QUESTIONNAIRES", raising=False)


def test_the_fixture_is_still_written_for_1_1_0():
    assert yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["questionnaire"] == OLD


def test_every_answer_is_kept_and_only_the_new_question_is_missing():
    check = load_answers(FIXTURE, questionnaire_for(OLD))
    assert check.migrated_from == OLD and check.assessment.questionnaire == NEW
    written = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["answers"]
    assert set(written) <= set(check.assessment.answers)
    assert "collected_by_vendor_software" not in check.assessment.answers
    assert check.missing == ("collected_by_vendor_software",)
    assert not check.warnings


def test_check_answers_lists_the_new_question_and_no_vendor_question(capsys):
    assert main(["check-answers", "--draft", str(FIXTURE)]) == 0
    out, err = capsys.readouterr()
    assert f"OK: {NEW}" in out and f"migrated from {OLD}" in out
    assert "not answered yet (required): collected_by_vendor_software (" in err
    # The vendor step is hidden while the new question is unanswered, so none of it is listed.
    assert "vendor_role_diagnostic" not in err and "telemetry_level" not in err
    assert main(["check-answers", str(FIXTURE)]) == 2
    assert "required question 'collected_by_vendor_software' is not answered" in (
        capsys.readouterr().err
    )


def test_the_model_questions_stay_asked_while_the_new_question_is_unanswered():
    check = load_answers(FIXTURE, questionnaire_for(OLD))
    answers = check.assessment.answers
    for question_id in ("model_trainer", "training_data_sources", "differential_privacy"):
        assert question_id in answers, question_id


def test_the_old_file_keeps_the_outcome_of_scenario_b():
    questionnaire = questionnaire_for(OLD)
    old = assess(questionnaire, load_answers(FIXTURE, questionnaire).assessment, as_of=AS_OF)
    new = assess(questionnaire, load_answers(EXAMPLE, questionnaire).assessment, as_of=AS_OF)
    assert old.dpia_required == new.dpia_required == "required"
    assert [(r.id, r.inherent.level, r.residual.level) for r in old.risks] == [
        (r.id, r.inherent.level, r.residual.level) for r in new.risks
    ]
    assert not old.prior_consultation_required and not old.stop_findings
