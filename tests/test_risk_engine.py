"""The engine's arithmetic on a small catalogue whose every rating can be worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dpia import CatalogueError
from dpia._assessment import Assessment, AssessmentMeta, PlannedMeasure
from dpia._source import read_source
from dpia.questionnaire import load_questionnaire
from dpia.risk import assess, level_of, load_catalogue
from dpia.risk._loader import catalogue_from_source

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire(FIXTURES / "mini.yaml")


@pytest.fixture(scope="module")
def catalogue(questionnaire):
    return load_catalogue(FIXTURES / "mini.risks.yaml", questionnaire)


def _assessment(plan=None, **answers) -> Assessment:
    meta = AssessmentMeta(title="T", organisation="O", assessor="A", date=dt.date(2026, 5, 1))
    return Assessment(questionnaire="mini@1.0", meta=meta, answers=answers, plan=plan or {})


def _risk(report, risk_id):
    return next(r for r in report.risks if r.id == risk_id)


def test_matrix_corners():
    assert level_of(1, 1) == "low"
    assert level_of(4, 1) == "low"
    assert level_of(1, 4) == "medium"
    assert level_of(2, 4) == "high"
    assert level_of(3, 3) == "high"
    assert level_of(2, 3) == "medium"
    assert level_of(4, 2) == "medium"


def test_rules_set_then_raise(questionnaire, catalogue):
    report = assess(
        questionnaire,
        _assessment(headcount=10, captured=["keystroke_content", "screenshots"]),
        as_of=AS_OF,
        catalogue=catalogue,
    )
    chilling = _risk(report, "chilling_effect")
    assert (chilling.inherent.likelihood, chilling.inherent.severity) == (4, 3)
    assert chilling.inherent.level == "high"
    fired = {r.rule for r in chilling.inherent.because}
    assert {"chilling_content", "chilling_screens", "matrix"} <= fired
    content = next(r for r in chilling.inherent.because if r.rule == "chilling_content")
    assert content.answers == {"captured": "Keystroke content; Screenshots"}
    assert "Keystroke content; Screenshots" in content.text


def test_no_rule_fired_still_explains(questionnaire, catalogue):
    report = assess(questionnaire, _assessment(), as_of=AS_OF, catalogue=catalogue)
    for risk in report.risks:
        assert (risk.inherent.likelihood, risk.inherent.severity) == (1, 1)
        axes = {r.axis for r in risk.inherent.because}
        assert {"likelihood", "severity", "level"} <= axes
        assert all(r.text for r in risk.inherent.because)


def test_implemented_measure_lowers_residual_but_not_below_floor(questionnaire, catalogue):
    report = assess(
        questionnaire,
        _assessment(
            plan={"opt_in": PlannedMeasure(owner="HR", due=dt.date(2026, 9, 1))},
            headcount=10,
            captured=["keystroke_content"],
            basis="legitimate_interests",
        ),
        as_of=AS_OF,
        catalogue=catalogue,
    )
    chilling = _risk(report, "chilling_effect")
    assert (chilling.inherent.likelihood, chilling.inherent.severity) == (3, 3)
    assert (chilling.residual.likelihood, chilling.residual.severity) == (2, 3)
    assert chilling.residual.level == "medium"
    assert chilling.measures == ("opt_in",)
    opt_in = next(m for m in report.mitigations if m.id == "opt_in")
    assert (opt_in.status, opt_in.owner, opt_in.due) == ("planned", "HR", dt.date(2026, 9, 1))
    assert any(r.axis == "floor" for r in chilling.residual.because)


def test_implemented_when_answers_show_it(questionnaire, catalogue):
    report = assess(
        questionnaire,
        _assessment(headcount=10, captured=["timing"]),
        as_of=AS_OF,
        catalogue=catalogue,
    )
    no_content = next(m for m in report.mitigations if m.id == "no_content")
    assert no_content.status == "implemented"
    assert no_content.because[0].answers == {"captured": "Keystroke timing"}


def test_stop_finding_and_prior_consultation(questionnaire, catalogue):
    report = assess(
        questionnaire,
        _assessment(basis="consent", countries=["de"]),
        as_of=AS_OF,
        catalogue=catalogue,
    )
    assert report.stop
    assert report.stop_findings[0].verdict == "do_not_proceed"
    assert report.prior_consultation_required
    assert report.overall_residual == "high"
    assert report.headline["consent_gap"].level == "high"
    assert report.headline["legal_exposure"].level == "high"


def test_statutory_maximum_from_turnover_and_headcount(questionnaire, catalogue):
    report = assess(
        questionnaire,
        _assessment(
            basis="consent",
            countries=["de", "us_ca"],
            staff=[
                {"jurisdiction": "de", "headcount": 100},
                {"jurisdiction": "us_ca", "headcount": 10},
            ],
            turnover=1_000_000_000,
        ),
        as_of=AS_OF,
        catalogue=catalogue,
    )
    by_code = {j.jurisdiction: j for j in report.legal_exposure}
    assert set(by_code) == {"EU", "US-CA"}
    assert by_code["EU"].headcount == 100
    assert by_code["EU"].statutory_maximum == {"EUR": 40_000_000.0}
    assert by_code["US-CA"].statutory_maximum == {"USD": 26_630.0}


def test_screening_counts_criteria_and_national_lists(questionnaire, catalogue):
    report = assess(
        questionnaire,
        _assessment(countries=["de"], headcount=5, captured=["keystroke_content"]),
        as_of=AS_OF,
        catalogue=catalogue,
    )
    assert report.dpia_required == "required"
    assert [r.rule for r in report.screening.national_lists] == ["de_dsk_item_7"]
    only_one = assess(questionnaire, _assessment(), as_of=AS_OF, catalogue=catalogue)
    assert only_one.dpia_required == "likely"


def test_report_is_json_serialisable(questionnaire, catalogue):
    report = assess(questionnaire, _assessment(basis="consent"), as_of=AS_OF, catalogue=catalogue)
    dumped = report.model_dump(mode="json")
    for key in (
        "dpia_required",
        "overall_inherent",
        "overall_residual",
        "prior_consultation_required",
        "stop",
        "headline",
        "risks",
        "mitigations",
        "legal_exposure",
        "completeness",
    ):
        assert key in dumped
    assert type(report).model_validate(dumped) == report


def test_catalogue_errors_are_located(questionnaire, tmp_path):
    text = (FIXTURES / "mini.risks.yaml").read_text()
    broken = text.replace(
        "when: \"basis == 'consent'\"\n        likelihood: 4",
        "when: \"basis == 'consent' and nonsense\"\n        likelihood: 4",
    )
    broken = broken.replace(
        "risk: consent_gap, axis: likelihood", "risk: consent_gapp, axis: likelihood"
    )
    source = read_source(broken.encode(), name="mini.risks.yaml")
    with pytest.raises(CatalogueError) as caught:
        catalogue_from_source(source, questionnaire)
    messages = [str(p) for p in caught.value.problems]
    assert any("risks[1].rules[0].when: unknown name: nonsense" in m for m in messages)
    assert any("measures[1].reduces[1].risk: unknown risk 'consent_gapp'" in m for m in messages)
    lines = text.splitlines()
    when_line = next(
        i for i, line in enumerate(lines, 1) if "basis == 'consent'\"" in line and "when" in line
    )
    assert any(m.startswith(f"mini.risks.yaml:{when_line}:") for m in messages)
