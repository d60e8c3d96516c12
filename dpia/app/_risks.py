"""The Risks page: headline ratings first, then the map, the register, the law and the plan.

A DPO reads a risk page top down: is there a reason to stop, what are the three headline
ratings, then why. Every rating is shown with the reasons the engine gave for it, split into
what raises it and what lowers it, and in each view the report rates: now (measures in place),
when processing starts, after the plan, and if every recommendation were adopted, so planned
measures are never mistaken for done ones. The measure planner sits on the same page so that
planning a measure moves the ratings at once.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from .._errors import AnswersError, StaleDraftError
from .._vocabulary import (
    DPIA_REQUIRED,
    HEADLINE,
    HEADLINE_MEANING,
    NO_FURTHER_CHANGE,
    RESIDUAL_VIEW,
    RESIDUAL_VIEW_MEANING,
    VERDICT,
    long_date,
    under_article,
)
from ..questionnaire import Questionnaire
from ..risk import SCALE, Rating, Reason, RiskReport, RiskResult
from ._answers_messages import answers_problems
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
_LOWER = "lower than before measures"
_HIGHER = "higher than before measures"
_AXIS_WORDS = {"likelihood": "likelihood", "severity": "severity"}
_PULL_HEADINGS = (("up", "What raises it"), ("down", "What lowers it or keeps it low"))


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
        found = " ".join(answers_problems(exc, questionnaire, at_lines=False))
        st.error(f"The plan was not saved. {found}", icon=":material/error:")
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
    risks = {r.id: r for r in report.risks}
    cards = st.columns(max(len(shown), 1))
    for card, key in zip(cards, shown, strict=False):
        name, meaning = HEADLINES[key]
        rating = report.headline[key]
        risk = risks.get(rating.risk or "")
        with card.container(border=True, key=f"headline-{key}"):
            st.markdown(f"**{name}**")
            level_badge(rating.level)
            if risk is not None:
                st.markdown(_views_line(risk))
            st.caption(meaning)
            if any(r.pull != "none" for r in rating.because):
                with st.popover("Why?", width="stretch"):
                    _pulls(rating.because)
    _overall(report)


def _views(risk: RiskResult) -> list[tuple[str, Rating]]:
    """The residual views the method rates, in the order a reader follows them."""
    views = [("now", risk.residual_now), ("plan", risk.residual), ("if_all", risk.residual_if_all)]
    return [(view, rating) for view, rating in views if rating is not None]


def _views_line(risk: RiskResult) -> str:
    return " · ".join(
        f"{RESIDUAL_VIEW[view]}: {_level(rating.level)}" for view, rating in _views(risk)
    )


def _level(level: str) -> str:
    return f":{LEVEL_COLOURS[level]}[**{level_word(level)}**]"


def _overall(report: RiskReport) -> None:
    """The overall level in every view, so a planned measure never reads as a done one."""
    if not report.risks:
        st.metric("DPIA", DPIA_REQUIRED[report.dpia_required], help="Screening result")
        st.caption("No risk is rated yet.")
        return
    views = [
        ("now", report.overall_residual_now),
        ("at_start", report.overall_residual_at_start),
        ("plan", report.overall_residual),
        ("if_all", report.overall_residual_if_all),
    ]
    if report.overall_residual_at_start == report.overall_residual:
        views = [v for v in views if v[0] != "at_start"]
    views = [(view, level) for view, level in views if level is not None]
    dpia, inherent, _ = st.columns([2, 1, 1])
    dpia.metric("DPIA", DPIA_REQUIRED[report.dpia_required], help="Screening result")
    inherent.metric(
        RESIDUAL_VIEW["inherent"],
        level_word(report.overall_inherent),
        help=RESIDUAL_VIEW_MEANING["inherent"],
    )
    for column, (view, level) in zip(st.columns(4), views, strict=False):
        movement = _movement(report.overall_inherent, level)
        column.metric(
            RESIDUAL_VIEW[view],
            level_word(level),
            delta=movement,
            delta_color="green" if movement == _LOWER else "red",
            delta_arrow="down" if movement == _LOWER else "up",
            help=RESIDUAL_VIEW_MEANING[view],
        )
    late = [m.title for m in report.mitigations if m.status == "planned" and m.due_after_start]
    if late:
        st.caption(
            "Planned but due after processing starts, so not counted when processing starts: "
            + "; ".join(late)
            + "."
        )


def _pulls(reasons: tuple[Reason, ...]) -> None:
    """What raised the rating and what lowered it, each reason once."""
    for pull, heading in _PULL_HEADINGS:
        texts = _distinct_texts(r for r in reasons if r.pull == pull)
        st.markdown(f"**{heading}**")
        if texts:
            st.markdown("\n".join(f"- {text}" for text in texts))
        else:
            st.caption("Nothing." if pull == "up" else "No measure lowers it yet.")


def _movement(before: str, after: str) -> str | None:
    """Words, not a number: a string delta would otherwise be drawn as a rise in red."""
    if before == after:
        return None
    order = ["low", "medium", "high"]
    return _LOWER if order.index(after) < order.index(before) else _HIGHER


def _distinct_texts(reasons: Iterable[Reason]) -> list[str]:
    seen: list[str] = []
    for reason in reasons:
        text = reason.text[:1].upper() + reason.text[1:]
        if text and text not in seen:
            seen.append(text)
    return seen


def _maps(report: RiskReport) -> None:
    before, after = st.columns(2)
    with before:
        st.markdown(f"**{RESIDUAL_VIEW['inherent']}** (inherent risk)")
        st.vega_lite_chart(risk_map(report, "inherent"), width="stretch")
    with after:
        st.markdown(f"**{RESIDUAL_VIEW['plan']}** (residual risk: measures in place and planned)")
        st.vega_lite_chart(risk_map(report, "residual"), width="stretch")
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
                st.markdown(f"**{RESIDUAL_VIEW['inherent']}**")
                st.markdown(_rating_line(risk.inherent))
                _reasons(risk.inherent.because, questionnaire)
            with right:
                st.markdown("**After measures**")
                for view, rating in _views(risk):
                    st.markdown(f"{RESIDUAL_VIEW[view]}: {_rating_line(rating)}")
                st.caption(f"Why it is {level_word(after)} after the plan:")
                _reasons(risk.residual.because, questionnaire)
            _measure_effects(risk, measures)


def _measure_effects(risk: RiskResult, titles: dict[str, str]) -> None:
    """What each measure in place or planned changed, in the document's words."""
    changes = risk.changes()
    changed = [f"{titles.get(m, m)} ({', '.join(steps)})" for m, steps in changes.items() if steps]
    unchanged = [titles.get(m, m) for m, steps in changes.items() if not steps]
    if changed:
        st.markdown("**What the measures changed:** " + "; ".join(changed))
    if unchanged:
        st.markdown(f"*{NO_FURTHER_CHANGE}:* " + "; ".join(unchanged))
    if not risk.measures:
        st.markdown("*None in place or planned.*")


def _reasons(reasons: tuple[Reason, ...], questionnaire: Questionnaire) -> None:
    """What raises the rating, then what lowers it, then how it follows; each reason once,
    named by the axes it moved (the engine gives one per axis)."""
    for pull, heading in (*_PULL_HEADINGS, ("none", "")):
        group = tuple(r for r in reasons if r.pull == pull)
        if group:
            if heading:
                st.markdown(f"*{heading}:*")
            _reason_lines(group, questionnaire)


def _reason_lines(reasons: tuple[Reason, ...], questionnaire: Questionnaire) -> None:
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
            st.markdown(f"- {under_article(item.article, item.text)}")
