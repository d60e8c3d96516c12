"""A one-line answer; the field itself stops typing at the question's length limit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from ._labels import field_label, guidance

__all__ = ["QUESTION_TYPE", "render"]

QUESTION_TYPE = "text"


def render(
    question: Any, value: Any, *, key: str, offered: Sequence[str] | None, compact: bool
) -> str | None:
    typed = st.text_input(
        field_label(question),
        value=value if isinstance(value, str) else "",
        max_chars=question.max_length,
        key=key,
        label_visibility="collapsed" if compact else "visible",
    )
    if not compact:
        guidance(question)
    return typed or None
