"""The risk map: the likelihood × severity matrix with each risk placed on it.

Two maps side by side, before and after measures, on the same CNIL 4 × 4 grid the risk engine
uses, coloured by the level each cell stands for. Risks in the same cell are counted in one
marker (the tooltip names them), so a crowded cell stays readable.

Building a chart with Altair validates it against the whole Vega-Lite schema, which costs more
than the rest of the risk page; a map depends only on where the risks sit, so its Vega-Lite
specification is built once for each placement and handed to Streamlit as it is.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache
from typing import Any

import altair as alt

from ..risk import LEVELS, SCALE, RiskReport, level_of
from ._levels import LEVEL_TINTS

__all__ = ["risk_map"]


def risk_map(report: RiskReport, stage: str) -> dict[str, Any]:
    """The map's Vega-Lite specification, for `st.vega_lite_chart`; `stage` is "inherent"
    (before measures) or "residual" (after measures). Each call gets its own copy."""
    placed: dict[tuple[int, int], list[str]] = defaultdict(list)
    for risk in report.risks:
        rating = getattr(risk, stage)
        placed[(rating.likelihood, rating.severity)].append(risk.title)
    key = tuple((cell, tuple(titles)) for cell, titles in sorted(placed.items()))
    return json.loads(_specification(key))


@lru_cache(maxsize=256)
def _specification(placed: tuple[tuple[tuple[int, int], tuple[str, ...]], ...]) -> str:
    grid = [
        {
            "likelihood": f"{likelihood} {SCALE[likelihood]}",
            "severity": f"{severity} {SCALE[severity]}",
            "level": level_of(likelihood, severity),
        }
        for likelihood in SCALE
        for severity in SCALE
    ]
    markers = [
        {
            "likelihood": f"{likelihood} {SCALE[likelihood]}",
            "severity": f"{severity} {SCALE[severity]}",
            "count": len(titles),
            "risks": "; ".join(titles),
        }
        for (likelihood, severity), titles in placed
    ]
    order = [f"{value} {SCALE[value]}" for value in SCALE]
    x = alt.X(
        "likelihood:O",
        title="Likelihood",
        scale=alt.Scale(domain=order),
        axis=alt.Axis(labelAngle=0, labelOverlap=False, labelExpr="split(datum.label, ' ')"),
    )
    y = alt.Y("severity:O", title="Severity", scale=alt.Scale(domain=list(reversed(order))))
    cells = (
        alt.Chart(alt.Data(values=grid))
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "level:N",
                scale=alt.Scale(domain=list(LEVELS), range=[LEVEL_TINTS[v] for v in LEVELS]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("level:N", title="Level")],
        )
    )
    dots = (
        alt.Chart(alt.Data(values=markers))
        .mark_circle(color="#37474f", opacity=0.9)
        .encode(
            x=x,
            y=y,
            size=alt.Size("count:Q", scale=alt.Scale(range=[500, 1600]), legend=None),
            tooltip=[
                alt.Tooltip("count:Q", title="Risks"),
                alt.Tooltip("risks:N", title="Which"),
            ],
        )
    )
    counts = (
        alt.Chart(alt.Data(values=markers))
        .mark_text(color="white", fontWeight="bold", fontSize=13)
        .encode(x=x, y=y, text="count:Q")
    )
    chart = alt.layer(cells, dots, counts).properties(width=alt.Step(80), height=alt.Step(64))
    return json.dumps(chart.to_dict(), sort_keys=True)
