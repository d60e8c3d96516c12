"""A number that may have decimals (money, percentages), kept inside the question's range."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from ._labels import field_label, guidance

__all__ = ["QUESTION_TYPE", "render"]

QUESTION_TYPE = "number"


def _bound(limit: float | None) -> float | None:
    return None if limit is None else float(limit)


def render(
    question: Any, value: Any, *, key: str, offered: Sequence[str] | None, compact: bool
) -> float | int | None:
    label = field_label(question)
    if question.unit and not compact:
        label = f"{label} ({question.unit})"
    current = (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    )
    number = st.number_input(
        label,
        value=current,
        min_value=_bound(question.min),
        max_value=_bound(question.max),
        step=1.0,
        format="%g",
        placeholder="A number",
        key=key,
        label_visibility="collapsed" if compact else "visible",
    )
    if not compact:
        guidance(question)
    if number is None:
        return None
    return int(number) if float(number).is_integer() else float(number)
