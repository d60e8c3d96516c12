"""How every question presents itself, so all widgets read alike.

The label says what is asked, and "(optional)" when an answer may be left out: words a screen
reader speaks as written, where a coloured star would be read out as markup or not at all, and
fewer marks on screen, since most questions need an answer. The guidance
below it says why we ask and which law the question comes from: a product team answering a DPIA
needs both to answer well, and a DPO reading the screen later needs to see the same thing.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

__all__ = ["field_label", "guidance", "nothing_to_choose_yet"]

_MARKDOWN_SPECIALS = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>#|~$:"})


def _plain(text: str) -> str:
    """Labels are the questionnaire author's words, not markdown: show them as written."""
    return text.translate(_MARKDOWN_SPECIALS)


def field_label(question: Any) -> str:
    label = _plain(question.label)
    return label if question.required else f"{label} (optional)"


def guidance(question: Any) -> None:
    """Help and legal references under the field, or nothing when the author gave neither."""
    parts = []
    if question.help:
        parts.append(_plain(question.help))
    if question.legal:
        parts.append("**Legal basis:** " + _plain("; ".join(question.legal)))
    if parts:
        st.caption("  \n".join(parts))


def nothing_to_choose_yet(question: Any) -> None:
    """A choice whose options all depend on answers not given yet: say so instead of an empty
    list, or the question looks broken and cannot be answered."""
    st.markdown(field_label(question))
    st.info(
        "Nothing to choose here yet: the choices follow from your earlier answers. Answer the "
        "questions above first, and the ones that fit will appear.",
        icon=":material/arrow_upward:",
    )
    guidance(question)
