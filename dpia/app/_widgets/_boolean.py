"""Yes/No as two explicit choices: a checkbox cannot tell "No" from "not answered yet"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from ._labels import field_label, guidance

__all__ = ["QUESTION_TYPE", "render"]

QUESTION_TYPE = "boolean"
_CHOICES = (True, False)


def render(
    question: Any, value: Any, *, key: str, offered: Sequence[str] | None, compact: bool
) -> bool | None:
    chosen = st.radio(
        field_label(question),
        _CHOICES,
        index=_CHOICES.index(value) if isinstance(value, bool) else None,
        format_func=lambda choice: "Yes" if choice else "No",
        horizontal=True,
        key=key,
        label_visibility="collapsed" if compact else "visible",
    )
    if not compact:
        guidance(question)
    return chosen
