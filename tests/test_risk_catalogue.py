"""The real risk catalogue as a DPO reads it: complete against the domain brief, every id
documented in docs/methodology.md, and every rule backed by the law it rests on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dpia._library import questionnaire_for
from dpia.risk import catalogue_for

DOCS = Path(__file__).resolve().parent.parent / "docs" / "methodology.md"
CATALOGUE = catalogue_for(questionnaire_for("telemetry-for-ai@1.2.0"))


def _documented_ids() -> set[str]:
    return set(re.findall(r"`([a-z][a-z0-9_]*)`", DOCS.read_text(encoding="utf-8")))


def _catalogue_ids() -> list[tuple[str, str]]:
    screening = CATALOGUE.screening
    groups = {
        "risk": CATALOGUE.risks,
        "measure": CATALOGUE.measures,
        "stop finding": CATALOGUE.stop_findings,
        "penalty": CATALOGUE.penalties,
        "obligation": CATALOGUE.obligations,
        "completeness check": CATALOGUE.completeness,
        "AI Act classification": CATALOGUE.ai_act,
        "screening criterion": (*screening.art35_3, *screening.wp248, *screening.national_lists),
    }
    return [(kind, item.id) for kind, items in groups.items() for item in items]


@pytest.mark.parametrize(("kind", "item_id"), _catalogue_ids())
def test_every_catalogue_id_is_documented(kind, item_id):
    assert item_id in _documented_ids(), f"{kind} {item_id!r} is missing from {DOCS.name}"


def test_the_fourteen_risk_families_inaccurate_outputs_and_vendor_control_are_covered():
    assert {risk.family for risk in CATALOGUE.risks} == {f"R{n}" for n in range(1, 17)}
    assert CATALOGUE.risk("inaccurate_outputs").family == "R15"
    assert CATALOGUE.risk("vendor_control").family == "R16"
    for risk in CATALOGUE.risks:
        assert len(risk.rules) >= 2, risk.id


def test_every_measure_kind_is_documented_and_shared_kinds_are_named():
    documented = _documented_ids()
    kinds = [m.kind for m in CATALOGUE.measures if m.reduces]
    assert all(kinds), "every measure that lowers a rating has a kind"
    for kind in kinds:
        assert kind in DOCS.read_text(encoding="utf-8"), kind
    shared = {k for k in kinds if kinds.count(k) > 1}
    assert shared <= documented, sorted(shared - documented)


def test_the_national_lists_of_the_netherlands_ireland_and_italy_are_present():
    listed = {code for c in CATALOGUE.screening.national_lists for code in c.jurisdictions}
    assert {"NL", "IE", "IT"} <= listed


def test_the_brief_measures_m1_to_m26_are_present():
    numbers = {int(m.id[1:3]) for m in CATALOGUE.measures if re.match(r"m\d\d_", m.id)}
    assert set(range(1, 27)) <= numbers
    for measure in CATALOGUE.measures:
        assert measure.legal, measure.id
        if measure.id != "m26_prior_consultation_readiness":
            assert measure.reduces, measure.id
            assert measure.implemented_when, measure.id


def test_the_nine_wp248_criteria_and_the_three_art35_3_cases_are_present():
    assert [c.id[:2] for c in CATALOGUE.screening.wp248] == [f"c{n}" for n in range(1, 10)]
    assert len(CATALOGUE.screening.art35_3) == 3
    listed = {code for c in CATALOGUE.screening.national_lists for code in c.jurisdictions}
    assert {"FR", "DE", "UK", "ES", "PL"} <= listed


def test_every_rule_and_finding_names_its_legal_source():
    for risk in CATALOGUE.risks:
        for rule in risk.rules:
            assert rule.legal, f"{risk.id}.{rule.id}"
        for floor in risk.floors:
            assert floor.legal, risk.id
    for finding in CATALOGUE.stop_findings:
        assert finding.legal, finding.id
    for obligation in CATALOGUE.obligations:
        assert obligation.legal, obligation.id
        assert obligation.met_when is None or obligation.gap, obligation.id


def test_maxima_are_labelled_as_statutory_ceilings():
    for penalty in CATALOGUE.penalties:
        assert re.search(r"\bup to\b|greater of|for each violation", penalty.formula), penalty.id


@pytest.mark.parametrize("name", ["telemetry-for-ai", "cnil-pia"])
def test_no_catalogue_text_repeats_the_unit_its_answer_is_written_with(name):
    """An answer goes into a sentence as the document shows it, unit included ("5,000 people"),
    so a text that adds the unit again reads "5,000 people people"."""
    root = Path(__file__).resolve().parent.parent / "questionnaires"
    from dpia.questionnaire import load_questionnaire

    questionnaire = load_questionnaire(root / f"{name}.yaml")
    units = {q.id: q.unit for _, q in questionnaire.questions() if getattr(q, "unit", "")}
    text = (root / f"{name}.risks.yaml").read_text(encoding="utf-8")
    doubled = [
        match[0]
        for match in re.finditer(r"\{\{\s*(\w+)\s*\}\}\s+(\S+)", text)
        if match[1] in units and match[2].strip(",.;:)").lower() == units[match[1]].lower()
    ]
    assert doubled == []
