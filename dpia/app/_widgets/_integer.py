"""A whole number, kept inside the question's range by the field itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from ._labels import field_label, guidance

__all__ = ["QUESTION_TYPE", "render"]

QUESTION_TYPE = "integer"


def _bound(limit: float | None) -> int | None:
    return None if limit is None else int(limit)


def render(
    question: Any, value: Any, *, key: str, offered: Sequence[str] | None, compact: bool
) -> int | None:
    label = field_label(question)
    if question.unit and not compact:
        label = f"{label} ({question.unit})"
    number = st.number_input(
        label,
        value=value if isinstance(value, int) and not isinstance(value, bool) else None,
        min_value=_bound(question.min),
        max_value=_bound(question.max),
        step=1,
        placeholder="A whole number",
        key=key,
        label_visibility="collapsed" if compact else "visible",
    )
    if not compact:
        guidance(question)
    return None if number is None else int(number)
