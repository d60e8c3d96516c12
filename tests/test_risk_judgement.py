"""The judgement points a DPO checks first, each on an example and on the variation that must
change the verdict: credit for a redesign, the labour-law steps, the reuse of operational data,
re-assessments, the stops, consent at work with a real alternative, and the chilling floor.

Each variation changes only the answers named in it, so a failing test points at one rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dpia import CatalogueError
from dpia._assessment import Assessment, PlannedMeasure, load_answers
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia._source import read_source
from dpia.risk import RiskReport, assess
from dpia.risk._loader import catalogue_from_source

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = dt.date(2026, 11, 29)
FILES = {
    "A": "scenario-a-keystroke-content.yaml",
    "B": "scenario-b-timing-only-opt-in.yaml",
    "C": "scenario-c-consumer-sdk.yaml",
    "F-US": "scenario-f-us-employees.yaml",
    "G": "scenario-g-call-centre-qa-redesigned.yaml",
    "H": "scenario-h-warehouse-aggregated-training.yaml",
    "I": "scenario-i-reassessment-running.yaml",
    "J": "scenario-j-keystroke-authentication.yaml",
    "K": "scenario-k-tool-without-works-agreement.yaml",
    "L": "scenario-l-continuous-office-video.yaml",
    "M": "scenario-m-inactivity-pay-deduction.yaml",
    "N": "scenario-n-basis-missing-for-one-purpose.yaml",
}


@cache
def _questionnaire():
    return questionnaire_for("telemetry-for-ai@1.2.0")


@cache
def _example(name: str) -> Assessment:
    return load_answers(EXAMPLES / FILES[name], _questionnaire()).assessment


def _variant(name: str, plan: dict[str, PlannedMeasure] | None = None, **answers: Any):
    assessment = _example(name)
    update: dict[str, Any] = {"answers": {**assessment.answers, **answers}}
    if plan is not None:
        update["plan"] = {**assessment.plan, **plan}
    return assessment.model_copy(update=update)


def _score(assessment: Assessment) -> RiskReport:
    return assess(_questionnaire(), assessment, as_of=AS_OF)


def _risk(report: RiskReport, risk_id: str):
    return next(r for r in report.risks if r.id == risk_id)


def _stops(report: RiskReport) -> set[str]:
    return {s.id for s in report.stop_findings}


def _obligation(report: RiskReport, obligation_id: str):
    return next(o for j in report.legal_exposure for o in j.obligations if o.id == obligation_id)


def _planned(due: dt.date = dt.date(2026, 10, 1)) -> PlannedMeasure:
    return PlannedMeasure(owner="Programme owner", due=due)


# --- 1. A redesigned evaluating AI gets credit for its governance ---------------------------------


def test_the_redesigned_quality_model_is_medium_without_consultation():
    report = _score(_example("G"))
    decisions = _risk(report, "automated_decisions_discrimination")
    assert decisions.inherent.level == "high"
    assert decisions.residual.level == "low"
    counted = {e.measure for e in decisions.effects if e.status == "implemented"}
    assert {
        "m15_workers_representatives_agreement",
        "m31_human_review_of_decisions",
        "m34_advisory_outputs",
        "m35_evaluation_validated",
    } <= counted
    assert sum(e.credited for e in decisions.effects if e.status == "implemented") == 2
    assert report.overall_residual == "medium" and not report.prior_consultation_required


def test_human_review_is_credited_although_no_decision_is_solely_automated():
    """The old catalogue reached human review only through automated_decisions."""
    report = _score(_example("G"))
    assert _example("G").answers["automated_decisions"] is False
    review = next(m for m in report.mitigations if m.id == "m31_human_review_of_decisions")
    assert review.status == "implemented"


def test_annex_iii_is_an_ai_act_duty_not_a_high_residual_risk():
    report = _score(_example("G"))
    classes = {a.id: a for a in report.ai_act}
    worker = classes["annex_iii_4b_worker_management"]
    assert worker.classification == "high_risk"
    assert {d.id for d in worker.duties} == {"ai_act_worker_information", "ai_act_deployer_duties"}
    assert "Yes" in worker.reason
    assert "not a prior consultation" in report.prior_consultation_note


def test_the_first_design_of_the_quality_model_is_stopped_and_consulted():
    first = _variant(
        "G",
        emotion_inference=True,
        capture_frequency="continuous",
        outputs_advisory_only=False,
        human_review_of_decisions=False,
        evaluation_validated=False,
        used_for_discipline=True,
        inferences_barred=["none_barred"],
    )
    report = _score(first)
    assert {"emotion_inference_at_work", "continuous_video_audio_of_staff"} <= _stops(report)
    assert report.prior_consultation_required
    assert _risk(report, "automated_decisions_discrimination").residual.level == "high"


def test_without_oversight_the_evaluation_stays_high():
    report = _score(
        _variant(
            "G",
            outputs_advisory_only=False,
            human_review_of_decisions=False,
            evaluation_validated=False,
            germany_works_agreement=False,
        )
    )
    decisions = _risk(report, "automated_decisions_discrimination")
    assert decisions.residual.level == "high"
    assert report.prior_consultation_required


# --- 2. The operational collection and its reuse for training are told apart ----------------------


def test_aggregated_reuse_of_per_worker_scans_is_medium():
    report = _score(_example("H"))
    assert report.overall_residual == "medium" and not report.prior_consultation_required
    creep = _risk(report, "function_creep")
    assert (creep.residual.likelihood, creep.residual.severity) == (2, 3)
    floor = next(r for r in creep.residual.because if r.axis == "floor")
    assert floor.answers["collection_origin"].startswith("For an operational purpose")
    assert "For an operational purpose" in floor.text
    assert _risk(report, "model_memorisation").residual.level == "low"
    aggregated = next(m for m in report.mitigations if m.id == "m33_aggregated_training_data")
    assert aggregated.status == "implemented"


def test_per_person_training_from_the_same_scans_loses_the_aggregation_credit():
    per_person = _score(_variant("H", training_granularity="per_person_raw"))
    aggregated = next(m for m in per_person.mitigations if m.id == "m33_aggregated_training_data")
    assert aggregated.status == "recommended"
    assert "m33_aggregated_training_data" not in _risk(per_person, "function_creep").measures


def test_too_small_groups_are_not_aggregation():
    report = _score(_variant("H", training_min_group_size=5))
    aggregated = next(m for m in report.mitigations if m.id == "m33_aggregated_training_data")
    assert aggregated.status == "recommended"


def test_a_reuse_found_incompatible_needs_its_own_basis():
    report = _score(_variant("H", compatibility_outcome="not_compatible"))
    consent = _risk(report, "consent_gap")
    assert "basis_reuse_not_compatible" in {r.rule for r in consent.inherent.because}
    assert _obligation(report, "gdpr_compatible_reuse").status == "gap"


def test_training_sources_decide_what_a_model_can_memorise():
    """Typed text recorded but kept out of training does not make the model memorise it."""
    keeps_text = _variant("B", captured_data=["keystroke_content", "keystroke_timing", "clicks"])
    text_trained = _variant(
        "B",
        captured_data=["keystroke_content", "keystroke_timing", "clicks"],
        training_data_sources=["keystroke_content", "keystroke_timing", "clicks"],
    )
    rules_kept = {r.rule for r in _risk(_score(keeps_text), "model_memorisation").inherent.because}
    rules_trained = {
        r.rule for r in _risk(_score(text_trained), "model_memorisation").inherent.because
    }
    assert "memorisation_typed_secrets" not in rules_kept
    assert "memorisation_typed_secrets" in rules_trained


# --- 3. Labour-law agreements and documented tests move the legal-basis risk ----------------------


def test_the_works_agreement_moves_the_consent_gap_of_a_german_employer():
    with_agreement = _score(_example("B"))
    without = _score(_variant("B", germany_works_agreement=False))
    assert with_agreement.headline["consent_gap"].level == "low"
    assert without.headline["consent_gap"].level == "high"
    credit = next(
        e
        for e in _risk(with_agreement, "consent_gap").effects
        if e.measure == "m15_workers_representatives_agreement"
    )
    assert credit.credited >= 1 and credit.status == "implemented"


def test_planning_the_works_agreement_before_the_start_lifts_the_floor():
    report = _score(
        _variant(
            "K",
            processing_started=False,
            assessment_kind="first_assessment",
            plan={"m15_workers_representatives_agreement": _planned(dt.date(2026, 8, 1))},
        )
    )
    consent = _risk(report, "consent_gap")
    assert consent.residual_now.level == "high"
    assert consent.residual.level == "low"
    assert "de_device_without_works_agreement" not in _stops(report)


def test_a_documented_interests_test_moves_the_legal_basis_risk():
    documented = _risk(_score(_example("J")), "consent_gap")
    undocumented = _risk(_score(_variant("J", lia_documented=False)), "consent_gap")
    assert any(e.measure == "m24_interest_and_compatibility_record" for e in documented.effects)
    assert not any(
        e.measure == "m24_interest_and_compatibility_record" and e.status == "implemented"
        for e in undocumented.effects
    )


def test_generic_safeguards_no_longer_lower_the_legal_basis_risk():
    report = _score(_example("B"))
    acting = {e.measure for e in _risk(report, "consent_gap").effects}
    assert acting.isdisjoint({"m10_purpose_lock", "m25_views_sought"})


# --- 4. Credit, floors and the three views ------------------------------------------------------


def test_a_measure_at_the_floor_is_credited_nothing_and_says_so():
    report = _score(_example("H"))
    review = next(
        e for e in _risk(report, "function_creep").effects if e.measure == "m18_review_cadence"
    )
    assert (review.before, review.after, review.credited) == (2, 2, 0)
    assert review.note == "the floor of 2 holds"


def test_two_retention_limits_count_once():
    report = _score(_variant("G", raw_retention_days=20))
    retention = _risk(report, "excessive_retention")
    kinds = [
        e
        for e in retention.effects
        if e.measure in ("m12_short_retention", "m29_fixed_deletion_schedule")
    ]
    assert sum(e.credited for e in kinds) <= 2


def test_a_measure_planned_after_the_start_is_marked_and_not_counted_for_consultation():
    report = _score(_example("G"))
    late = next(m for m in report.mitigations if m.id == "m21_bystander_protection")
    assert late.status == "planned" and late.due_after_start
    third = _risk(report, "third_party_data")
    assert third.residual.likelihood < third.residual_now.likelihood
    assert "m21_bystander_protection" in {e.measure for e in third.effects}


def test_a_late_measure_that_alone_would_avoid_consultation_is_not_counted():
    due = _planned(dt.date(2027, 6, 1))
    base = _variant(
        "K",
        processing_started=False,
        assessment_kind="first_assessment",
        plan={"m15_workers_representatives_agreement": due},
    )
    report = _score(base)
    assert report.overall_residual == "medium" or report.overall_residual == "low"
    assert report.overall_residual_at_start == "high"
    assert report.prior_consultation_required
    assert "bring them forward" in report.prior_consultation_note


# --- 5. Re-assessments are not late assessments ---------------------------------------------------


def test_a_review_of_a_running_programme_is_not_a_late_dpia():
    report = _score(_example("I"))
    assert _obligation(report, "gdpr_dpia_before_processing").status == "met"
    assert all(m.due_after_start for m in report.mitigations if m.status == "planned")
    assert report.overall_residual_at_start == report.overall_residual_now


def test_a_first_assessment_of_running_processing_still_is_late():
    report = _score(_variant("I", assessment_kind="first_assessment"))
    gap = _obligation(report, "gdpr_dpia_before_processing")
    assert gap.status == "gap"
    assert "capture has already started (Yes)" in gap.gap


def test_a_review_whose_first_assessment_came_after_the_start_is_late():
    report = _score(_variant("I", previous_assessment_date=dt.date(2026, 10, 1)))
    assert _obligation(report, "gdpr_dpia_before_processing").status == "gap"


# --- 6. The stops, and the variation that lifts each one ------------------------------------------


def test_biometric_identification_without_an_exception_is_stopped():
    report = _score(_example("J"))
    (finding,) = report.stop_findings
    assert finding.id == "biometric_identification_without_exception"
    assert "GDPR Art. 9(1)" in finding.legal and "None needed" in finding.reason


def test_explicit_consent_with_a_real_alternative_is_a_workable_exception():
    """EDPB Guidelines 05/2020: consent at work holds where refusing costs nothing."""
    with_badge = _score(
        _variant("J", art9_condition="explicit_consent", art9_consent_alternative=True)
    )
    without = _score(
        _variant("J", art9_condition="explicit_consent", art9_consent_alternative=False)
    )
    assert "biometric_identification_without_exception" not in _stops(with_badge)
    assert _obligation(with_badge, "gdpr_special_category_condition").status == "met"
    assert "biometric_identification_without_exception" in _stops(without)
    assert _obligation(without, "gdpr_special_category_condition").status == "gap"


def test_consent_from_volunteers_who_can_refuse_at_no_cost_is_not_stopped():
    volunteers = _variant(
        "A",
        participation="opt_in",
        consent_refusal_without_detriment=True,
        opt_out_no_detriment=True,
    )
    report = _score(volunteers)
    assert "consent_only_basis_at_work" not in _stops(report)
    consent = _risk(report, "consent_gap")
    assert "basis_consent_at_work_with_alternative" in {r.rule for r in consent.inherent.because}
    assert "basis_consent_at_work" not in {r.rule for r in consent.inherent.because}


@pytest.mark.parametrize(
    ("answers", "stop"),
    [
        ({}, "de_device_without_works_agreement"),
        (
            {"monitored_jurisdictions": ["fr"], "france_cse_consulted": False},
            "fr_device_without_cse_consultation",
        ),
        (
            {"monitored_jurisdictions": ["it"], "italy_art4_procedure": "in_progress"},
            "it_device_without_art4_procedure",
        ),
    ],
)
def test_a_running_tool_without_its_labour_law_step_is_stopped(answers, stop):
    report = _score(_variant("K", **answers))
    assert stop in _stops(report)
    finding = next(s for s in report.stop_findings if s.id == stop)
    assert finding.answers["processing_started"] == "Yes"


def test_the_same_tool_before_its_start_is_a_gap_to_close_not_a_stop():
    report = _score(_variant("K", processing_started=False, assessment_kind="first_assessment"))
    assert "de_device_without_works_agreement" not in _stops(report)
    assert _obligation(report, "de_works_council_codetermination").status == "gap"
    assert report.headline["consent_gap"].level == "high"


def test_continuous_video_of_staff_is_stopped_and_a_sample_is_not():
    assert _stops(_score(_example("L"))) == {"continuous_video_audio_of_staff"}
    sampled = _score(_variant("L", capture_frequency="sampled", sampled_share_percent=5))
    assert "continuous_video_audio_of_staff" not in _stops(sampled)


def test_pay_deductions_from_inactivity_are_stopped_and_a_reviewed_figure_is_not():
    assert _stops(_score(_example("M"))) == {"pay_deductions_from_inactivity"}
    reviewed = _score(_variant("M", activity_metric_consequences="manager_review"))
    assert "pay_deductions_from_inactivity" not in _stops(reviewed)
    assert _risk(reviewed, "automated_decisions_discrimination").inherent.level == "high"


def test_a_purpose_without_a_basis_is_stopped_beside_a_legitimate_interest():
    report = _score(_example("N"))
    (finding,) = report.stop_findings
    assert finding.id == "no_legal_basis"
    assert "Legitimate interests; None identified yet" in finding.reason
    assert "Productivity or workflow analytics" in finding.reason
    settled = _score(
        _variant(
            "N",
            legal_basis=["legitimate_interests"],
            legal_basis_productivity_analytics="legitimate_interests",
        )
    )
    assert "no_legal_basis" not in _stops(settled)


# --- 7. Inaccurate statements about people in model outputs ---------------------------------------


def test_outputs_that_state_things_about_people_are_a_risk_of_their_own():
    report = _score(_example("G"))
    outputs = _risk(report, "inaccurate_outputs")
    assert outputs.family == "R15"
    assert {"outputs_statements_about_people", "outputs_feed_decisions"} <= {
        r.rule for r in outputs.inherent.because
    }
    assert outputs.inherent.level == "high" and outputs.residual.level == "low"
    unchecked = _score(_variant("G", output_accuracy_checked=False, output_correction=False))
    assert _risk(unchecked, "inaccurate_outputs").residual.level != "low"
    assert _obligation(unchecked, "gdpr_accurate_outputs").status == "gap"


def test_outputs_about_nothing_personal_carry_no_such_risk():
    report = _score(_example("B"))
    assert _risk(report, "inaccurate_outputs").inherent.level == "low"


# --- 8. The chilling-effect floor ---------------------------------------------------------------


def _mandatory_continuous_at_home(**answers: Any) -> Assessment:
    """Scenario B's timing-only capture made mandatory and continuous for 800 staff at home."""
    design: dict[str, Any] = {
        "participation": "mandatory",
        "capture_frequency": "continuous",
        "work_locations": ["home"],
        "people_monitored_total": 800,
        "headcount_by_jurisdiction": [{"jurisdiction": "de", "headcount": 800}],
        "pause_switch": False,
        "capture_indicator": False,
    }
    return _variant("B", **{**design, **answers})


def test_mandatory_continuous_monitoring_without_pause_or_indicator_is_never_low():
    chilling = _risk(_score(_mandatory_continuous_at_home()), "chilling_effect")
    assert chilling.residual.level == "medium"
    assert any(r.axis == "floor" and "no pause switch" in r.text for r in chilling.residual.because)


def test_a_pause_switch_or_an_indicator_lifts_the_floor():
    lifted = _risk(_score(_mandatory_continuous_at_home(pause_switch=True)), "chilling_effect")
    assert lifted.residual.level == "low"
    assessment = _mandatory_continuous_at_home()
    planned = assessment.model_copy(
        update={"plan": {"m28_capture_indicator_and_dashboard": _planned()}}
    )
    chilling = _risk(_score(planned), "chilling_effect")
    assert chilling.residual_now.level == "medium"
    assert chilling.residual.level == "low"


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_rating_names_what_raised_it_and_what_lowered_it(name):
    """A Low is explained by what kept it low as much as a High by what raised it."""
    report = _score(_example(name))
    for risk in report.risks:
        for view in (risk.inherent, risk.residual_now, risk.residual, risk.residual_if_all):
            if view is None:
                continue
            pulls = {r.pull for r in view.because}
            assert (
                "up" in pulls
                or view.likelihood == view.severity == 1
                or (view is not risk.inherent)
            ), (risk.id, view)
        raised = {r.axis for r in risk.inherent.because if r.pull == "up"}
        for axis in ("likelihood", "severity"):
            value = getattr(risk.inherent, axis)
            assert (axis in raised) == (value > 1), (risk.id, axis, value)
        lowered = [r for r in risk.residual.because if r.pull == "down"]
        dropped = (risk.inherent.likelihood - risk.residual.likelihood) + (
            risk.inherent.severity - risk.residual.severity
        )
        assert bool(lowered) == (dropped > 0), (risk.id, [r.text for r in lowered], dropped)
        headline = report.headline.get(risk.id)
        if headline is not None and dropped > 0:
            assert any(r.pull == "down" for r in headline.because), risk.id


def test_the_consultation_file_is_advised_only_where_consultation_is_required():
    """The file for the supervisory authority follows from the ratings: advising it where the
    same report says no consultation is due would contradict the report."""
    advised = {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        questionnaire = questionnaire_for(questionnaire_ref_of(path))
        report = assess(questionnaire, load_answers(path, questionnaire).assessment, as_of=AS_OF)
        (readiness,) = [m for m in report.mitigations if m.id == "m26_prior_consultation_readiness"]
        advised[path.stem] = (report.prior_consultation_required, readiness.status)
    assert {status for due, status in advised.values() if due} == {"recommended"}, advised
    assert {status for due, status in advised.values() if not due} == {"not_applicable"}, advised


def test_a_measure_that_follows_from_the_ratings_cannot_lower_them():
    text = (EXAMPLES.parent / "questionnaires" / "telemetry-for-ai.risks.yaml").read_text()
    changed = text.replace(
        "    follows_from: prior_consultation\n",
        "    follows_from: prior_consultation\n"
        "    reduces:\n      - {risk: consent_gap, axis: likelihood, steps: 1}\n",
    )
    assert changed != text
    source = read_source(changed.encode(), name="telemetry-for-ai.risks.yaml")
    with pytest.raises(CatalogueError) as caught:
        catalogue_from_source(source, _questionnaire())
    (problem,) = [str(p) for p in caught.value.problems]
    assert "measures[" in problem and "cannot also lower them" in problem, problem


# --- Measures with nothing to bind --------------------------------------------------------------


def _status(report: RiskReport, measure_id: str) -> str:
    return next(m.status for m in report.mitigations if m.id == measure_id)


def test_processor_terms_are_not_in_place_where_there_is_no_processor():
    """F (US staff) trains in house, with no processor and no transfer: terms for processors
    bind no one, so the report does not say they are in place; with a processor that signed
    them and a cloud host abroad, they are."""
    assert _status(_score(_example("F-US")), "m22_processor_and_transfer_controls") == (
        "not_applicable"
    )
    bound = _variant(
        "F-US",
        processors_used=True,
        processor_art28_terms=True,
        vendor_reuse_prohibited=True,
        international_transfers=False,
    )
    assert _status(_score(bound), "m22_processor_and_transfer_controls") == "implemented"


def test_patterns_not_used_to_identify_anyone_are_no_art_35_3_b_case():
    """Art. 9(1) covers biometric data processed to identify a person: F's typing patterns
    could single its 50,000 staff out but identify no one, so they count as sensitive
    (WP248 criterion 4), not as large-scale special categories; used to identify, they are."""
    case = "art35_3_b_special_categories_large_scale"
    screening = _score(_example("F-US")).screening
    assert case not in {c.rule for c in screening.art35_3}
    assert "c4_sensitive_or_highly_personal" in {c.rule for c in screening.wp248}
    used = _score(_variant("F-US", biometric_identification_used=True)).screening
    assert case in {c.rule for c in used.art35_3}


_NARROW_LAW = re.compile(
    r"(GDPR Art\. 21|GDPR Art\. 88|AI Act Art\. 53|BetrVG|BAG |French Labour Code|Cass\. soc\."
    r"|Italian Workers|WOR art)[^\"]*"
)


def _narrow_citations(report: RiskReport) -> set[str]:
    return {match.group(0) for match in _NARROW_LAW.finditer(report.model_dump_json())}


def test_labour_law_and_narrow_provisions_are_cited_only_where_they_reach():
    """C monitors consumers in France and California on consent, and places no general-purpose
    model: no labour statute or labour court, no Art. 88 (employment), no right to object
    (Art. 21, for public-task and legitimate-interests processing) and no Art. 53 (providers
    of general-purpose models) belong in its report. B monitors staff in Germany on legitimate
    interests, so the works council's statute and the right to object do."""
    assert _narrow_citations(_score(_example("C"))) == set()
    staff = _narrow_citations(_score(_example("B")))
    assert {"BetrVG §87(1) Nr. 6", "GDPR Art. 21(1)", "GDPR Art. 88(2)"} <= staff
    assert not any(c.startswith("AI Act Art. 53") for c in staff)
    general_purpose = _score(
        _variant("B", general_purpose_model=True, training_data_summary_published=False)
    )
    assert any(c.startswith("AI Act Art. 53") for c in _narrow_citations(general_purpose))


def test_a_provision_not_yet_in_force_on_the_law_date_is_not_cited():
    """The AI Act's transparency duties (Art. 50) apply from 2 August 2026: the university
    pilot assessed under the law of 15 January 2026 cites none of them, the same answers
    assessed in November 2026 do."""
    pilot = load_answers(EXAMPLES / "scenario-q-university-ai-assistant.yaml", _questionnaire())
    subject = pilot.assessment

    def cites_art_50(as_of: dt.date) -> bool:
        report = assess(_questionnaire(), subject, as_of=as_of)
        return "AI Act Art. 50" in report.model_dump_json()

    assert not cites_art_50(dt.date(2026, 1, 15))
    assert cites_art_50(dt.date(2026, 11, 29))


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from _texts(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _texts(item)


@pytest.mark.parametrize("name", sorted(FILES))
def test_no_reason_names_a_rule_by_its_catalogue_id(name: str):
    """The app, the score text and the document show a reason's words as they are: a rule's id
    (`access_large_store`) is the catalogue's, not the reader's."""
    from dpia.risk import catalogue_for

    catalogue = catalogue_for(_questionnaire())
    ids = {rule.id for risk in catalogue.risks for rule in risk.rules}
    ids |= {risk.id for risk in catalogue.risks} | {m.id for m in catalogue.measures}
    ids = {code for code in ids if "_" in code}
    pattern = re.compile(r"\b(" + "|".join(sorted(ids, key=len, reverse=True)) + r")\b")
    report = _score(_example(name)).model_dump()
    assert [text for text in _texts(report) if pattern.search(text)] == []
