"""The residual arithmetic of docs/methodology.md §4 on a catalogue small enough to follow by
hand: kinds count once, each measure is credited the change it makes, floors (on an axis or a
level) hold until a measure lifts them, the views count more measures one after the other, and
AI Act classes come with their duties."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from dpia import CatalogueError
from dpia._assessment import Assessment, AssessmentMeta, PlannedMeasure
from dpia._source import read_source
from dpia.questionnaire import load_questionnaire
from dpia.risk import assess
from dpia.risk._loader import catalogue_from_source

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = dt.date(2026, 6, 1)

CATALOGUE = """\
questionnaire: mini@1.0
inputs: {jurisdictions: countries, headcount_table: staff, turnover: turnover}
headline: {chilling_effect: chilling_effect, consent_gap: consent_gap}
screening:
  wp248:
    - {id: c3, title: Systematic monitoring, when: "captured | length > 0"}
risks:
  - id: chilling_effect
    title: Chilling effect
    family: R3
    kind: design
    description: People hold back because they feel watched.
    rules:
      - id: content
        when: "'keystroke_content' in captured"
        likelihood: 4
        severity: 3
        rationale: Typed text is kept.
      - {id: timing, when: "'timing' in captured", likelihood: 4, severity: 2, rationale: Timing.}
    floors:
      - when: "basis == 'consent'"
        level: medium
        lifted_by: [opt_in]
        rationale: Consent at work keeps it at least medium until only volunteers take part.
  - id: consent_gap
    title: Consent gap
    family: R4
    kind: design
    description: The legal basis does not hold.
    rules:
      - {id: consent_only, when: "basis == 'consent'", likelihood: 4, severity: 3, rationale: Work.}
      - id: interests
        when: "basis == 'legitimate_interests'"
        likelihood: 3
        severity: 3
        rationale: Interests at work.
    floors:
      - {when: "basis == 'consent'", likelihood: 3, rationale: No safeguard cures consent.}
measures:
  - id: short_retention
    title: Thirty days
    description: Raw events kept thirty days.
    kind: retention
    reduces: [{risk: chilling_effect, axis: likelihood, steps: 2}]
    implemented_when: "retention | length > 0"
  - id: fixed_schedule
    title: Six months
    description: Raw events kept six months.
    kind: retention
    reduces: [{risk: chilling_effect, axis: likelihood, steps: 1}]
  - id: notice
    title: Notice
    description: People are told.
    reduces:
      - {risk: chilling_effect, axis: likelihood, steps: 1}
      - {risk: consent_gap, axis: likelihood, steps: 1}
  - id: opt_in
    title: Volunteers only
    description: Only volunteers take part.
    reduces:
      - {risk: chilling_effect, axis: likelihood, steps: 1}
      - {risk: consent_gap, axis: likelihood, steps: 1}
obligations:
  - id: ai_duty
    jurisdiction: EU
    law: AI Act
    title: Deployer duties
    applies_when: "headcount > 0"
ai_act:
  - id: annex_iii_4b
    classification: high_risk
    title: "High-risk AI system (Annex III point 4(b))"
    when: "headcount > 10"
    rationale: "{{ headcount }} are evaluated"
    duties: [ai_duty]
"""


@pytest.fixture(scope="module")
def questionnaire():
    return load_questionnaire(FIXTURES / "mini.yaml")


def _catalogue(questionnaire, text: str = CATALOGUE):
    return catalogue_from_source(
        read_source(text.encode(), name="method.risks.yaml"), questionnaire
    )


def _report(questionnaire, plan=None, **answers):
    meta = AssessmentMeta(title="T", organisation="O", assessor="A", date=dt.date(2026, 5, 1))
    assessment = Assessment(questionnaire="mini@1.0", meta=meta, answers=answers, plan=plan or {})
    return assess(questionnaire, assessment, as_of=AS_OF, catalogue=_catalogue(questionnaire))


def _risk(report, risk_id):
    return next(r for r in report.risks if r.id == risk_id)


def _effect(risk, measure_id):
    return next(e for e in risk.effects if e.measure == measure_id)


def _due(day: dt.date) -> PlannedMeasure:
    return PlannedMeasure(owner="Owner", due=day)


CONTENT = {"countries": ["de"], "headcount": 20, "captured": ["keystroke_content"]}


def test_measures_of_one_kind_count_once_with_the_strongest(questionnaire):
    report = _report(
        questionnaire,
        plan={"fixed_schedule": _due(dt.date(2026, 7, 1))},
        retention=[{"data_type": "raw", "days": 30}],
        basis="legitimate_interests",
        **CONTENT,
    )
    chilling = _risk(report, "chilling_effect")
    # 4 minus 2 for the retention kind (30 days; six months adds nothing of its own).
    assert chilling.residual.likelihood == 2
    strongest, weaker = _effect(chilling, "short_retention"), _effect(chilling, "fixed_schedule")
    assert (strongest.before, strongest.after, strongest.credited) == (4, 2, 2)
    assert (weaker.credited, weaker.note) == (
        0,
        "“Thirty days” is a measure of the same kind and already counts 2 steps",
    )


def test_a_measure_is_credited_only_down_to_the_floor(questionnaire):
    report = _report(
        questionnaire,
        plan={"notice": _due(dt.date(2026, 7, 1)), "opt_in": _due(dt.date(2026, 8, 1))},
        basis="consent",
        **CONTENT,
    )
    consent = _risk(report, "consent_gap")
    assert consent.residual.likelihood == 3
    notice, opt_in = _effect(consent, "notice"), _effect(consent, "opt_in")
    assert (notice.before, notice.after, notice.credited) == (4, 3, 1)
    assert (opt_in.credited, opt_in.note) == (0, "the floor of 3 holds")
    text = next(r.text for r in consent.residual.because if r.rule == "opt_in")
    assert text == (
        "Volunteers only (planned, due 1 August 2026): no further effect on likelihood "
        "(the floor of 3 holds)"
    )


def test_a_level_floor_keeps_the_level_and_lifts_with_its_measure(questionnaire):
    answers = {"basis": "consent", "headcount": 20, "captured": ["timing"]}
    # Severity 2: a medium floor keeps likelihood at 3 whatever else is counted.
    held = _risk(
        _report(questionnaire, plan={"notice": _due(dt.date(2026, 7, 1))}, **answers),
        "chilling_effect",
    )
    assert (held.residual.likelihood, held.residual.severity, held.residual.level) == (
        3,
        2,
        "medium",
    )
    lifted = _risk(
        _report(
            questionnaire,
            plan={"notice": _due(dt.date(2026, 7, 1)), "opt_in": _due(dt.date(2026, 7, 2))},
            **answers,
        ),
        "chilling_effect",
    )
    assert lifted.residual.level == "low"
    opt_in = _effect(lifted, "opt_in")
    assert (opt_in.before, opt_in.after) == (3, 2)
    floor = next(r for r in lifted.residual.because if r.axis == "floor")
    assert (
        "no longer holds" in floor.text
        and "(Volunteers only)" in floor.text
        and "opt_in" not in floor.text
    )


def test_the_three_views_and_the_view_at_the_start(questionnaire):
    answers = {
        **CONTENT,
        "basis": "legitimate_interests",
        "retention": [{"data_type": "raw", "days": 30}],
    }
    report = _report(questionnaire, plan={"notice": _due(dt.date(2026, 9, 1))}, **answers)
    consent = _risk(report, "consent_gap")
    assert consent.residual_now.likelihood == 3
    assert consent.residual.likelihood == 2
    assert consent.residual_if_all.likelihood == 1
    # No planned start is asked by this catalogue, so nothing is due after it.
    notice = next(m for m in report.mitigations if m.id == "notice")
    assert notice.status == "planned" and not notice.due_after_start
    assert report.overall_residual_at_start == report.overall_residual


def test_ai_act_classes_list_their_duties_apart_from_the_risk_levels(questionnaire):
    report = _report(
        questionnaire,
        plan={"notice": _due(dt.date(2026, 7, 1))},
        basis="legitimate_interests",
        retention=[{"data_type": "raw", "days": 30}],
        **CONTENT,
    )
    assert report.overall_residual == "medium"
    (item,) = report.ai_act
    assert item.classification == "high_risk" and item.reason == "20 people are evaluated"
    assert [(d.id, d.status) for d in item.duties] == [("ai_duty", "duty")]
    assert "not a prior consultation" in report.prior_consultation_note


def _problems(questionnaire, text: str) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        _catalogue(questionnaire, text)
    return [f"{p.path}: {p.message}" for p in caught.value.problems]


def test_a_floor_can_only_be_lifted_by_a_measure_that_lowers_its_axis(questionnaire):
    text = CATALOGUE.replace("lifted_by: [opt_in]", "lifted_by: [nowhere, short_retention]")
    text = text.replace(
        "reduces: [{risk: chilling_effect, axis: likelihood, steps: 2}]",
        "reduces: [{risk: consent_gap, axis: likelihood, steps: 2}]",
    )
    assert _problems(questionnaire, text) == [
        "risks[0].floors[0].lifted_by[0]: unknown measure 'nowhere'",
        "risks[0].floors[0].lifted_by[1]: 'short_retention' does not lower the likelihood of "
        "'chilling_effect', so it cannot lift this floor",
    ]


def test_a_measure_lowers_each_axis_of_a_risk_once_and_duties_must_exist(questionnaire):
    text = CATALOGUE.replace(
        "    reduces: [{risk: chilling_effect, axis: likelihood, steps: 1}]\n",
        "    reduces:\n"
        "      - {risk: chilling_effect, axis: likelihood, steps: 1}\n"
        "      - {risk: chilling_effect, axis: likelihood, steps: 1}\n",
    ).replace("duties: [ai_duty]", "duties: [ai_duty, missing_duty]")
    assert _problems(questionnaire, text) == [
        "measures[1].reduces[1]: the measure already lowers the likelihood of 'chilling_effect'",
        "ai_act[0].duties[1]: unknown obligation 'missing_duty'",
    ]


def test_a_floor_must_bound_something(questionnaire):
    text = CATALOGUE.replace(
        "likelihood: 3, rationale: No safeguard cures consent.", "rationale: No safeguard."
    )
    problems = _problems(questionnaire, text)
    assert len(problems) == 1 and "a floor must set likelihood, severity or level" in problems[0]


def test_the_catalogue_above_is_what_the_docstring_says(questionnaire):
    assert textwrap.dedent(CATALOGUE) == CATALOGUE
    assert _catalogue(questionnaire).measure("fixed_schedule").kind == "retention"
