"""A bare Streamlit script that draws the same widgets as a page of the app, and nothing else.

The app's figures are only meaningful beside what Streamlit itself costs for the same page: the
same text inputs, choices, buttons and captions with the same labels, options, values and keys,
in the same columns and containers, but without any of our work behind them (no questionnaire,
no risk engine, no archive). The script is written from the element tree an `AppTest` run left,
so it follows the page as the page changes: tables and charts are drawn from the same data. An
element this module cannot redraw (a picture, a download button) is left out and counted, and
the count is shown beside the figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import element_tree as tree

__all__ = ["BarePage", "bare_page"]

_TEXTS = {
    tree.Title: "title",
    tree.Header: "header",
    tree.Subheader: "subheader",
    tree.Caption: "caption",
    tree.Markdown: "markdown",
    tree.Text: "text",
    tree.Info: "info",
    tree.Warning: "warning",
    tree.Error: "error",
    tree.Success: "success",
}


@dataclass
class BarePage:
    """The script, how many widgets it redraws, and what it had to leave out."""

    script: str
    widgets: int = 0
    left_out: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        gaps = ", ".join(f"{n} {kind}" for kind, n in sorted(self.left_out.items()))
        return f"bare Streamlit page, same {self.widgets} widgets" + (
            f" ({gaps} left out)" if gaps else ""
        )


def bare_page(app: AppTest) -> BarePage:
    lines = ["import datetime", "import json", "", "import pandas", "import streamlit as st", ""]
    page = BarePage("")
    if app.sidebar.children:
        lines.append("with st.sidebar:")
        _draw(app.sidebar, 1, lines, page)
    _draw(app.main, 0, lines, page)
    page.script = "\n".join(lines) + "\n"
    return page


def _draw(block: Any, depth: int, lines: list[str], page: BarePage) -> None:
    pad = "    " * depth
    drawn_before = len(lines)
    for node in block.children.values():
        if isinstance(node, tree.Block):
            _container(node, depth, lines, page)
            continue
        line = _element(node, page)
        if line is None:
            kind = getattr(node, "type", type(node).__name__)
            page.left_out[kind] = page.left_out.get(kind, 0) + 1
        else:
            lines.append(pad + line)
    if len(lines) == drawn_before:
        lines.append(pad + "pass")


def _container(node: Any, depth: int, lines: list[str], page: BarePage) -> None:
    pad = "    " * depth
    columns = [c for c in node.children.values() if isinstance(c, tree.Column)]
    if columns and len(columns) == len(node.children):
        name = f"columns_{len(lines)}"
        lines.append(f"{pad}{name} = st.columns({len(columns)})")
        for number, column in enumerate(columns):
            lines.append(f"{pad}with {name}[{number}]:")
            _draw(column, depth + 1, lines, page)
        return
    tabs = [c for c in node.children.values() if isinstance(c, tree.Tab)]
    if tabs and len(tabs) == len(node.children):
        name = f"tabs_{len(lines)}"
        lines.append(f"{pad}{name} = st.tabs({[tab.label for tab in tabs]!r})")
        for number, tab in enumerate(tabs):
            lines.append(f"{pad}with {name}[{number}]:")
            _draw(tab, depth + 1, lines, page)
        return
    if isinstance(node, tree.Expander):
        lines.append(f"{pad}with st.expander({node.label!r}):")
    else:
        lines.append(f"{pad}with st.container():")
    _draw(node, depth + 1, lines, page)


def _element(node: Any, page: BarePage) -> str | None:
    for kind, call in _TEXTS.items():
        if isinstance(node, kind):
            return f"st.{call}({node.value!r})"
    if isinstance(node, tree.Divider):
        return "st.divider()"
    if isinstance(node, tree.Progress):
        return f"st.progress({node.value!r})"
    if isinstance(node, tree.Metric):
        delta = f", delta={node.proto.delta!r}" if node.proto.delta else ""
        return f"st.metric({node.label!r}, {node.value!r}{delta})"
    if isinstance(node, tree.Dataframe):
        columns = node.value.to_dict("list")
        return f"st.dataframe(pandas.DataFrame({columns!r}), hide_index=True)"
    if getattr(node, "type", "") == "vega_lite_chart" and node.proto.spec:
        return f"st.vega_lite_chart(json.loads({node.proto.spec!r}))"
    widget = _widget(node)
    if widget is not None:
        page.widgets += 1
    return widget


def _widget(node: Any) -> str | None:
    key = f", key={node.key!r}" if getattr(node, "key", None) else ""
    label = repr(getattr(node, "label", "") or "field")
    if isinstance(node, tree.Button):
        return f"st.button({label}{key})"
    if isinstance(node, tree.Checkbox | tree.Toggle):
        call = "toggle" if isinstance(node, tree.Toggle) else "checkbox"
        return f"st.{call}({label}, value={node.value!r}{key})"
    if isinstance(node, tree.TextInput | tree.TextArea):
        call = "text_area" if isinstance(node, tree.TextArea) else "text_input"
        return f"st.{call}({label}, value={node.value!r}{key})"
    if isinstance(node, tree.NumberInput):
        return f"st.number_input({label}, value={node.value!r}{key})"
    if isinstance(node, tree.DateInput):
        return f"st.date_input({label}, value={node.value!r}{key})"
    if isinstance(node, tree.Selectbox | tree.Radio):
        call = "radio" if isinstance(node, tree.Radio) else "selectbox"
        options = list(node.options)
        index = options.index(node.value) if node.value in options else None
        return f"st.{call}({label}, {options!r}, index={index!r}{key})"
    if isinstance(node, tree.Multiselect):
        options = list(node.options)
        chosen = [value for value in node.value if value in options]
        return f"st.multiselect({label}, {options!r}, default={chosen!r}{key})"
    return None
