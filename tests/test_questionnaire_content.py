"""The shipped questionnaire and the scenario answers files, as DPOs and product teams meet them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dpia import load_answers, load_questionnaire
from dpia.cli import main
from dpia.questionnaire import Questionnaire

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRE = ROOT / "questionnaires" / "telemetry-for-ai.yaml"
EXAMPLES = sorted((ROOT / "examples").glob("scenario-*.yaml"))
EXPECTED_EXAMPLES = {
    "scenario-a-keystroke-content.yaml",
    "scenario-b-timing-only-opt-in.yaml",
    "scenario-c-consumer-sdk.yaml",
    "scenario-f-eu-screenshots.yaml",
    "scenario-f-us-employees.yaml",
    "scenario-g-call-centre-qa-redesigned.yaml",
    "scenario-h-warehouse-aggregated-training.yaml",
    "scenario-i-reassessment-running.yaml",
    "scenario-j-keystroke-authentication.yaml",
    "scenario-k-tool-without-works-agreement.yaml",
    "scenario-l-continuous-office-video.yaml",
    "scenario-m-inactivity-pay-deduction.yaml",
    "scenario-n-basis-missing-for-one-purpose.yaml",
    "scenario-o-office-diagnostic-data-as-found.yaml",
    "scenario-p-office-diagnostic-data-after-changes.yaml",
    "scenario-q-university-ai-assistant.yaml",
}
WORKS_COUNCIL = {
    "de": ("germany_works_council_exists", "germany_works_agreement"),
    "fr": ("france_cse_consulted", "france_prior_individual_notice"),
    "it": ("italy_art4_procedure", "italy_art4_worker_information"),
}
CCPA = (
    "ccpa_business",
    "ccpa_notice_at_collection",
    "ccpa_sensitive_pi",
    "ccpa_right_to_limit",
    "ccpa_risk_assessment_triggers",
)
CONSENT_DETAILS = (
    "consent_refusal_without_detriment",
    "consent_specific_per_purpose",
    "consent_records_kept",
    "consent_withdrawal_as_easy",
)


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return load_questionnaire(QUESTIONNAIRE)


def _answers(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "examples" / name).read_text("utf-8"))["answers"])


def _options(questionnaire: Questionnaire, question_id: str) -> list[str]:
    return [o.value for o in questionnaire.question(question_id).options]


def test_validate_command_accepts_the_questionnaire(capsys):
    assert main(["validate", str(QUESTIONNAIRE)]) == 0
    out = capsys.readouterr().out
    assert "OK: telemetry-for-ai@1.2.0" in out


def test_questionnaire_is_large_enough_to_cover_the_programme(questionnaire):
    assert len(questionnaire.question_ids()) >= 70
    assert sorted({s.edpb_section for s in questionnaire.sections}) == list(range(7))


def test_every_question_explains_itself_and_cites_the_law(questionnaire):
    for _, question in questionnaire.questions():
        assert question.help.strip(), f"{question.id} has no help"
        assert question.legal, f"{question.id} has no legal reference"
        assert all(ref.strip() for ref in question.legal), f"{question.id} has an empty reference"


def test_jurisdiction_options_match_the_declared_jurisdictions(questionnaire):
    """The risk engine maps `us_ca` back to `US-CA`; every code must have exactly one option."""
    codes = {j.code.lower().replace("-", "_") for j in questionnaire.jurisdictions}
    assert len(questionnaire.jurisdictions) == 34
    assert {j.code for j in questionnaire.jurisdictions if j.region == "EU"} >= {"DE", "FR", "IT"}
    assert len([j for j in questionnaire.jurisdictions if j.region == "EU"]) == 27
    assert set(_options(questionnaire, "monitored_jurisdictions")) == codes
    table = questionnaire.question("headcount_by_jurisdiction")
    column = next(c for c in table.columns if c.id == "jurisdiction")
    assert {o.value for o in column.options} == codes


def test_all_scenarios_are_shipped():
    assert {path.name for path in EXAMPLES} == EXPECTED_EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_is_complete_without_warnings(path, questionnaire, capsys):
    assert main(["check-answers", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert "0 warnings" in captured.out
    check = load_answers(path, questionnaire, require_complete=True)
    assert check.missing == ()
    assert check.required_answered == check.required_total


def test_examples_keep_the_facts_of_their_scenarios(questionnaire):
    a = _answers("scenario-a-keystroke-content.yaml")
    assert a["legal_basis"] == ["consent"] and a["participation"] == "mandatory"
    assert a["raw_retention_indefinite"] is True and a["germany_works_agreement"] is False
    assert {"keystroke_content", "screenshots"} <= set(a["captured_data"])
    assert set(a["monitored_jurisdictions"]) == {"de", "fr", "it"}

    b = _answers("scenario-b-timing-only-opt-in.yaml")
    assert set(b["captured_data"]) == {"keystroke_timing", "mouse_movement", "clicks"}
    assert b["participation"] == "opt_in" and b["raw_retention_days"] == 30
    assert b["germany_works_agreement"] and b["differential_privacy"] and b["hr_access_denied"]
    assert b["pseudonymised"] and b["pseudonym_keys_separated"]

    c = _answers("scenario-c-consumer-sdk.yaml")
    assert c["monitored_groups"] == ["consumers"] and "us_ca" in c["monitored_jurisdictions"]
    assert c["legal_basis"] == ["consent"] and c["input_masking_default"]
    assert c["raw_retention_days"] == 90

    us = _answers("scenario-f-us-employees.yaml")
    assert us["monitored_regions"] == ["us"]
    assert {"us_ca", "us_ny"} <= set(us["monitored_jurisdictions"])
    assert us["used_for_performance_evaluation"] is False
    assert us["capture_scope"] == "allow_listed_work_apps" and "screenshots" in us["captured_data"]

    eu = _answers("scenario-f-eu-screenshots.yaml")
    assert {"de", "fr"} <= set(eu["monitored_jurisdictions"])
    assert "screenshots" in eu["captured_data"]
    assert set(us["captured_data"]) == set(eu["captured_data"])


def test_answer_to_a_hidden_question_is_reported_and_ignored(questionnaire, tmp_path, capsys):
    """A timing-only programme in Germany and France has no California section to answer."""
    source = ROOT / "examples" / "scenario-b-timing-only-opt-in.yaml"
    document = yaml.safe_load(source.read_text("utf-8"))
    document["answers"]["ccpa_notice_at_collection"] = True
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    assert main(["check-answers", str(path)]) == 0
    captured = capsys.readouterr()
    assert "ccpa_notice_at_collection" in captured.err
    assert "hidden by its condition" in captured.err
    assert "1 warning" in captured.out


JURISDICTIONS = ["de", "fr", "it", "at", "nl", "es", "uk", "us_ca", "us_ny", "us_ct", "other"]
GROUPS = ["employees", "contractors", "applicants", "consumers", "bystanders"]


def _regions(jurisdictions: set[str]) -> list[str]:
    regions = {"uk" if j == "uk" else "us" if j.startswith("us_") else "eu" for j in jurisdictions}
    return sorted(regions | ({"other"} if "other" in jurisdictions else set()))


@settings(max_examples=60, deadline=None)
@given(
    jurisdictions=st.sets(st.sampled_from(JURISDICTIONS), min_size=1),
    groups=st.sets(st.sampled_from(GROUPS), min_size=1),
)
def test_works_council_questions_only_for_staff_in_germany_france_italy(
    questionnaire, jurisdictions, groups
):
    answers = _answers("scenario-a-keystroke-content.yaml")
    answers.update(
        monitored_groups=sorted(groups),
        monitored_regions=_regions(jurisdictions),
        monitored_jurisdictions=sorted(jurisdictions),
    )
    shown = questionnaire.visibility(answers)
    for country, question_ids in WORKS_COUNCIL.items():
        expected = "employees" in groups and country in jurisdictions
        assert shown[question_ids[0]] is expected, (country, sorted(jurisdictions))
        if not expected:
            assert not any(shown[question_id] for question_id in question_ids)


@settings(max_examples=60, deadline=None)
@given(jurisdictions=st.sets(st.sampled_from(JURISDICTIONS), min_size=1))
def test_ccpa_questions_only_when_people_in_california(questionnaire, jurisdictions):
    answers = _answers("scenario-f-us-employees.yaml")
    answers.update(
        monitored_regions=_regions(jurisdictions), monitored_jurisdictions=sorted(jurisdictions)
    )
    shown = questionnaire.visibility(answers)
    for question_id in CCPA:
        assert shown[question_id] is ("us_ca" in jurisdictions), question_id


LEGAL_BASES = [
    "consent",
    "contract",
    "legal_obligation",
    "public_task",
    "legitimate_interests",
    "none_identified",
]


@settings(max_examples=40, deadline=None)
@given(bases=st.sets(st.sampled_from(LEGAL_BASES), min_size=1))
def test_consent_details_only_when_consent_is_a_basis(questionnaire, bases):
    answers = _answers("scenario-b-timing-only-opt-in.yaml")
    answers["legal_basis"] = sorted(bases)
    shown = questionnaire.visibility(answers)
    for question_id in CONSENT_DETAILS:
        assert shown[question_id] is ("consent" in bases), question_id
    assert shown["li_balancing"] is ("legitimate_interests" in bases)


def test_per_purpose_basis_offers_only_the_bases_ticked(questionnaire):
    answers = _answers("scenario-b-timing-only-opt-in.yaml")
    scope = questionnaire.scope(answers)
    question = questionnaire.question("legal_basis_ui_testing_agents")
    assert questionnaire.visible_options(question, scope) == ["legitimate_interests"]


def test_gdpr_questions_stay_hidden_for_a_us_only_programme(questionnaire):
    shown = questionnaire.visibility(_answers("scenario-f-us-employees.yaml"))
    hidden = ["legal_basis", "art88_agreement", "international_transfers", "eprivacy_consent"]
    assert not any(shown[question_id] for question_id in hidden)
    assert shown["new_york_notice"] and not shown["connecticut_notice"]
