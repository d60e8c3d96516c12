"""Repeatable rows of typed cells, e.g. one row per country with its headcount.

Each cell is drawn by the widget of its column's type, so a date column behaves exactly like a
date question. Every cell carries its column's name: on a narrow screen the cells of a row stack
one under the other, and a header row above them would no longer say which field is which.

Rows carry a stable id in the session, not their position: removing the second row must not
hand its neighbour's typed values to the row that moves up.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

import streamlit as st

from .._faults import guarded_callback
from .._session import widget_state
from ._labels import field_label, guidance

__all__ = ["QUESTION_TYPE", "render"]

QUESTION_TYPE = "table"


def _row_ids_key(key: str) -> str:
    return f"{key}.rows"


def _row_ids(key: str, count: int = 0) -> list[str]:
    return widget_state(_row_ids_key(key), lambda: [secrets.token_hex(4) for _ in range(count)])


@guarded_callback
def _add_row(key: str) -> None:
    _row_ids(key).append(secrets.token_hex(4))


@guarded_callback
def _remove_row(key: str, row_id: str) -> None:
    _row_ids(key).remove(row_id)


def render(
    question: Any, value: Any, *, key: str, offered: Sequence[str] | None, compact: bool
) -> list[dict[str, Any]]:
    from . import WIDGETS

    stored = list(value or [])
    row_ids = _row_ids(key, len(stored))
    columns = question.columns
    widths = [3] * len(columns) + [1]

    st.markdown(f"**{field_label(question)}**")
    rows: list[dict[str, Any]] = []
    for position, row_id in enumerate(row_ids):
        before = stored[position] if position < len(stored) else {}
        cells = st.columns(widths, vertical_alignment="bottom")
        row: dict[str, Any] = {}
        for cell, column in zip(cells, columns, strict=False):
            with cell:
                st.caption(field_label(column))
                answer = WIDGETS[column.type](
                    column,
                    before.get(column.id),
                    key=f"{key}-{row_id}-{column.id}",
                    offered=None,
                    compact=True,
                )
            if answer is not None:
                row[column.id] = answer
        cells[-1].button(
            "Remove",
            key=f"{key}-{row_id}-remove",
            icon=":material/delete:",
            help=f"Remove row {position + 1}",
            on_click=_remove_row,
            args=(key, row_id),
        )
        rows.append(row)
    if len(row_ids) < question.max_rows:
        st.button(
            "Add a row",
            key=f"{key}-add",
            icon=":material/add:",
            on_click=_add_row,
            args=(key,),
        )
    if not compact:
        guidance(question)
    return rows
