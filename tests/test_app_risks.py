"""The Risks page: what a DPO reads first, and how planning a measure moves the ratings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from app_support import archive, archive_url, fresh_app, import_answers, no_failures

from dpia._vocabulary import HIGHEST_MAXIMUM, NOT_AT_STAKE, OBLIGATION_STATUS

__all__ = ["archive", "archive_url"]

RISKS = "dpia/app/pages/risks.py"


def risks_page(app):
    return app.switch_page(RISKS).run()


def metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def register_labels(app) -> list[str]:
    return [e.label for e in app.expander if " → " in e.label]


def test_headline_ratings_and_stop_banners_come_first(archive_url):
    app = risks_page(import_answers(fresh_app()))
    assert not app.exception
    assert "Stop: Do not proceed" in app.error[0].value
    assert "Consent cannot be the only basis" in app.error[0].value
    assert "Prior consultation required (GDPR Art. 36)" in app.warning[0].value
    shown = [m.value for m in app.markdown]
    for name in ("Chilling effect", "Consent gap", "Legal exposure"):
        assert shown[shown.index(f"**{name}**") + 1] == ":red-badge[High]"
    assert shown.index("**Chilling effect**") < shown.index("**Legal exposure**")
    shown = metrics(app)
    assert shown["DPIA"] == "Required"
    assert shown["Before measures"] == "High"
    assert shown[HIGHEST_MAXIMUM] in ("EUR 80,000,000", "USD 79,890")


def test_register_explains_each_rating_with_its_reasons(archive_url):
    app = risks_page(import_answers(fresh_app()))
    assert register_labels(app) == [
        "**Chilling effect**: :red[High] → :red[High]",
        "**Consent gap**: :red[High] → :red[High]",
    ]
    text = "\n".join(m.value for m in app.expander[0].markdown)
    assert "Everything typed is recorded" in text
    assert "GDPR Art. 88(2)" in text
    assert "Likelihood 4 (maximum) × severity 3 (significant)" in text


def test_planning_a_measure_lowers_the_residual_risk_at_once_and_saves_the_plan(archive):
    app = risks_page(import_answers(fresh_app()))
    app.checkbox(key="q-plan-no_content").check().run()
    assert any("Give an owner and a due date" in w.value for w in app.warning)
    assert register_labels(app)[0].endswith(":red[High]")  # not counted without an owner
    app.text_input(key="q-plan-no_content-owner").input("Head of data science").run()
    app.date_input(key="q-plan-no_content-due").set_value(dt.date(2026, 10, 1)).run()
    assert not app.exception
    assert [e.value for e in app.error if not e.value.startswith("**Stop")] == []
    assert register_labels(app)[0] == "**Chilling effect**: :red[High] → :orange[Medium]"
    assessment_id = app.session_state["dpia.case"].assessment_id
    saved = archive.draft(assessment_id).answers["plan"]
    assert saved == {
        "no_content": {"owner": "Head of data science", "due": "2026-10-01", "note": ""}
    }

    app.checkbox(key="q-plan-no_content").uncheck().run()
    assert register_labels(app)[0].endswith(":red[High]")
    assert archive.draft(assessment_id).answers["plan"] == {}


def test_legal_exposure_lists_each_jurisdiction_with_its_gaps(archive_url):
    app = risks_page(import_answers(fresh_app()))
    places = [e.label for e in app.expander if " people, " in e.label]
    assert places == [
        "**European Union (GDPR, AI Act)**: 120 people, 1 gap",
        "**California**: 30 people, 1 gap",
    ]
    assert any("ceiling, not an estimate" in c.value for c in app.caption)


def test_a_met_obligation_puts_no_penalty_at_stake(archive_url, monkeypatch):
    """As in the document: the ceiling is taken over what is not met, and a met duty's row
    names no penalty, so nobody reads a maximum against a duty the programme fulfils."""
    monkeypatch.delenv("DPIA_QUESTIONNAIRES", raising=False)  # the shipped questionnaires
    example = Path(__file__).parent.parent / "examples" / "scenario-a-keystroke-content.yaml"
    app = risks_page(import_answers(fresh_app(), example.read_bytes(), example.name))
    rows = [row for table in app.table for row in table.value.to_dict("records")]
    met = [row for row in rows if row["Status"] == OBLIGATION_STATUS["met"]]
    others = [row for row in rows if row["Status"] != OBLIGATION_STATUS["met"]]
    assert met and others
    assert {row["Maximum"] for row in met} == {NOT_AT_STAKE}
    assert NOT_AT_STAKE not in {row["Maximum"] for row in others}
    assert any(row["Maximum"] for row in others)


def test_without_an_open_assessment_the_page_points_to_the_list(archive_url):
    app = fresh_app().switch_page(RISKS).run()
    no_failures(app)
    assert "No assessment is open" in app.info[0].value


def test_planned_measures_are_not_shown_as_done_and_why_names_what_lowers(archive):
    app = risks_page(import_answers(fresh_app()))
    app.checkbox(key="q-plan-no_content").check().run()
    app.text_input(key="q-plan-no_content-owner").input("Head of data science").run()
    app.date_input(key="q-plan-no_content-due").set_value(dt.date(2026, 10, 1)).run()
    shown = [m.value for m in app.markdown]
    card = shown[shown.index("**Chilling effect**") + 2]
    assert card == (
        "Now: :red[**High**] · After the plan: :orange[**Medium**] · "
        "If all recommendations: :green[**Low**]"  # the voluntary opt-in would lower it more
    )
    assert {m.label: m.value for m in app.metric}.items() >= {
        "Before measures": "High",
        "Now": "High",
        "After the plan": "High",  # the consent gap stays high whatever is planned
    }.items()
    why = app.get("popover")[0]  # the first card, the chilling effect
    assert why.proto.popover.label == "Why?"
    text = "\n".join(m.value for m in why.markdown)
    assert "**What raises it**" in text and "**What lowers it or keeps it low**" in text
    lowers = text.split("**What lowers it or keeps it low**")[1]
    assert "No content capture (planned, due 1 October 2026) lowers likelihood" in lowers
    raises = text.split("**What lowers it or keeps it low**")[0]
    assert "Everything typed is recorded" in raises and "lowers" not in raises


def _markers(chart) -> dict[tuple[str, str], int]:
    """Risks per cell, as the map's markers say (likelihood, severity) → count."""
    spec = json.loads(chart.proto.spec)
    rows = [row for rows in spec.get("datasets", {}).values() for row in rows]
    rows += [row for layer in spec["layer"] for row in layer.get("data", {}).get("values", [])]
    return {(r["likelihood"], r["severity"]): r["count"] for r in rows if "count" in r}


def test_the_maps_place_each_risk_where_the_register_rates_it(archive_url):
    app = risks_page(import_answers(fresh_app()))
    charts = app.get("vega_lite_chart")
    assert len(charts) == 2
    before, after = (_markers(chart) for chart in charts)
    expected = {("4 maximum", "3 significant"): 2}
    assert before == expected
    assert after == expected
    app.checkbox(key="q-plan-no_content").check().run()
    app.text_input(key="q-plan-no_content-owner").input("Head of data science").run()
    app.date_input(key="q-plan-no_content-due").set_value(dt.date(2026, 10, 1)).run()
    moved = _markers(app.get("vega_lite_chart")[1])
    assert sum(moved.values()) == 2 and moved != expected


def test_the_register_says_what_each_measure_changed_as_the_document_does(archive):
    app = risks_page(import_answers(fresh_app()))
    app.checkbox(key="q-plan-no_content").check().run()
    app.text_input(key="q-plan-no_content-owner").input("Head of data science").run()
    app.date_input(key="q-plan-no_content-due").set_value(dt.date(2026, 10, 1)).run()
    text = "\n".join(m.value for m in app.expander[0].markdown)
    assert "Measures counted" not in text
    changed = next(line for line in text.splitlines() if "What the measures changed" in line)
    assert "No content capture (L " in changed and "→" in changed
    assert "step" not in changed  # what it changed, never a nominal step
