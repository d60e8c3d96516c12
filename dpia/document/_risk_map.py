"""The risk map: every risk placed on the 4 x 4 grid before and after measures, as a PNG.

Drawn with Pillow at twice the size and halved, which gives smooth circles and lines in about a
third of the time a matplotlib figure takes (the map was half the cost of a whole render). The
fonts are the DejaVu faces matplotlib ships, and the PNG carries no metadata, so the same report
gives the same bytes on every run. Cell colours are the house style's level colours, and the
numbers are the register's.

A map drawn once is kept in the cache folder (`DPIA_CACHE_DIR`) under a hash of what it is
drawn from, so a later process renders the same report without drawing it, or importing Pillow
at all. The entry's name also hashes everything else the picture depends on: this module, the
scales it labels, Pillow's release and the two font files. Drawing always gives the bytes the
entry holds, and the entry is read and written as every cache entry is (`_cache_entries`).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from .._cache_entries import keep_entry, kept_entry
from .._config import settings
from ..risk import _scales
from ..risk._scales import SCALE, level_of

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

__all__ = ["MapPoint", "risk_map_png"]

_SCALE = 2
_WIDTH, _HEIGHT = 986, 867
_LEFT, _TOP, _CELL, _GAP = 220, 18, 182, 4
_PX_PER_POINT = 170 / 72
_NAVY = "#1B3A5C"
_GREY = "#5F6B7A"
_ARROW = "#7F8895"


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


def risk_map_png(points: Sequence[MapPoint], fills: Mapping[str, str]) -> bytes:
    """The map; `fills` gives the cell colour of each level as six hex digits.

    Drawing is half the cost of a render, and the same report is often rendered again (the
    app re-renders on every change of status, the PDF copy renders once more), so the last few
    maps are kept by their inputs, in this process and in the cache folder.
    """
    return _kept(tuple(points), tuple(sorted(fills.items())))


_FORMAT = b"dpia-risk-map 1"
_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@lru_cache(maxsize=8)
def _kept(points: tuple[MapPoint, ...], fill_items: tuple[tuple[str, str], ...]) -> bytes:
    """The map from the cache folder, else drawn and kept there."""
    drawn_from = [[p.number, list(p.inherent), list(p.residual)] for p in points]
    inputs = json.dumps([drawn_from, fill_items], separators=(",", ":")).encode()
    key = f"map-{hashlib.sha256(inputs).hexdigest()}"
    folder = settings().cache_folder() / f"risk-maps-{_stamp().hex()[:16]}"
    kept = kept_entry(folder, _FORMAT, key)
    if kept is not None and kept.startswith(_PNG_SIGNATURE):
        return kept
    png = _drawn(points, fill_items)
    keep_entry(folder, _FORMAT, key, png)
    return png


@lru_cache(maxsize=1)
def _stamp() -> bytes:
    """A hash of the code and files that decide the picture's bytes, besides its inputs. The
    fonts (1.3 MB) count by size and modification time, as Python checks a module's bytecode
    against its source; the code by its bytes."""
    stamp = hashlib.sha256(_FORMAT)
    pillow = find_spec("PIL")
    depends_on = [Path(__file__), Path(_scales.__file__)]
    if pillow is not None and pillow.submodule_search_locations:
        depends_on.append(Path(next(iter(pillow.submodule_search_locations))) / "_version.py")
    for path in depends_on:
        stamp.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in _FONTS:
        font = (_font_dir() / name).stat()
        stamp.update(f"{name} {font.st_size} {font.st_mtime_ns}".encode())
    return stamp.digest()


@lru_cache(maxsize=1)
def _font_dir() -> Path:
    spec = find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("matplotlib's DejaVu fonts are needed to draw the risk map")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


@lru_cache(maxsize=16)
def _font(size: float, bold: bool) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    name = _FONTS[1] if bold else _FONTS[0]
    return ImageFont.truetype(str(_font_dir() / name), round(size * _PX_PER_POINT * _SCALE))


def _pixel(x: float, y: float) -> tuple[float, float]:
    """Grid coordinates (likelihood, severity; cell centres at whole numbers) to pixels."""
    bottom = _TOP + 4 * _CELL
    return (_LEFT + (x - 0.5) * _CELL) * _SCALE, (bottom - (y - 0.5) * _CELL) * _SCALE


def _arrow(
    draw: ImageDraw.ImageDraw,
    start: tuple[float, float],
    end: tuple[float, float],
    shrink_start: float,
    shrink_end: float,
) -> None:
    (x0, y0), (x1, y1) = _pixel(*start), _pixel(*end)
    length = math.hypot(x1 - x0, y1 - y0)
    if length <= shrink_start + shrink_end:
        return
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    sx, sy = x0 + ux * shrink_start, y0 + uy * shrink_start
    tx, ty = x1 - ux * shrink_end, y1 - uy * shrink_end
    head, half = 11 * _SCALE, 4 * _SCALE
    bx, by = tx - ux * head, ty - uy * head
    draw.line([(sx, sy), (bx, by)], fill=_ARROW, width=2 * _SCALE)
    draw.polygon(
        [(tx, ty), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)],
        fill=_ARROW,
    )


def _centred(
    draw: ImageDraw.ImageDraw,
    at: tuple[float, float],
    text: str,
    font: ImageFont.FreeTypeFont,
    fill: str,
    anchor: str = "mm",
) -> None:
    draw.multiline_text(at, text, font=font, fill=fill, anchor=anchor, align="center", spacing=4)


def _drawn(points: tuple[MapPoint, ...], fill_items: tuple[tuple[str, str], ...]) -> bytes:
    from PIL import Image, ImageDraw

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

    image = Image.new("RGB", (_WIDTH * _SCALE, _HEIGHT * _SCALE), "white")
    draw = ImageDraw.Draw(image)
    gap = _GAP * _SCALE / 2
    for likelihood in range(1, 5):
        for severity in range(1, 5):
            x0, y0 = _pixel(likelihood - 0.5, severity + 0.5)
            x1, y1 = _pixel(likelihood + 0.5, severity - 0.5)
            colour = f"#{fills[level_of(likelihood, severity)]}"
            draw.rectangle([x0 + gap, y0 + gap, x1 - gap, y1 - gap], fill=colour)

    def radius(key: tuple[str, str]) -> float:
        return _diameter(crowd[key]) * _PX_PER_POINT * _SCALE / 2

    for point in points:
        if point.inherent == point.residual:
            continue
        start, end = (point.number, "inherent"), (point.number, "residual")
        gap_px = 2 * _SCALE
        _arrow(draw, where[start], where[end], radius(start) + gap_px, radius(end) + gap_px)

    markers = sorted(where.items())
    ring = round(1.1 * _PX_PER_POINT * _SCALE)
    for (number, kind), spot in markers:
        x, y = _pixel(*spot)
        r = radius((number, kind))
        face = "white" if kind == "inherent" else _NAVY
        draw.ellipse([x - r, y - r, x + r, y + r], fill=face, outline=_NAVY, width=ring)
    for (number, kind), spot in markers:
        per_row = crowd[(number, kind)]
        size = 6.5 if per_row < 3 else 5.2 if per_row == 3 else 4.2
        colour = "white" if kind == "residual" else _NAVY
        _centred(draw, _pixel(*spot), number, _font(size, True), colour)

    label = _font(8, False)
    for value in range(1, 5):
        x, _ = _pixel(value, 1)
        _centred(
            draw,
            (x, (_TOP + 4 * _CELL + 10) * _SCALE),
            f"{value}\n{SCALE[value]}",
            label,
            _GREY,
            anchor="ma",
        )
        _, y = _pixel(1, value)
        _centred(
            draw, ((_LEFT - 12) * _SCALE, y), f"{value} {SCALE[value]}", label, _GREY, anchor="rm"
        )
    title = _font(8, True)
    centre_x, _ = _pixel(2.5, 1)
    _centred(
        draw, (centre_x, (_TOP + 4 * _CELL + 62) * _SCALE), "Likelihood", title, _NAVY, anchor="ma"
    )
    severity = Image.new("RGB", (200 * _SCALE, 30 * _SCALE), "white")
    ImageDraw.Draw(severity).text(
        (100 * _SCALE, 15 * _SCALE), "Severity", font=title, fill=_NAVY, anchor="mm"
    )
    _, centre_y = _pixel(1, 2.5)
    rotated = severity.rotate(90, expand=True)
    image.paste(rotated, (round(60 * _SCALE), round(centre_y - rotated.height / 2)))

    buffer = io.BytesIO()
    image.reduce(_SCALE).save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()
