"""The archive diff's details in the words of the app, not the answers file's field paths.

The diff names what changed outside the answers by its path (`assessment.title`,
`plan.m04_screen_capture_minimised`, `report.overall_residual`), which the command line prints
for whoever reads the files; on the Archive page each is named as the page that edits it does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from .._vocabulary import ASSESSMENT_FIELD, DPIA_REQUIRED, LEVEL, RESIDUAL_VIEW, long_date
from ._signoff_messages import signoff_field_words

__all__ = ["detail_name", "detail_value"]

_REPORT = {
    "dpia_required": "DPIA required",
    "overall_inherent": f"Overall risk, {RESIDUAL_VIEW['inherent'].lower()}",
    "overall_residual": f"Overall risk, {RESIDUAL_VIEW['plan'].lower()}",
    "prior_consultation_required": "Prior consultation required (GDPR Art. 36)",
    "stop": "Stop: do not proceed",
}
_PLAN = {"owner": "owner", "due": "due", "note": "note"}


def detail_name(field: str, measures: Mapping[str, str]) -> str:
    """`field` as the diff gives it; `measures` are the measure titles by id."""
    group, _, rest = field.partition(".")
    if group == "questionnaire":
        return "Questionnaire"
    if group == "assessment":
        return ASSESSMENT_FIELD.get(rest, rest)
    if group == "plan":
        return f"Measure plan: {measures.get(rest, rest)}"
    if group == "signoff":
        return signoff_field_words(tuple(int(p) if p.isdigit() else p for p in rest.split(".")))
    if group == "report":
        return _REPORT.get(rest, rest)
    return field


def detail_value(value: Any) -> str:
    """A changed value as a reader writes it: no `None`, no braces, levels and dates in words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Mapping):
        shown = [f"{_PLAN.get(str(k), str(k))} {detail_value(v)}" for k, v in value.items() if v]
        return "; ".join(shown) or "—"
    if isinstance(value, list | tuple):
        return "; ".join(detail_value(v) for v in value) or "—"
    if isinstance(value, dt.date):
        return long_date(value)
    text = str(value)
    try:
        return long_date(dt.date.fromisoformat(text))
    except ValueError:
        return LEVEL.get(text) or DPIA_REQUIRED.get(text) or text
