"""The real risk catalogue on the example programmes: the outcomes a DPO expects (brief §7 for A,
B, C and F; docs/methodology.md §13.9 for G to Q), for the reasons a DPO would give, and
properties that must hold for any answers.

Every report is built from the example answers files as a user would load them, against the real
questionnaire and catalogue in questionnaires/.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dpia._assessment import Assessment, PlannedMeasure, load_answers
from dpia._library import questionnaire_for
from dpia.cli import main
from dpia.risk import LEVELS, RiskReport, assess, catalogue_for
from dpia.risk._context import Context
from dpia.risk._rating import Counted, axis_value

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = dt.date(2026, 11, 29)
BEFORE_BAN = dt.date(2025, 1, 31)
REF = "telemetry-for-ai@1.2.0"

SCENARIOS = {
    "A": "scenario-a-keystroke-content.yaml",
    "B": "scenario-b-timing-only-opt-in.yaml",
    "C": "scenario-c-consumer-sdk.yaml",
    "F-US": "scenario-f-us-employees.yaml",
    "F-EU": "scenario-f-eu-screenshots.yaml",
    "G": "scenario-g-call-centre-qa-redesigned.yaml",
    "H": "scenario-h-warehouse-aggregated-training.yaml",
    "I": "scenario-i-reassessment-running.yaml",
    "J": "scenario-j-keystroke-authentication.yaml",
    "K": "scenario-k-tool-without-works-agreement.yaml",
    "L": "scenario-l-continuous-office-video.yaml",
    "M": "scenario-m-inactivity-pay-deduction.yaml",
    "N": "scenario-n-basis-missing-for-one-purpose.yaml",
    "O": "scenario-o-office-diagnostic-data-as-found.yaml",
    "P": "scenario-p-office-diagnostic-data-after-changes.yaml",
    "Q": "scenario-q-university-ai-assistant.yaml",
}

# DPIA required, residual now / after the plan / if all recommendations are adopted, prior
# consultation, stop findings: what a competent DPO would write for each example.
OUTCOMES = {
    "A": (
        ("required",),
        "high",
        "high",
        "high",
        True,
        {"consent_only_basis_at_work", "keystroke_content_of_eu_staff"},
    ),
    "B": (("required",), "low", "low", "low", False, set()),
    "C": (("likely", "required"), "medium", "medium", "low", False, set()),
    "F-US": (("required",), "medium", "medium", "medium", False, set()),
    "F-EU": (("required",), "high", "high", "high", True, {"keystroke_content_of_eu_staff"}),
    "G": (("required",), "medium", "medium", "low", False, set()),
    "H": (("required",), "medium", "medium", "medium", False, set()),
    "I": (("required",), "low", "low", "low", False, set()),
    "J": (
        ("required",),
        "high",
        "high",
        "high",
        True,
        {"biometric_identification_without_exception"},
    ),
    "K": (("required",), "high", "high", "low", True, {"de_device_without_works_agreement"}),
    "L": (("required",), "high", "high", "high", True, {"continuous_video_audio_of_staff"}),
    "M": (("required",), "high", "high", "high", True, {"pay_deductions_from_inactivity"}),
    "N": (("required",), "high", "high", "high", True, {"no_legal_basis"}),
    "O": (
        ("required",),
        "high",
        "high",
        "low",
        True,
        {"vendor_controls_what_no_one_can_see"},
    ),
    "P": (("required",), "low", "low", "low", False, set()),
    "Q": (("required",), "medium", "medium", "medium", False, set()),
}


@cache
def _questionnaire():
    return questionnaire_for(REF)


@cache
def _assessment(name: str) -> Assessment:
    return load_answers(EXAMPLES / SCENARIOS[name], _questionnaire()).assessment


@cache
def _report(name: str, as_of: dt.date = AS_OF) -> RiskReport:
    return _score(_assessment(name), as_of)


def _score(assessment: Assessment, as_of: dt.date = AS_OF) -> RiskReport:
    questionnaire = _questionnaire()
    return assess(questionnaire, assessment, as_of=as_of, catalogue=catalogue_for(questionnaire))


def _risk(report: RiskReport, risk_id: str):
    return next(r for r in report.risks if r.id == risk_id)


def _rules(rating) -> set[str]:
    return {reason.rule for reason in rating.because}


def _high(report: RiskReport) -> set[str]:
    return {r.id for r in report.risks if r.residual.level == "high"}


def _rank(level: str) -> int:
    return LEVELS.index(level)


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_each_example_comes_out_as_a_dpo_would_write_it(name):
    required, now, plan, if_all, consult, stops = OUTCOMES[name]
    report = _report(name)
    assert report.dpia_required in required
    assert (
        report.overall_residual_now,
        report.overall_residual,
        report.overall_residual_if_all,
    ) == (now, plan, if_all)
    assert report.prior_consultation_required is consult
    assert {s.id for s in report.stop_findings} == stops
    assert report.stop is bool(stops)
    # Every stop says why in the words of the answers, and names its law.
    for finding in report.stop_findings:
        assert finding.answers and finding.legal, finding.id
        assert any(value in finding.reason for value in finding.answers.values()), finding.id


# --- Scenario A: keystroke content of EU office staff, consent only -------------------------------


def test_a_is_high_and_must_stop_on_consent_and_keylogging():
    report = _report("A")
    assert report.overall_residual == "high"
    assert report.prior_consultation_required
    assert report.stop
    assert {s.id for s in report.stop_findings} == {
        "consent_only_basis_at_work",
        "keystroke_content_of_eu_staff",
    }
    assert all(s.verdict == "do_not_proceed" for s in report.stop_findings)
    assert all(not s.consultation_can_cure for s in report.stop_findings)
    # The note does not send a design that must change to the authority as it stands.
    assert "The STOP findings come first" in report.prior_consultation_note
    assert "do not start meanwhile" not in report.prior_consultation_note
    assert report.headline["consent_gap"].level == "high"
    assert report.headline["legal_exposure"].level == "high"


def test_a_consent_gap_rests_on_consent_at_work_and_the_labour_law_steps():
    consent = _risk(_report("A"), "consent_gap")
    assert {
        "basis_consent_at_work",
        "basis_keystroke_content_not_necessary",
    } <= _rules(consent.inherent)
    assert {"basis_labour_law_de", "basis_labour_law_fr", "basis_labour_law_it"} & _rules(
        consent.inherent
    )
    floors = [r for r in consent.residual.because if r.axis == "floor"]
    assert floors, "consent at work keeps the legal-basis risk high whatever the safeguards"
    quoted = next(r for r in consent.inherent.because if r.rule == "basis_consent_at_work")
    assert quoted.answers["legal_basis"] == "Consent"
    assert "Consent" in quoted.text


def test_a_screening_names_the_french_german_and_italian_lists():
    screening = _report("A").screening
    assert _report("A").dpia_required == "required"
    assert {r.rule for r in screening.national_lists} == {
        "fr_cnil_constant_employee_monitoring",
        "fr_cnil_hr_profiling",
        "de_dsk_item_7",
        "it_garante_remote_monitoring",
    }
    assert {"c3_systematic_monitoring", "c4_sensitive_or_highly_personal"} <= {
        r.rule for r in screening.wp248
    }


def test_a_statutory_maxima_follow_turnover():
    by_code = {j.jurisdiction: j for j in _report("A").legal_exposure}
    assert by_code["EU"].headcount == 4200
    # 4 % of EUR 3.1 billion is above the EUR 20 million floor of the higher GDPR tier.
    assert by_code["EU"].statutory_maximum == {"EUR": 124_000_000.0}
    assert {"DE", "FR", "IT"} <= set(by_code)


# --- Scenario B: timing only, volunteers, works agreement -----------------------------------------


def test_b_stays_low_or_medium_without_consultation():
    report = _report("B")
    assert report.overall_residual in ("low", "medium")
    assert not report.prior_consultation_required
    assert not report.stop
    assert report.dpia_required == "required"


def test_b_is_low_because_of_its_safeguards_not_for_lack_of_risk():
    report = _report("B")
    assert report.overall_inherent == "high"
    in_place = {m.id for m in report.mitigations if m.status == "implemented"}
    assert {
        "m01_timing_only_no_content",
        "m08_timing_coarsened",
        "m14_voluntary_participation",
        "m15_workers_representatives_agreement",
        "m24_interest_and_compatibility_record",
    } <= in_place
    biometrics = _risk(report, "sensitive_inference")
    assert "sensitive_behavioural_biometrics" in _rules(biometrics.inherent)
    assert "m08_timing_coarsened" in biometrics.measures


# --- Scenario C: consumer SDK with consent and masking --------------------------------------------


def test_c_needs_a_dpia_and_stays_medium_or_low():
    report = _report("C")
    assert report.dpia_required in ("likely", "required")
    assert report.overall_residual in ("medium", "low")
    assert not report.prior_consultation_required
    assert not report.stop


def test_c_medium_comes_from_models_released_to_customers():
    report = _report("C")
    medium = {r.id for r in report.risks if r.residual.level == "medium"}
    assert medium <= {"model_memorisation"}
    if medium:
        memorisation = _risk(report, "model_memorisation")
        assert "memorisation_customer_release" in _rules(memorisation.inherent)
        recommended = {m.id for m in report.mitigations if m.status == "recommended" and m.gain}
        assert "m06_differential_privacy" in recommended


# --- Scenario F: the same programme in the US and in the EU ---------------------------------------


def test_f_us_is_medium():
    report = _report("F-US")
    assert report.overall_residual == "medium"
    assert not report.prior_consultation_required
    assert not report.stop
    assert report.headline["consent_gap"].level == "low"


def test_f_us_chilling_effect_stays_medium_because_typing_is_recorded():
    chilling = _risk(_report("F-US"), "chilling_effect")
    assert chilling.residual.level == "medium"
    assert chilling.residual.severity >= 3
    assert {
        "m03_work_app_allow_list",
        "m10_purpose_lock",
        "m11_no_performance_or_disciplinary_use",
    } <= set(chilling.measures)


def test_f_us_exposure_is_californian_and_per_person():
    by_code = {j.jurisdiction: j for j in _report("F-US").legal_exposure}
    assert "EU" not in by_code
    california = by_code["US-CA"]
    assert california.headcount == 28_000
    gaps = {o.id for o in california.obligations if o.status == "gap"}
    assert gaps == {"ccpa_right_to_limit"}
    assert california.statutory_maximum == {"USD": 28_000 * 2663.0}
    new_york = by_code["US-NY"]
    assert {o.id: o.status for o in new_york.obligations} == {"us_ny_monitoring_notice": "met"}


def test_f_eu_with_screenshots_is_high_and_needs_consultation():
    report = _report("F-EU")
    assert report.overall_residual == "high"
    assert report.prior_consultation_required
    assert report.headline["consent_gap"].level == "high"
    assert {"consent_gap", "transparency_failure", "rights_not_exercisable"} <= _high(report)
    assert "keystroke_content_of_eu_staff" in {s.id for s in report.stop_findings}


def test_f_eu_differs_from_f_us_by_the_law_not_the_capture():
    us, eu = _report("F-US"), _report("F-EU")
    for risk_id in ("illegitimate_access", "chilling_effect", "sensitive_inference"):
        us_rating, eu_rating = _risk(us, risk_id).inherent, _risk(eu, risk_id).inherent
        assert (us_rating.likelihood, us_rating.severity) == (
            eu_rating.likelihood,
            eu_rating.severity,
        )
    consent = _risk(eu, "consent_gap")
    assert {
        "basis_legitimate_interests_at_work",
        "basis_unexpected_use",
        "basis_special_categories_uncovered",
    } <= _rules(consent.inherent)
    by_code = {j.jurisdiction: j for j in eu.legal_exposure}
    gaps = {o.id for o in by_code["EU"].obligations if o.status == "gap"}
    assert {"gdpr_legal_basis", "gdpr_objection", "gdpr_joint_controllers"} <= gaps
    # 4 % of EUR 150 billion: the higher GDPR tier, for the legal basis and the labour-law steps.
    assert by_code["EU"].statutory_maximum == {"EUR": 6_000_000_000.0}


# --- The date-aware ban on emotion inference at work ----------------------------------------------


@pytest.fixture
def emotion_inference_answers(tmp_path: Path) -> Assessment:
    """Scenario A as saved by a team that also infers its staff's emotions."""
    text = (EXAMPLES / SCENARIOS["A"]).read_text(encoding="utf-8")
    assert text.count("emotion_inference: false") == 1
    path = tmp_path / "emotions.yaml"
    path.write_text(text.replace("emotion_inference: false", "emotion_inference: true"))
    return load_answers(path, _questionnaire()).assessment


def test_emotion_inference_at_work_is_prohibited_from_2_february_2025(emotion_inference_answers):
    report = _score(emotion_inference_answers, AS_OF)
    prohibited = [s for s in report.stop_findings if s.verdict == "prohibited"]
    assert [s.id for s in prohibited] == ["emotion_inference_at_work"]
    assert "AI Act Art. 5(1)(f)" in prohibited[0].legal
    assert "prohibits" in report.prior_consultation_note
    sensitive = _risk(report, "sensitive_inference")
    assert sensitive.residual.likelihood >= 3
    assert sensitive.residual.severity == 4
    ban = [
        o
        for j in report.legal_exposure
        for o in j.obligations
        if o.id == "ai_act_emotion_inference_ban"
    ]
    assert ban and ban[0].status == "gap"
    # 7 % of EUR 3.1 billion, above the EUR 35 million floor of AI Act Art. 99(3).
    assert ban[0].penalty is not None and ban[0].penalty.maximum == 217_000_000.0


def test_emotion_inference_before_the_ban_is_a_risk_not_a_prohibition(emotion_inference_answers):
    report = _score(emotion_inference_answers, BEFORE_BAN)
    assert "emotion_inference_at_work" not in {s.id for s in report.stop_findings}
    assert all(s.verdict == "do_not_proceed" for s in report.stop_findings)
    obligations = {o.id for j in report.legal_exposure for o in j.obligations}
    assert "ai_act_emotion_inference_ban" not in obligations
    assert _risk(report, "sensitive_inference").residual.level == "high"


# --- The command line -----------------------------------------------------------------------------

REPORT_KEYS = {
    "questionnaire",
    "as_of",
    "headline",
    "dpia_required",
    "screening",
    "stop",
    "stop_findings",
    "overall_inherent",
    "overall_residual",
    "prior_consultation_required",
    "prior_consultation_note",
    "risks",
    "mitigations",
    "legal_exposure",
    "completeness",
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_score_json_has_the_report_keys(name, capsys):
    path = str(EXAMPLES / SCENARIOS[name])
    assert main(["score", path, "--json", "--as-of", AS_OF.isoformat()]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) >= REPORT_KEYS
    assert set(printed["headline"]) == {"chilling_effect", "consent_gap", "legal_exposure"}
    assert len(printed["risks"]) >= 14
    assert printed["overall_residual"] == _report(name).overall_residual


# --- Recommendations ------------------------------------------------------------------------------


def _points(report: RiskReport) -> dict[str, int]:
    return {
        r.id: _rank(r.residual.level) * 100 + r.residual.likelihood * r.residual.severity
        for r in report.risks
    }


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_planning_a_recommendation_removes_what_it_promised(name):
    """The gain shown next to a recommendation is what planning it actually changes."""
    report = _report(name)
    before = _points(report)
    due = PlannedMeasure(owner="DPO", due=dt.date(2027, 1, 31))
    assessment = _assessment(name)
    for measure in (m for m in report.mitigations if m.status == "recommended"):
        planned = assessment.model_copy(update={"plan": {**assessment.plan, measure.id: due}})
        after = _points(_score(planned))
        assert sum(before.values()) - sum(after.values()) == measure.gain, measure.id


# --- Properties of the catalogue on any variation of the examples ---------------------------------

MEASURE_IDS = [m.id for m in catalogue_for(_questionnaire()).measures]
CAPTURE_OPTIONS = [o.value for o in _questionnaire().question("captured_data").options]


def _with_captured(name: str, extra: set[str]) -> Assessment:
    assessment = _assessment(name)
    captured = list(assessment.answers["captured_data"])
    captured += [value for value in CAPTURE_OPTIONS if value in extra and value not in captured]
    return assessment.model_copy(
        update={"answers": {**assessment.answers, "captured_data": captured}}
    )


def _with_plan(name: str, measures: set[str]) -> Assessment:
    """The example with these measures planned on top of what it already plans."""
    due = PlannedMeasure(owner="Programme owner", due=dt.date(2027, 3, 1))
    assessment = _assessment(name)
    plan = {**dict.fromkeys(sorted(measures), due), **assessment.plan}
    return assessment.model_copy(update={"plan": plan})


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(SCENARIOS)), measures=st.sets(st.sampled_from(MEASURE_IDS)))
def test_planning_measures_never_raises_a_residual_level(name, measures):
    before = _report(name)
    after = _score(_with_plan(name, measures))
    for old, new in zip(before.risks, after.risks, strict=True):
        for view in ("residual", "residual_now", "residual_if_all"):
            old_rating, new_rating = getattr(old, view), getattr(new, view)
            assert _rank(new_rating.level) <= _rank(old_rating.level), (new.id, view)
            assert new_rating.likelihood <= old_rating.likelihood, (new.id, view)
            assert new_rating.severity <= old_rating.severity, (new.id, view)
    for view in ("overall_residual", "overall_residual_at_start", "overall_residual_if_all"):
        assert _rank(getattr(after, view)) <= _rank(getattr(before, view)), view


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(sorted(SCENARIOS)),
    extra=st.sets(st.sampled_from(CAPTURE_OPTIONS), min_size=1),
)
def test_capturing_more_never_lowers_an_inherent_level(name, extra):
    before = _report(name)
    after = _score(_with_captured(name, extra))
    for old, new in zip(before.risks, after.risks, strict=True):
        assert _rank(new.inherent.level) >= _rank(old.inherent.level), new.id
        assert new.inherent.likelihood >= old.inherent.likelihood, new.id
        assert new.inherent.severity >= old.inherent.severity, new.id


@pytest.mark.parametrize(
    ("name", "value"),
    [(n, v) for n in sorted(SCENARIOS) for v in CAPTURE_OPTIONS],
)
def test_one_more_kind_of_capture_never_lowers_an_inherent_level(name, value):
    before = _report(name)
    after = _score(_with_captured(name, {value}))
    for old, new in zip(before.risks, after.risks, strict=True):
        assert _rank(new.inherent.level) >= _rank(old.inherent.level), (new.id, value)


def _assert_explained(report: RiskReport) -> None:
    for risk in report.risks:
        for rating in (risk.inherent, risk.residual, risk.residual_now, risk.residual_if_all):
            assert rating.because, risk.id
            assert all(reason.text for reason in rating.because), risk.id
        inherent_axes = {reason.axis for reason in risk.inherent.because}
        assert {"likelihood", "severity", "level"} <= inherent_axes, risk.id
        for rating in (risk.residual, risk.residual_now, risk.residual_if_all):
            assert {"level"} <= {reason.axis for reason in rating.because}, risk.id
    for key, headline in report.headline.items():
        assert headline.because, key
        assert all(reason.text for reason in headline.because), key
    assert report.screening.because


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(sorted(SCENARIOS)),
    extra=st.sets(st.sampled_from(CAPTURE_OPTIONS)),
    measures=st.sets(st.sampled_from(MEASURE_IDS)),
)
def test_every_rating_says_why(name, extra, measures):
    assessment = _with_captured(name, extra).model_copy(
        update={"plan": _with_plan(name, measures).plan}
    )
    _assert_explained(_score(assessment))


# --- What each measure is credited with -----------------------------------------------------------

CATALOGUE = catalogue_for(_questionnaire())


def _counted(report: RiskReport) -> list[Counted]:
    """The measures of the "if all" view in the documented order: in place (catalogue order),
    planned by due date, then recommended (catalogue order)."""
    status = {m.id: m for m in report.mitigations}
    in_catalogue = [m for m in CATALOGUE.measures if m.reduces]

    def of(state: str) -> list[Counted]:
        return [
            Counted(m, state, due=status[m.id].due)
            for m in in_catalogue
            if status[m.id].status == state
        ]

    planned = sorted(of("planned"), key=lambda c: c.due or dt.date.max)
    return of("implemented") + planned + of("recommended")


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(SCENARIOS)), measures=st.sets(st.sampled_from(MEASURE_IDS)))
def test_no_measure_is_credited_more_than_the_change_it_makes(name, measures):
    """Recomputed from scratch with the measures before it, and with it, each credit is exactly
    the step on its axis; credits never exceed the catalogue steps and add up to the drop."""
    assessment = _with_plan(name, measures)
    report = _score(assessment)
    context = Context(_questionnaire(), assessment, AS_OF)
    counted = _counted(report)
    position = {c.measure.id: i for i, c in enumerate(counted)}
    for result in report.risks:
        risk = CATALOGUE.risk(result.id)
        for effect in result.effects:
            before = counted[: position[effect.measure]]
            upto = counted[: position[effect.measure] + 1]
            value_before = axis_value(risk, result.inherent, effect.axis, before, context)
            value_after = axis_value(risk, result.inherent, effect.axis, upto, context)
            assert (effect.before, effect.after) == (value_before, value_after), effect
            assert effect.credited == value_before - value_after
            assert 0 <= effect.credited <= effect.steps, effect
            assert bool(effect.note) is (effect.credited < effect.steps), effect
        for axis in ("likelihood", "severity"):
            credited = sum(e.credited for e in result.effects if e.axis == axis)
            assert credited == getattr(result.inherent, axis) - getattr(
                result.residual_if_all, axis
            ), (result.id, axis)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(SCENARIOS)), measures=st.sets(st.sampled_from(MEASURE_IDS)))
def test_each_view_counts_more_and_rates_no_higher_than_the_one_before(name, measures):
    report = _score(_with_plan(name, measures))
    for risk in report.risks:
        views = (risk.inherent, risk.residual_now, risk.residual, risk.residual_if_all)
        for earlier, later in itertools.pairwise(views):
            assert later.likelihood <= earlier.likelihood, risk.id
            assert later.severity <= earlier.severity, risk.id
    ranks = [
        _rank(getattr(report, view))
        for view in (
            "overall_inherent",
            "overall_residual_now",
            "overall_residual_at_start",
            "overall_residual",
            "overall_residual_if_all",
        )
    ]
    assert ranks == sorted(ranks, reverse=True)
    assert report.prior_consultation_required is (report.overall_residual_at_start == "high")
