"""Legal exposure per jurisdiction: which duties are met, which are gaps, and the ceilings.

Statutory maxima are ceilings the law sets, not a forecast of a fine; the page says so, because
a DPO will be asked "how much could this cost" and must not quote a maximum as an estimate.
The table wraps its text rather than cut it off (and is a card per duty on a phone): what is
missing is the column a DPO reads.
"""

from __future__ import annotations

import streamlit as st

from .._vocabulary import (
    HIGHEST_MAXIMUM,
    IF_NOT_FULFILLED,
    NO_MAXIMUM,
    NOT_AT_STAKE,
    OBLIGATION_STATUS,
    money,
)
from ..risk import ObligationResult, RiskReport
from ._tables import responsive_table

__all__ = ["show_exposure"]


def show_exposure(report: RiskReport) -> None:
    if not report.legal_exposure:
        st.info("No jurisdiction in the answers has duties in the catalogue.")
        return
    st.caption(
        "Statutory maxima are the highest amounts the law allows for one breach: a ceiling, not "
        "an estimate of what a regulator or court would impose."
    )
    for number, place in enumerate(report.legal_exposure, start=1):
        gaps = sum(1 for o in place.obligations if o.status == "gap")
        ceiling = ", ".join(money(v, c) for c, v in sorted(place.statutory_maximum.items()))
        title = f"**{place.label}**: {place.headcount:,} people, {gaps} gap{'s' * (gaps != 1)}"
        with st.expander(title, expanded=gaps > 0):
            if ceiling:
                st.metric(HIGHEST_MAXIMUM, ceiling)
            else:
                st.caption(f"{HIGHEST_MAXIMUM}: {NO_MAXIMUM}.")
            rows = [
                {
                    "Law": o.law,
                    "Duty": o.title,
                    "Status": OBLIGATION_STATUS[o.status],
                    "What is missing": o.gap if o.status != "met" else "",
                    "Deadline": o.deadline or "",
                    "Legal basis": "; ".join(o.legal),
                    "Maximum": _maximum(o),
                }
                for o in place.obligations
            ]
            responsive_table(_filled_columns(rows), key=f"exposure-{number}", heading="Duty")


def _maximum(obligation: ObligationResult) -> str:
    """As the document's column says it: a met obligation puts no penalty at stake."""
    if obligation.status == "met":
        return NOT_AT_STAKE
    if obligation.penalty is None:
        return ""
    if obligation.status == "duty":
        return f"{obligation.penalty.formula} ({IF_NOT_FULFILLED})"
    return obligation.penalty.formula


def _filled_columns(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Only the columns with something in them: on a phone every empty column costs a row of
    scrolling and says nothing."""
    kept = [name for name in rows[0] if any(row[name] for row in rows)] if rows else []
    return [{name: row[name] for name in kept} for row in rows]
