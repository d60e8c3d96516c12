"""An organisation that deploys a vendor's software assesses the telemetry and AI features built
into it (examples O, P and Q, written from the Dutch government's assessments of an office suite
in 2018 and 2019 and SURF's of an AI assistant in education). The outcomes are those the
published assessments reached, for the reasons they gave, and each judgement point moves with
the one answer it rests on.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from dpia._assessment import Assessment, PlannedMeasure, load_answers
from dpia._library import questionnaire_for
from dpia.risk import RiskReport, assess, catalogue_for

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = dt.date(2026, 11, 29)
REF = "telemetry-for-ai@1.2.0"
AS_FOUND = "scenario-o-office-diagnostic-data-as-found.yaml"
AFTER = "scenario-p-office-diagnostic-data-after-changes.yaml"
ASSISTANT = "scenario-q-university-ai-assistant.yaml"
MODEL_QUESTIONS = (
    "model_trainer",
    "model_hosting",
    "general_purpose_model",
    "model_release_scope",
    "training_data_sources",
    "training_granularity",
    "collection_origin",
    "differential_privacy",
    "memorisation_testing",
    "on_device_aggregation",
    "erasure_from_models",
    "pause_switch",
)


@cache
def _questionnaire():
    return questionnaire_for(REF)


@cache
def _assessment(name: str) -> Assessment:
    return load_answers(EXAMPLES / name, _questionnaire()).assessment


def _score(assessment: Assessment) -> RiskReport:
    questionnaire = _questionnaire()
    return assess(questionnaire, assessment, as_of=AS_OF, catalogue=catalogue_for(questionnaire))


@cache
def _report(name: str) -> RiskReport:
    return _score(_assessment(name))


def _with(name: str, **answers) -> Assessment:
    assessment = _assessment(name)
    return assessment.model_copy(update={"answers": {**assessment.answers, **answers}})


def _risk(report: RiskReport, risk_id: str):
    return next(r for r in report.risks if r.id == risk_id)


def _rules(rating) -> set[str]:
    return {reason.rule for reason in rating.because}


def _status(report: RiskReport, measure_id: str) -> str:
    return next(m.status for m in report.mitigations if m.id == measure_id)


def _obligation(report: RiskReport, obligation_id: str):
    return next(o for j in report.legal_exposure for o in j.obligations if o.id == obligation_id)


# -- What the deployer is asked -----------------------------------------------------------------


@pytest.mark.parametrize("name", [AS_FOUND, AFTER, ASSISTANT])
def test_a_deployer_that_trains_nothing_is_not_asked_about_training(name):
    check = load_answers(EXAMPLES / name, _questionnaire(), require_complete=True)
    assert check.missing == () and not check.warnings
    shown = _questionnaire().visibility(check.assessment.answers)
    for question_id in MODEL_QUESTIONS:
        assert not shown[question_id], question_id
    assert shown["vendor_role_diagnostic"] and shown["access_requests_diagnostic"]


def test_training_its_own_models_brings_the_model_questions_back():
    answers = {**_assessment(ASSISTANT).answers, "deployer_trains_models": True}
    shown = _questionnaire().visibility(answers)
    for question_id in MODEL_QUESTIONS[:-1]:
        assert shown[question_id], question_id


def test_an_answer_to_a_model_question_on_the_vendor_path_is_a_warning(tmp_path):
    text = (EXAMPLES / ASSISTANT).read_text(encoding="utf-8")
    path = tmp_path / "q.yaml"
    path.write_text(text.replace("plan: {}", "  model_trainer: in_house\nplan: {}"), "utf-8")
    check = load_answers(path, _questionnaire())
    assert [w.path for w in check.warnings] == ["answers.model_trainer"]


def test_the_ai_answers_about_people_are_asked_only_when_ai_features_are_on():
    answers = {**_assessment(ASSISTANT).answers, "ai_features": "off"}
    shown = _questionnaire().visibility(answers)
    assert not shown["model_outputs_about_people"] and not shown["ai_filters_opaque"]


# -- O: the office suite as found in 2018 ---------------------------------------------------------


def test_o_stops_on_the_vendors_own_use_of_data_no_one_can_see():
    report = _report(AS_FOUND)
    assert {s.id for s in report.stop_findings} == {"vendor_controls_what_no_one_can_see"}
    stop = report.stop_findings[0]
    assert "Microsoft" in stop.reason and "processor" in stop.reason
    assert any("Dutch government DPIA" in law for law in stop.legal)
    control = _risk(report, "vendor_control")
    assert control.residual.level == "high"
    assert "vendor_controller_for_own_purposes" in _rules(control.inherent)
    assert report.prior_consultation_required


def test_o_lists_the_published_findings_as_risks_and_gaps():
    report = _report(AS_FOUND)
    assert "retention_vendor_unknown" in _rules(_risk(report, "excessive_retention").inherent)
    assert "rights_records_held_by_vendor" in _rules(
        _risk(report, "rights_not_exercisable").inherent
    )
    assert "vendors_data_leave_the_eu" in _rules(_risk(report, "vendors_and_transfers").inherent)
    assert _obligation(report, "gdpr_vendor_records_in_access").status == "gap"
    assert report.headline["legal_exposure"].level == "high"


def test_o_binding_the_vendor_as_processor_is_the_first_measure_against_its_control():
    report = _report(AS_FOUND)
    assert _status(report, "m40_vendor_bound_as_processor") == "recommended"
    assert _status(report, "m43_vendor_data_visible") == "recommended"
    planned = _assessment(AS_FOUND).model_copy(
        update={
            "plan": {
                "m40_vendor_bound_as_processor": PlannedMeasure(
                    owner="Contract management", due=dt.date(2026, 5, 1)
                )
            }
        }
    )
    control = _risk(_score(planned), "vendor_control")
    assert control.residual.level != "high"


# -- P: the same suite after the 2019 terms and settings ------------------------------------------


def test_p_is_low_with_no_stop_and_no_consultation_as_the_2019_assessment_found():
    report = _report(AFTER)
    assert report.overall_residual_now == "low"
    assert not report.stop_findings and not report.prior_consultation_required
    for measure in (
        "m40_vendor_bound_as_processor",
        "m41_telemetry_at_minimum",
        "m42_optional_features_limited",
        "m43_vendor_data_visible",
        "m45_reassessed_on_vendor_change",
    ):
        assert _status(report, measure) == "implemented", measure


def test_p_differs_from_o_by_the_vendors_role_and_the_settings_not_the_software():
    before, after = _report(AS_FOUND), _report(AFTER)
    assert _risk(before, "vendor_control").inherent.level == "high"
    assert _risk(after, "vendor_control").inherent.level == "low"
    found = set(_assessment(AS_FOUND).answers["vendor_data_categories"])
    now = set(_assessment(AFTER).answers["vendor_data_categories"])
    # The same software sends the same kinds of data, except what the switched-off features sent.
    assert found - now == {"connected_features"} and now <= found


def test_p_turns_high_again_if_the_vendor_becomes_a_controller_for_telemetry():
    report = _score(_with(AFTER, vendor_role_diagnostic="independent_controller"))
    control = _risk(report, "vendor_control")
    assert control.inherent.level == "high"
    assert "vendor_controller_for_own_purposes" in _rules(control.inherent)
    assert _status(report, "m40_vendor_bound_as_processor") != "implemented"


def test_o_without_the_stop_once_the_organisation_can_see_and_read_what_is_sent():
    report = _score(_with(AS_FOUND, telemetry_viewer=True, event_types_documented=True))
    assert "vendor_controls_what_no_one_can_see" not in {s.id for s in report.stop_findings}


def test_an_unsettled_role_is_a_gap_and_a_risk():
    report = _score(_with(AFTER, vendor_role_service_logs="unclear"))
    assert _obligation(report, "gdpr_vendor_roles_settled").status == "gap"
    assert "vendor_role_unclear" in _rules(_risk(report, "vendor_control").inherent)


def test_a_public_body_cannot_rest_on_legitimate_interests():
    assessment = _with(
        AFTER,
        legal_basis=["legitimate_interests"],
        legal_basis_vendor_software_use="legitimate_interests",
    )
    rating = _risk(_score(assessment), "consent_gap").inherent
    assert "basis_public_body_legitimate_interests" in _rules(rating)
    private = _with(
        AFTER,
        controller_type="private_company",
        legal_basis=["legitimate_interests"],
        legal_basis_vendor_software_use="legitimate_interests",
    )
    assert "basis_public_body_legitimate_interests" not in _rules(
        _risk(_score(private), "consent_gap").inherent
    )


# -- Q: the AI assistant in a university ----------------------------------------------------------


def test_q_is_medium_for_the_reasons_surf_gave():
    report = _report(ASSISTANT)
    medium = {r.id for r in report.risks if r.residual.level == "medium"}
    assert medium == {"inaccurate_outputs", "excessive_retention", "transparency_failure"}
    assert not report.stop_findings and not report.prior_consultation_required
    assert "outputs_ai_features_in_use" in _rules(_risk(report, "inaccurate_outputs").inherent)
    assert _risk(report, "vendor_control").residual.level == "low"
    assert _risk(report, "model_memorisation").inherent.level == "low"


def test_q_opaque_filters_keep_transparency_medium_whatever_the_university_does():
    report = _report(ASSISTANT)
    transparency = _risk(report, "transparency_failure")
    assert transparency.residual_if_all.level == "medium"
    assert "transparency_opaque_ai_filters" in _rules(transparency.inherent)
    clear = _score(_with(ASSISTANT, ai_filters_opaque=False))
    assert _risk(clear, "transparency_failure").residual.level == "low"


def test_q_eighteen_months_of_vendor_telemetry_is_excessive_and_thirty_days_would_not_be():
    assert _risk(_report(ASSISTANT), "excessive_retention").residual.level == "medium"
    short = _score(_with(ASSISTANT, raw_retention_days=30))
    assert _risk(short, "excessive_retention").residual.level == "low"


def test_q_ai_literacy_is_a_deployer_duty_since_february_2025():
    report = _report(ASSISTANT)
    assert _obligation(report, "ai_act_ai_literacy").status == "duty"
    early = assess(
        _questionnaire(),
        _assessment(ASSISTANT),
        as_of=dt.date(2025, 1, 31),
        catalogue=catalogue_for(_questionnaire()),
    )
    assert all(o.id != "ai_act_ai_literacy" for j in early.legal_exposure for o in j.obligations)


def test_q_prompts_kept_a_year_make_retention_a_risk_of_content():
    kept = _score(_with(ASSISTANT, ai_log_retention_days=365))
    rating = _risk(kept, "excessive_retention").inherent
    assert "retention_ai_logs_long" in _rules(rating) and rating.severity == 3
    assert "retention_ai_logs_long" not in _rules(
        _risk(_report(ASSISTANT), "excessive_retention").inherent
    )


def test_an_ai_assistant_in_use_is_innovative_technology_without_the_teams_tick():
    assessment = _with(ASSISTANT, wp248_criteria=["systematic_monitoring"])
    criteria = {r.rule for r in _score(assessment).screening.wp248}
    assert "c8_innovative_technology" in criteria
    without = _with(
        ASSISTANT, wp248_criteria=["systematic_monitoring"], purposes=["vendor_software_use"]
    )
    assert "c8_innovative_technology" not in {r.rule for r in _score(without).screening.wp248}
