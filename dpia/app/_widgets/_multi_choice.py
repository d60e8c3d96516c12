"""Several options from a list, as a multi-select that names every choice in full."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from ._labels import field_label, guidance, nothing_to_choose_yet

__all__ = ["QUESTION_TYPE", "render"]

QUESTION_TYPE = "multi_choice"


def render(
    question: Any, value: Any, *, key: str, offered: Sequence[str] | None, compact: bool
) -> list[str]:
    options = list(offered if offered is not None else (o.value for o in question.options))
    if not options and not compact:
        nothing_to_choose_yet(question)
        return []
    chosen = st.multiselect(
        field_label(question),
        options,
        default=[v for v in (value or []) if v in options],
        format_func=question.label_of,
        placeholder="Choose all that apply",
        key=key,
        label_visibility="collapsed" if compact else "visible",
    )
    if not compact:
        explained = [o for o in question.options if o.help and o.value in options]
        if explained:
            with st.expander("What the options mean"):
                for option in explained:
                    st.markdown(f"**{option.label}**: {option.help}")
        guidance(question)
    return list(chosen)
