"""The Risks page: headline ratings first, then the map, the register, the law and the plan.

A DPO reads a risk page top down: is there a reason to stop, what are the three headline
ratings, then why. Every rating is shown with the reasons the engine gave for it, and the
measure planner sits on the same page so that planning a measure moves the ratings at once.
"""

from __future__ import annotations

import streamlit as st

from .._errors import AnswersError, StaleDraftError
from .._vocabulary import DPIA_REQUIRED, HEADLINE, HEADLINE_MEANING, VERDICT, long_date
from ..questionnaire import Questionnaire
from ..risk import SCALE, Rating, Reason, RiskReport
from ._archive_link import save_draft
from ._exposure_view import show_exposure
from ._frame import PAGES, open_assessment_or_stop
from ._levels import LEVEL_COLOURS, level_badge, level_word
from ._messages import stale_draft_text
from ._planner import plan_measures, plan_table
from ._reporting import case_report
from ._risk_map import risk_map
from ._users import current_user

__all__ = ["show_risks"]

HEADLINES = {key: (name, HEADLINE_MEANING[key]) for key, name in HEADLINE.items()}
_HEADLINE_AXES = ("likelihood", "severity", "finding", "floor")
_LOWER = "lower than before measures"
_HIGHER = "higher than before measures"
_AXIS_WORDS = {"likelihood": "likelihood", "severity": "severity"}


def show_risks() -> None:
    case = open_assessment_or_stop()
    user = current_user()
    st.title("Risks")
    st.caption(case.title)
    try:
        questionnaire, _, report = case_report(case)
    except AnswersError:
        st.warning(
            "Some answers do not fit their questions yet, so the risks cannot be rated. "
            "Go back to the wizard: the fields are marked there.",
            icon=":material/warning:",
        )
        st.page_link(PAGES["wizard"], label="Open the wizard", icon=":material/checklist:")
        return
    top = st.container()
    tabs = st.tabs(["Risk map", "Risk register", "Legal exposure", "Measure plan", "Screening"])
    with tabs[3]:
        st.subheader("Measure plan")
        if user.can_edit:
            before = {k: dict(v) for k, v in case.plan.items()}
            plan_measures(case, report)
            if case.plan != before:
                questionnaire, _, report = case_report(case)
                _save_plan(case, questionnaire, user.actor)
        else:
            plan_table(report)
    with top:
        _banners(report)
        _headline(report)
    with tabs[0]:
        _maps(report)
    with tabs[1]:
        _register(report, questionnaire)
    with tabs[2]:
        show_exposure(report)
    with tabs[4]:
        _screening(report)


def _save_plan(case, questionnaire: Questionnaire, actor: str) -> None:
    try:
        save_draft(case, questionnaire, actor=actor)
    except StaleDraftError as exc:
        text = stale_draft_text(exc, actor).replace("Not saved:", "The plan was not saved:", 1)
        st.error(text, icon=":material/sync_problem:")
    except AnswersError as exc:
        st.error(f"The plan was not saved: {exc}", icon=":material/error:")
    else:
        st.toast("Measure plan saved", icon=":material/cloud_done:")


def _banners(report: RiskReport) -> None:
    for finding in report.stop_findings:
        legal = "; ".join(finding.legal)
        cure = (
            " Consulting the supervisory authority can clear this."
            if finding.consultation_can_cure
            else ""
        )
        st.error(
            f"**Stop: {VERDICT[finding.verdict]}.** {finding.reason} ({legal}).{cure}",
            icon=":material/block:",
        )
    if report.prior_consultation_required:
        st.warning(
            "**Prior consultation required (GDPR Art. 36).** "
            + (report.prior_consultation_note or "A high residual risk remains after measures."),
            icon=":material/gavel:",
        )


def _headline(report: RiskReport) -> None:
    shown = [key for key in report.headline if key in HEADLINES]
    cards = st.columns(max(len(shown), 1))
    for card, key in zip(cards, shown, strict=False):
        name, meaning = HEADLINES[key]
        rating = report.headline[key]
        with card.container(border=True, key=f"headline-{key}"):
            st.markdown(f"**{name}**")
            level_badge(rating.level)
            st.caption(meaning)
            reasons = _distinct_texts(rating.because)
            if reasons:
                with st.popover("Why?", width="stretch"):
                    for text in reasons:
                        st.markdown(f"- {text}")
    summary = st.columns(3)
    summary[0].metric("DPIA", DPIA_REQUIRED[report.dpia_required], help="Screening result")
    if not report.risks:
        summary[1].metric("Before measures", "Not rated")
        summary[2].metric("After measures", "Not rated")
        return
    summary[1].metric("Before measures", level_word(report.overall_inherent))
    movement = _movement(report.overall_inherent, report.overall_residual)
    summary[2].metric(
        "After measures",
        level_word(report.overall_residual),
        delta=movement,
        delta_color="green" if movement == _LOWER else "red",
        delta_arrow="down" if movement == _LOWER else "up",
    )


def _movement(before: str, after: str) -> str | None:
    """Words, not a number: a string delta would otherwise be drawn as a rise in red."""
    if before == after:
        return None
    order = ["low", "medium", "high"]
    return _LOWER if order.index(after) < order.index(before) else _HIGHER


def _distinct_texts(reasons: tuple[Reason, ...]) -> list[str]:
    seen: list[str] = []
    for reason in reasons:
        if reason.text and reason.text not in seen and reason.axis in _HEADLINE_AXES:
            seen.append(reason.text)
    return seen


def _maps(report: RiskReport) -> None:
    before, after = st.columns(2)
    with before:
        st.markdown("**Before measures** (inherent risk)")
        st.altair_chart(risk_map(report, "inherent"), width="stretch")
    with after:
        st.markdown("**After measures** (residual risk)")
        st.altair_chart(risk_map(report, "residual"), width="stretch")
    st.caption(
        f"Rated under the law in force on {long_date(report.as_of)}, the assessment's date "
        "(change it in the wizard to rate under another date). Likelihood and severity use "
        "the four CNIL levels; "
        "cells are green for a low, amber for a medium and red for a high level. A marker's "
        "number is how many risks share that cell (hover for their names)."
    )


def _rating_line(rating: Rating) -> str:
    return (
        f"Likelihood {rating.likelihood} ({SCALE[rating.likelihood]}) × severity "
        f"{rating.severity} ({SCALE[rating.severity]}) = **{level_word(rating.level)}**"
    )


def _register(report: RiskReport, questionnaire: Questionnaire) -> None:
    measures = {m.id: m.title for m in report.mitigations}
    for risk in report.risks:
        before, after = risk.inherent.level, risk.residual.level
        label = (
            f"**{risk.title}**: :{LEVEL_COLOURS[before]}[{level_word(before)}] → "
            f":{LEVEL_COLOURS[after]}[{level_word(after)}]"
        )
        with st.expander(label, key=f"risk-{risk.id}"):
            st.markdown(risk.description)
            left, right = st.columns(2)
            with left:
                st.markdown("**Before measures**")
                st.markdown(_rating_line(risk.inherent))
                _reasons(risk.inherent.because, questionnaire)
            with right:
                st.markdown("**After measures**")
                st.markdown(_rating_line(risk.residual))
                _reasons(risk.residual.because, questionnaire)
            if risk.measures:
                st.markdown(
                    "**Measures counted:** " + "; ".join(measures.get(m, m) for m in risk.measures)
                )


def _reasons(reasons: tuple[Reason, ...], questionnaire: Questionnaire) -> None:
    """Each reason once, named by the axes it moved: the engine gives one per axis."""
    merged: dict[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], list[str]] = {}
    for reason in reasons:
        same = (reason.text or f"({reason.rule})", reason.legal, tuple(reason.answers.items()))
        axes = merged.setdefault(same, [])
        if reason.axis in _AXIS_WORDS and _AXIS_WORDS[reason.axis] not in axes:
            axes.append(_AXIS_WORDS[reason.axis])
    for (text, legal, answers), axes in merged.items():
        line = f"- *{' and '.join(axes).capitalize()}:* {text}" if axes else f"- {text}"
        if legal:
            line += f" *({'; '.join(legal)})*"
        st.markdown(line)
        for question_id, answer in answers:
            try:
                asked = questionnaire.question(question_id).label
            except KeyError:
                asked = question_id
            joint = " " if asked.rstrip().endswith(("?", ":")) else ": "
            st.caption(f"{asked}{joint}{answer}")


def _screening(report: RiskReport) -> None:
    if report.dpia_required == "not_screened":
        st.markdown(f"**{DPIA_REQUIRED[report.dpia_required]}.**")
    else:
        st.markdown(f"**A DPIA is {DPIA_REQUIRED[report.dpia_required].lower()}.**")
    for title, reasons in (
        ("GDPR Art. 35(3) cases", report.screening.art35_3),
        ("EDPB criteria (WP248)", report.screening.wp248),
        ("National lists", report.screening.national_lists),
    ):
        if reasons:
            st.markdown(f"**{title}**")
            for reason in reasons:
                st.markdown(f"- {reason.text}")
    if report.completeness:
        st.markdown("**Still missing from the DPIA**")
        for item in report.completeness:
            st.markdown(f"- {item.article}: {item.text}")
