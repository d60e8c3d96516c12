"""A calendar date in ISO order (YYYY-MM-DD), the form the answers file and the document use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import streamlit as st

from ..._calendar import EARLIEST_DATE, LATEST_DATE
from ._labels import field_label, guidance

__all__ = ["QUESTION_TYPE", "render"]

QUESTION_TYPE = "date"


def render(
    question: Any, value: Any, *, key: str, offered: Sequence[str] | None, compact: bool
) -> dt.date | None:
    chosen = st.date_input(
        field_label(question),
        value=value if isinstance(value, dt.date) else None,
        min_value=EARLIEST_DATE,
        max_value=LATEST_DATE,
        format="YYYY-MM-DD",
        key=key,
        label_visibility="collapsed" if compact else "visible",
    )
    if not compact:
        guidance(question)
    return chosen if isinstance(chosen, dt.date) else None
