"""A free-text explanation: several lines, sized for a paragraph or two of reasoning."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from ._labels import field_label, guidance

__all__ = ["QUESTION_TYPE", "render"]

QUESTION_TYPE = "long_text"


def render(
    question: Any, value: Any, *, key: str, offered: Sequence[str] | None, compact: bool
) -> str | None:
    typed = st.text_area(
        field_label(question),
        value=value if isinstance(value, str) else "",
        max_chars=question.max_length,
        height=68 if compact else 140,
        key=key,
        label_visibility="collapsed" if compact else "visible",
    )
    if not compact:
        guidance(question)
    return typed or None
