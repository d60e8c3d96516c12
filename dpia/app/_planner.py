"""The mitigation planner: commit to recommended measures, each with an owner and a due date.

A planned measure goes into the assessment's `plan`, and the risk engine counts it as in place
for the residual risk, so the ratings above move as soon as a measure is planned. A measure
only counts once someone is answerable for it by a date: a box ticked without both is kept on
screen with a note, but not written into the plan. Text the document could not carry (a control
character, a noncharacter) is refused at its field and never reaches the plan: a plan the
answers refuse would leave this page with nothing to rate and no field to correct.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from .._text import document_text_fault
from .._vocabulary import long_date
from ..risk import MeasureResult, RiskReport
from ._case import Case
from ._session import field_key

__all__ = ["plan_measures", "plan_table"]

_UNOWNED = (
    "Give an owner and a due date: the measure counts for the residual risk only once someone "
    "is answerable for it by a date."
)


def plan_measures(case: Case, report: RiskReport) -> None:
    """Draw the planner and update `case.plan` from it."""
    risk_titles = {r.id: r.title for r in report.risks}
    open_measures = [m for m in report.mitigations if m.status in ("planned", "recommended")]
    if not open_measures:
        st.info("No further measure in the catalogue applies to these answers.")
    for rank, measure in enumerate(open_measures, start=1):
        with st.container(border=True, key=field_key(f"measure-{measure.id}")):
            _measure(case, measure, rank, risk_titles)
    in_place = [m for m in report.mitigations if m.status == "implemented"]
    if in_place:
        with st.expander(f"In place already, from the answers ({len(in_place)})"):
            for measure in in_place:
                st.markdown(f"**{measure.title}**: {measure.description}")


def _measure(case: Case, measure: MeasureResult, rank: int, risk_titles: dict[str, str]) -> None:
    current: dict[str, Any] = case.plan.get(measure.id, {})
    chosen = st.checkbox(
        f"**{measure.title}**",
        value=measure.id in case.plan,
        key=field_key(f"plan-{measure.id}"),
    )
    details = [measure.description]
    if measure.risks:
        details.append("Reduces: " + ", ".join(risk_titles.get(r, r) for r in measure.risks) + ".")
    if measure.status == "recommended" and measure.gain > 0:
        details.append(f"Recommendation {rank}: ranked by how much residual risk it removes.")
    if measure.legal:
        details.append("Legal basis: " + "; ".join(measure.legal))
    st.caption("  \n".join(details))
    if not chosen:
        case.plan.pop(measure.id, None)
        return
    owner_column, due_column, note_column = st.columns([2, 2, 3])
    owner = owner_column.text_input(
        "Owner",
        value=current.get("owner", ""),
        max_chars=300,
        placeholder="Name or role",
        key=field_key(f"plan-{measure.id}-owner"),
    )
    due = due_column.date_input(
        "Due",
        value=current.get("due"),
        min_value=dt.date(2000, 1, 1),
        format="YYYY-MM-DD",
        key=field_key(f"plan-{measure.id}-due"),
    )
    note = note_column.text_input(
        "Note",
        value=current.get("note", ""),
        max_chars=5000,
        placeholder="Scope, milestones, dependencies",
        key=field_key(f"plan-{measure.id}-note"),
    )
    faults = [
        f"{label}: {fault}. The plan keeps this measure as it was until the {label.lower()} "
        "is corrected."
        for label, typed in (("Owner", owner), ("Note", note))
        if (fault := document_text_fault(typed))
    ]
    for fault in faults:
        st.error(fault, icon=":material/error:")
    if faults:
        return
    if owner.strip() and isinstance(due, dt.date):
        case.plan[measure.id] = {"owner": owner.strip(), "due": due, "note": note}
    else:
        case.plan.pop(measure.id, None)
        st.warning(_UNOWNED, icon=":material/person_alert:")


def plan_table(report: RiskReport) -> None:
    """The plan as a read-only table, for those who may not change it."""
    planned = [m for m in report.mitigations if m.status == "planned"]
    if not planned:
        st.info("No measure is planned yet.")
        return
    st.table(
        [
            {
                "Measure": m.title,
                "Owner": m.owner,
                "Due": long_date(m.due) if m.due else "",
                "Note": m.note,
            }
            for m in planned
        ],
        hide_index=True,
        border="horizontal",
    )
