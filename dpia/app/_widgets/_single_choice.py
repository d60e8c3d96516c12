"""One option from a list: radio buttons while the options fit on a screen, a list box after.

Only the options whose conditions hold are offered; an answer whose option has just been
withdrawn shows as unanswered rather than as a choice the user can no longer see.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from ._labels import field_label, guidance, nothing_to_choose_yet

__all__ = ["QUESTION_TYPE", "render"]

QUESTION_TYPE = "single_choice"
_MOST_RADIO_OPTIONS = 6


def render(
    question: Any, value: Any, *, key: str, offered: Sequence[str] | None, compact: bool
) -> str | None:
    options = list(offered if offered is not None else (o.value for o in question.options))
    if not options and not compact:
        nothing_to_choose_yet(question)
        return None
    index = options.index(value) if value in options else None
    visibility = "collapsed" if compact else "visible"
    if compact or len(options) > _MOST_RADIO_OPTIONS:
        chosen = st.selectbox(
            field_label(question),
            options,
            index=index,
            format_func=question.label_of,
            placeholder="Choose an option",
            key=key,
            label_visibility=visibility,
        )
    else:
        helps = [question.option(v).help for v in options]
        chosen = st.radio(
            field_label(question),
            options,
            index=index,
            format_func=question.label_of,
            captions=helps if any(helps) else None,
            key=key,
            label_visibility=visibility,
        )
    if not compact:
        guidance(question)
    return chosen
