"""Where a visible PDF signature goes, and what it shows: a framed box on the signature page.

The box goes on the page of the "Signatures" heading that `dpia render --pdf` writes, into the
largest empty band of that page (found from the page's own layout, so it never covers text),
two boxes to a row in the order people sign. It shows who signed, in which role and when, in
DejaVu Sans embedded as a subset, because PDF/A forbids fonts that are not embedded.

pyHanko writes a font's glyph widths in the font's own units, which is right only for fonts of
1000 units per em; DejaVu Sans has 2048, so its letters would be spread twice as wide. The font
is therefore cut down to the characters of the box and rescaled to 1000 units before pyHanko
embeds it.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTComponent, LTContainer, LTPage
from pdfminer.psexceptions import PSException
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

from .._errors import SigningError

__all__ = ["SIGNATURE_HEADING", "StampPlace", "place_stamp", "stamp_style"]

SIGNATURE_HEADING = "Signatures"
BOX_HEIGHT = 58.0
_GAP = 10.0
_CLEARANCE = 14.0
_FONT_SIZE = 8
_NAVY = (0.106, 0.227, 0.361)
_INK = (0.15, 0.15, 0.15)


@dataclass(frozen=True)
class StampPlace:
    """A box in PDF user space on page `page` (counted from 0)."""

    page: int
    box: tuple[int, int, int, int]


def place_stamp(reader: PdfFileReader, pdf: bytes) -> StampPlace:
    """The next free box on the signature page, after the visible signatures already there."""
    page = _signature_page(reader)
    layout = _layout(pdf, page)
    taken = _visible_signatures_on(reader, page)
    left, right = _text_column(layout)
    top, bottom = _largest_free_band(layout)
    width = (right - left - _GAP) / 2
    row, column = divmod(taken, 2)
    upper = top - _CLEARANCE - row * (BOX_HEIGHT + _GAP)
    lower = upper - BOX_HEIGHT
    if lower < bottom + _GAP / 2:
        raise SigningError(
            f"the signature page (page {page + 1}) has no free room for visible signature "
            f"{taken + 1}; sign without --visible: the signature is just as valid and every PDF "
            "reader lists it in its signature panel"
        )
    x = left + column * (width + _GAP)
    return StampPlace(page, (round(x), round(lower), round(x + width), round(upper)))


def _signature_page(reader: PdfFileReader) -> int:
    """The page of the outline entry "Signatures" (the heading dpia writes on that page)."""
    pages = {reader.find_page_for_modification(i)[0].idnum: i for i in range(_page_count(reader))}
    try:
        stack = [reader.root["/Outlines"].raw_get("/First")]
    except KeyError:
        stack = []
    while stack:
        item = stack.pop().get_object()
        if "/Next" in item:
            stack.append(item.raw_get("/Next"))
        if "/First" in item:
            stack.append(item.raw_get("/First"))
        if str(item.get("/Title", "")).strip() != SIGNATURE_HEADING:
            continue
        destination = item.get("/Dest")
        if destination is None and "/A" in item:
            destination = item["/A"].get("/D")
        try:
            return pages[destination.raw_get(0).idnum]
        except (AttributeError, IndexError, KeyError, TypeError):
            continue
    raise SigningError(
        f'the PDF has no "{SIGNATURE_HEADING}" heading in its outline, so there is no signature '
        "page for a visible signature; render the PDF with dpia render --pdf, or sign without "
        "--visible"
    )


def _page_count(reader: PdfFileReader) -> int:
    return int(reader.root["/Pages"]["/Count"])


def _visible_signatures_on(reader: PdfFileReader, page: int) -> int:
    page_ref = reader.find_page_for_modification(page)[0]
    count = 0
    for signature in reader.embedded_signatures:
        field = signature.sig_field
        rect = [float(v) for v in field.get("/Rect", [0, 0, 0, 0])]
        on_page = field.raw_get("/P") if "/P" in field else None
        if rect[2] - rect[0] > 0 and getattr(on_page, "idnum", None) == page_ref.idnum:
            count += 1
    return count


def _layout(pdf: bytes, page: int) -> LTPage:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        return next(extract_pages(io.BytesIO(pdf), page_numbers=[page], laparams=LAParams()))
    except (PSException, StopIteration) as exc:
        raise SigningError(f"cannot read page {page + 1} to place the signature ({exc})") from None


def _components(container: LTContainer) -> list[LTComponent]:
    return [item for item in container if isinstance(item, LTComponent)]


def _text_column(page: LTPage) -> tuple[float, float]:
    """Left and right edges of the text, the width the boxes share."""
    items = [item for item in _components(page) if item.width < page.width]
    if not items:
        return 72.0, page.width - 72.0
    return min(item.x0 for item in items), max(item.x1 for item in items)


def _largest_free_band(page: LTPage) -> tuple[float, float]:
    """Top and bottom of the tallest horizontal band with nothing drawn in it (a frame or
    background as tall as the page does not count as drawn)."""
    spans = sorted(
        (item.y0, item.y1) for item in _components(page) if item.height < 0.9 * page.height
    )
    best = (page.height, page.height)
    floor = 0.0
    for low, high in spans:
        if low - floor > best[0] - best[1]:
            best = (low, floor)
        floor = max(floor, high)
    if page.height - floor > best[0] - best[1]:
        best = (page.height, floor)
    return best


def stamp_style(text: str) -> TextStampStyle:
    """A framed box in the document's navy, its text in embedded DejaVu Sans."""
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(
            font=_Sans(text),
            font_size=_FONT_SIZE,
            leading=_FONT_SIZE + 3,
            text_color=_INK,
            box_layout_rule=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID
            ),
        ),
        border_width=1,
        border_color=_NAVY,
        background=None,
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(left=8, right=8, top=6, bottom=6),
            inner_content_scaling=InnerScaling.SHRINK_TO_FIT,
        ),
    )


def stamp_text(name: str, role_name: str, reason: str, when: dt.datetime) -> str:
    return (
        f"Digitally signed by {name}\n{role_name}\n{reason}\n"
        f"{when.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC (signer's clock)"
    )


class _Sans(FontEngineFactory):
    """DejaVu Sans (shipped with matplotlib) cut to `text` and rescaled to 1000 units per em."""

    def __init__(self, text: str):
        self._program = _font_program(frozenset(text))

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:  # type: ignore[no-untyped-def]
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(self._program),
            font_size=_FONT_SIZE,
            obj_stream=obj_stream,
        )


def _dejavu_sans() -> Path:
    """matplotlib's copy of DejaVu Sans, found without importing matplotlib itself."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise SigningError("matplotlib, which carries the stamp's font, is not installed")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"


@cache
def _font_program(characters: frozenset[str]) -> bytes:
    font = TTFont(_dejavu_sans())
    options = subset.Options()
    options.hinting = False
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.drop_tables += ["FFTM"]
    cutter = subset.Subsetter(options)
    cutter.populate(text="".join(sorted(characters)) + " ")
    cutter.subset(font)
    scale_upem(font, 1000)
    program = io.BytesIO()
    font.save(program)
    return program.getvalue()
