"""How a risk level looks everywhere in the app: one word, one colour, one badge."""

from __future__ import annotations

import streamlit as st

from .._vocabulary import LEVEL, words

__all__ = ["LEVEL_COLOURS", "LEVEL_TINTS", "level_badge", "level_word"]

LEVEL_COLOURS = {"low": "green", "medium": "orange", "high": "red"}
LEVEL_TINTS = {"low": "#d8eed9", "medium": "#ffe3a8", "high": "#f6c1bb"}


def level_word(level: str) -> str:
    return words(LEVEL, level)


def level_badge(level: str, *, prefix: str = "") -> None:
    st.badge(f"{prefix}{level_word(level)}", color=LEVEL_COLOURS[level])
