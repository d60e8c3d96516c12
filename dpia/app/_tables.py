"""Tables that read on a phone: a table on a wide screen, one card per row on a narrow one.

A table of six or seven columns cannot fit 420 px: squeezed, its cells wrap a word per line;
scrolled, it hides the columns a reader came for. Below Streamlit's own phone width (where the
sidebar folds away) the same rows are shown as cards, each field under its name; the page's
CSS picks one of the two, so nothing depends on knowing the screen on the server.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import streamlit as st

__all__ = ["NARROW_PX", "plain_markdown", "responsive_table"]

NARROW_PX = 640
"""Streamlit's phone width: below it the sidebar folds away, and tables become cards."""

_STYLE = f"""<style>
@media (max-width: {NARROW_PX}px) {{ [class*="st-key-wide-"] {{ display: none; }} }}
@media (min-width: {NARROW_PX + 1}px) {{ [class*="st-key-narrow-"] {{ display: none; }} }}
</style>"""


def plain_markdown(text: str) -> str:
    """`text` shown as written: a title or a name is its author's to choose, and must not turn
    into a link or an image that would make the browser ask another host."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", text)


def responsive_table(rows: Sequence[Mapping[str, str]], *, key: str, heading: str) -> None:
    """`rows` as a table on a wide screen and as cards on a phone; `heading` is the column
    that names each card, and empty fields are left out of a card."""
    st.html(_STYLE)
    with st.container(key=f"wide-{key}"):
        st.table(list(rows), hide_index=True, border="horizontal")
    with st.container(key=f"narrow-{key}"):
        for row in rows:
            with st.container(border=True):
                lines = [f"**{plain_markdown(str(row[heading]))}**"]
                lines += [
                    f"**{name}:** {plain_markdown(str(value))}"
                    for name, value in row.items()
                    if name != heading and str(value).strip()
                ]
                st.markdown("  \n".join(lines))
