"""The risk map: every risk placed on the 4 x 4 grid before and after measures, as a PNG.

Drawn with matplotlib's Agg canvas directly (no pyplot, no global state, no display), with the
fonts matplotlib ships and no metadata, so the same report gives the same bytes on every run.
The cell colours are the house style's level colours, and the numbers are the register's.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..risk._scales import SCALE, level_of

__all__ = ["MapPoint", "risk_map_png"]

_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.linewidth": 0.6,
    "savefig.dpi": 170,
    "path.simplify": True,
}
_NAVY = "#1B3A5C"
_GREY = "#5F6B7A"


@dataclass(frozen=True)
class MapPoint:
    number: str
    inherent: tuple[int, int]
    residual: tuple[int, int]


def _per_row(count: int) -> int:
    return max(1, math.isqrt(count - 1) + 1) if count > 1 else 1


def _diameter(per_row: int) -> float:
    """Marker diameter in points, smaller as a cell gets crowded."""
    return min(22.0, 58.0 / per_row)


def _slots(count: int) -> list[tuple[float, float]]:
    """Offsets inside a cell for `count` markers, on a square grid filled row by row."""
    per_row = _per_row(count)
    rows = -(-count // per_row)
    step = 0.84 / per_row
    top = 0.42 - step * (per_row - rows) / 2
    offsets = []
    for index in range(count):
        row, column = divmod(index, per_row)
        offsets.append((-0.42 + step * (column + 0.5), top - step * (row + 0.5)))
    return offsets


def _hex(fill: str) -> str:
    return f"#{fill}"


def risk_map_png(points: Sequence[MapPoint], fills: Mapping[str, str]) -> bytes:
    """The map; `fills` gives the cell colour of each level as six hex digits.

    Drawing is half the cost of a render, and the same report is often rendered again (the
    app re-renders on every change of status, the PDF copy renders once more), so the last few
    maps are kept by their inputs.
    """
    return _drawn(tuple(points), tuple(sorted(fills.items())))


@lru_cache(maxsize=8)
def _drawn(points: tuple[MapPoint, ...], fill_items: tuple[tuple[str, str], ...]) -> bytes:
    fills = dict(fill_items)
    placed: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for point in points:
        if point.inherent != point.residual:
            placed.setdefault(point.inherent, []).append((point.number, "inherent"))
        placed.setdefault(point.residual, []).append((point.number, "residual"))
    where: dict[tuple[str, str], tuple[float, float]] = {}
    crowd: dict[tuple[str, str], int] = {}
    for (likelihood, severity), items in sorted(placed.items()):
        for (number, kind), (dx, dy) in zip(items, _slots(len(items)), strict=True):
            where[(number, kind)] = (likelihood + dx, severity + dy)
            crowd[(number, kind)] = _per_row(len(items))

    # matplotlib costs about a second to import; only a render that draws the map pays for it.
    import matplotlib
    import matplotlib.patches
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(5.8, 5.1))
        FigureCanvasAgg(figure)
        axes = figure.add_axes((0.2, 0.14, 0.78, 0.84))
        for likelihood in range(1, 5):
            for severity in range(1, 5):
                level = level_of(likelihood, severity)
                axes.add_patch(
                    matplotlib.patches.Rectangle(
                        (likelihood - 0.5, severity - 0.5),
                        1,
                        1,
                        facecolor=_hex(fills[level]),
                        edgecolor="white",
                        linewidth=2,
                    )
                )
        for point in points:
            if point.inherent == point.residual:
                continue
            start = where[(point.number, "inherent")]
            end = where[(point.number, "residual")]
            axes.annotate(
                "",
                xy=end,
                xytext=start,
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": _GREY,
                    "alpha": 0.8,
                    "linewidth": 0.8,
                    "shrinkA": _diameter(crowd[(point.number, "inherent")]) / 2 + 1,
                    "shrinkB": _diameter(crowd[(point.number, "residual")]) / 2 + 1,
                    "mutation_scale": 9,
                },
            )
        markers = sorted(where.items())
        for kind, face in (("inherent", "white"), ("residual", _NAVY)):
            mine = [(key, spot) for key, spot in markers if key[1] == kind]
            if mine:
                axes.scatter(
                    [spot[0] for _, spot in mine],
                    [spot[1] for _, spot in mine],
                    s=[_diameter(crowd[key]) ** 2 for key, _ in mine],
                    facecolors=face,
                    edgecolors=_NAVY,
                    linewidths=1.1,
                    zorder=3,
                )
        for (number, kind), (x, y) in markers:
            per_row = crowd[(number, kind)]
            axes.text(
                x,
                y,
                number,
                ha="center",
                va="center",
                fontsize=6.5 if per_row < 3 else 5.2 if per_row == 3 else 4.2,
                fontweight="bold",
                color="white" if kind == "residual" else _NAVY,
                zorder=4,
            )
        ticks = [1, 2, 3, 4]
        axes.set_xticks(ticks, [f"{v}\n{SCALE[v]}" for v in ticks])
        axes.set_yticks(ticks, [f"{v} {SCALE[v]}" for v in ticks])
        axes.set_xlim(0.5, 4.5)
        axes.set_ylim(0.5, 4.5)
        axes.set_xlabel("Likelihood", color=_NAVY, fontweight="bold")
        axes.set_ylabel("Severity", color=_NAVY, fontweight="bold")
        axes.tick_params(length=0, colors=_GREY)
        for spine in axes.spines.values():
            spine.set_visible(False)
        axes.set_aspect("equal")
        buffer = io.BytesIO()
        figure.savefig(
            buffer, format="png", metadata={"Software": None}, pil_kwargs={"compress_level": 2}
        )
    return buffer.getvalue()
