"""The writer the report sections draw with: headings, paragraphs, tables, banners, pictures.

It opens the house style, checks that every style the renderer names is there (a missing style
is a RenderError naming the style and the file), empties the body but keeps the page setup,
header and footer, and then only ever applies named styles: paragraph styles, character styles
for emphasis, and the table style (whose first-row look colours the heading row). Sections
therefore never touch fonts or colours, and a restyled house style restyles every document.
The one exception Word forces is a rating cell's fill, taken from the shading of its level's
paragraph style. Every table row short enough is kept on one page, so a risk never starts at
the foot of one page and ends on the next.
"""

from __future__ import annotations

import copy
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import docx
from docx.document import Document
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.section import _BaseHeaderFooter as _HeaderFooter
from docx.shared import Cm
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from .._errors import RenderError, SourceError
from . import _styles as s
from ._markup import Block, Span
from ._ooxml import (
    add_bookmark,
    add_text_run,
    append_field,
    drop_styles_with_effects,
    field_around,
    fix_table_widths,
    keep_row_together,
    link_to_bookmark,
    mark_right_to_left,
    package_bytes,
    printable,
    set_alt_text,
    set_paragraph_style,
    set_table_look,
    shade_cell,
    style_fill,
)
from ._package import check_package
from ._styles import DEFAULT_HOUSE_STYLE

__all__ = ["TEXT_WIDTH_CM", "Cell", "Column", "DocumentWriter", "Inline"]

TEXT_WIDTH_CM = 16.0
"""Width of the text block of the default house style (A4 less 2.5 cm margins)."""

Inline = str | Span | Sequence[Span]
LevelName = Literal["low", "medium", "high"]


@dataclass(frozen=True)
class Column:
    title: str
    width_cm: float


@dataclass(frozen=True)
class Cell:
    """A table cell: paragraphs of spans, optionally shaded as a risk level."""

    paragraphs: tuple[Inline, ...]
    level: LevelName | None = None

    @classmethod
    def of(cls, *paragraphs: Inline, level: LevelName | None = None) -> Cell:
        return cls(tuple(paragraphs), level)


CellContent = Inline | Cell


def _spans(content: Inline) -> tuple[Span, ...]:
    if isinstance(content, str):
        return (Span(content),)
    if isinstance(content, Span):
        return (content,)
    return tuple(content)


def _right_to_left(text: str) -> bool:
    """True when the first letter with a strong direction is Arabic or Hebrew script."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


_MORE_THAN_TEXT = ("}br", "}drawing", "}fldChar", "}bookmarkStart", "}sectPr", "}object")
"""What a paragraph without text may still carry: a break, a picture, a field or a bookmark."""


class DocumentWriter:
    """Appends content to a copy of the house style, in named styles only."""

    def __init__(self, house_style: Path | None):
        self.source = str(house_style) if house_style else "the default house style"
        path = house_style or _default_house_style()
        if house_style is not None:
            try:
                check_package(path.read_bytes())
            except OSError as exc:
                raise RenderError(f"{path}: cannot read: {exc.strerror or exc}") from None
            except SourceError as exc:
                raise RenderError(f"{path}: cannot open as a Word document: {exc}") from None
        try:
            self.document: Document = docx.Document(str(path))
        except Exception as exc:
            raise RenderError(f"{path}: cannot open as a Word document: {exc}") from None
        self._styles = {(style.name or "").casefold(): style for style in self.document.styles}
        if house_style is not None:
            self._borrow_later_styles()
        missing = [name for name in s.REQUIRED_STYLES if name.casefold() not in self._styles]
        if missing:
            raise RenderError(
                f"{path}: the house style lacks the style{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(m) for m in missing)}; add "
                f"{'them' if len(missing) > 1 else 'it'} in Word (same name) or start from "
                "templates/house-style.docx"
            )
        drop_styles_with_effects(self.document.part)
        self._character_styles = {
            (True, False): self.style(s.STRONG).style_id,
            (False, True): self.style(s.EMPHASIS).style_id,
            (True, True): self.style(s.STRONG_EMPHASIS).style_id,
        }
        body = self.document.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        self.headings: list[tuple[int, str]] = []
        self._anchors: list[str] = []
        self._contents: Paragraph | None = None

    def _borrow_later_styles(self) -> None:
        """Copy into an older house style the styles added since it was made, as the default
        house style defines them, so it keeps working unchanged."""
        lacking = [name for name in s.LATER_STYLES if name.casefold() not in self._styles]
        if not lacking:
            return
        default = docx.Document(str(_default_house_style()))
        for name in lacking:
            self.document.styles.element.append(copy.deepcopy(default.styles[name].element))
        self._styles = {(style.name or "").casefold(): style for style in self.document.styles}

    def style(self, name: str) -> BaseStyle:
        return self._styles[name.casefold()]

    def level_fill(self, level: LevelName) -> str:
        return style_fill(self.style(s.LEVEL[level])) or "FFFFFF"

    # Text ---------------------------------------------------------------------------------

    def _fill(self, paragraph: Paragraph, content: Inline) -> Paragraph:
        spans = _spans(content)
        for span in spans:
            add_text_run(paragraph, span.text, self._character_styles.get((span.bold, span.italic)))
        if _right_to_left("".join(span.text for span in spans)):
            mark_right_to_left(paragraph)
        return paragraph

    def styled(self, paragraph: Paragraph, style: str) -> Paragraph:
        """Apply a paragraph style by id (python-docx's own setter rescans every style)."""
        set_paragraph_style(paragraph, self.style(style).style_id)
        return paragraph

    def paragraph(self, content: Inline = "", style: str = s.BODY) -> Paragraph:
        return self._fill(self.styled(self.document.add_paragraph(), style), content)

    def heading(self, text: str, level: int) -> Paragraph:
        self.headings.append((level, printable(text)))
        if level == 1:
            self._drop_trailing_spacer()
        paragraph = self.paragraph(text, s.HEADING[level])
        if level in s.TOC_LEVELS:
            number = len(self._anchors)
            self._anchors.append(f"_Toc{number + 1:06d}")
            add_bookmark(paragraph, number, self._anchors[-1])
        return paragraph

    def bullets(self, items: Iterable[Inline]) -> None:
        for item in items:
            self.paragraph(item, s.BULLET)

    def blocks(self, blocks: Iterable[Block], heading_level: int = 3) -> None:
        for block in blocks:
            if block.kind == "heading":
                self.heading(block.text, heading_level)
            elif block.kind == "bullet":
                self.paragraph(block.spans, s.BULLET)
            else:
                self.paragraph(block.spans)

    def note(self, content: Inline) -> Paragraph:
        """Small print; right under a heading it is the heading's lead-in and stays with what
        follows, so a heading and its note are never left alone at the foot of a page."""
        follows_heading = self._last_is_heading()
        paragraph = self.paragraph(content, s.NOTE)
        if follows_heading:
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def _last_block(self) -> Any:
        """The last paragraph or table of the body, before its closing section properties."""
        body = self.document.element.body
        return body[-2] if len(body) > 1 and body[-1].tag.endswith("}sectPr") else body[-1]

    def _last_is_heading(self) -> bool:
        last = self._last_block()
        style = last.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        headings = {self.style(name).style_id for name in s.HEADING.values()}
        return style is not None and style.get(qn("w:val")) in headings

    def command(self, text: str) -> Paragraph:
        return self.paragraph(text, s.CODE)

    def fingerprint(self, text: str) -> Paragraph:
        """A certificate fingerprint on a line of its own, to compare character by character."""
        return self.paragraph(text, s.FINGERPRINT)

    def banner(self, title: str, lines: Iterable[Inline], kind: Literal["stop", "notice"]) -> None:
        title_style = s.BANNER_STOP if kind == "stop" else s.BANNER_NOTICE
        text_style = s.BANNER_STOP_TEXT if kind == "stop" else s.BANNER_NOTICE_TEXT
        written = [self.paragraph(title, title_style)]
        written.extend(self.paragraph(line, text_style) for line in lines)
        # A banner reads as one block: where it fits on a page it moves to the next one whole
        # rather than leave its warning split over two.
        for paragraph in written:
            paragraph.paragraph_format.keep_together = True
        for paragraph in written[:-1]:
            paragraph.paragraph_format.keep_with_next = True
        self.paragraph("")

    def caption(self, text: str) -> Paragraph:
        return self.paragraph(text, s.CAPTION)

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # Tables -------------------------------------------------------------------------------

    def table(
        self,
        columns: Sequence[Column],
        rows: Iterable[Sequence[CellContent]],
        *,
        header: bool = True,
    ) -> Table:
        """A fixed-layout table whose columns add up to the text width at most.

        A row is kept on one page unless it is too tall to be, and the heading row repeats on
        each page; its fill comes from the table style's first-row look.
        """
        rows = list(rows)
        self._keep_introduction_with_table()
        table = self.document.add_table(rows=len(rows) + (1 if header else 0), cols=len(columns))
        table._tbl.tblPr.style = self.style(s.TABLE).style_id
        set_table_look(table, first_row=header)
        table.autofit = False
        fix_table_widths(table, [Cm(c.width_cm) for c in columns])
        # A new table has one cell per column in every row, so each row's cells are its
        # `w:tc` elements (python-docx's `row.cells` works out spans and merges for each row).
        table_rows = [_Row(tr, table) for tr in table._tbl.tr_lst]
        if header:
            keep_row_together(table_rows[0], header=True)
            for cell, column in zip(_cells(table_rows[0]), columns, strict=True):
                self._fill_cell(cell.paragraphs[0], column.title, s.TABLE_HEADING)
        for row, values in zip(table_rows[1 if header else 0 :], rows, strict=True):
            if len(values) != len(columns):
                raise RenderError(f"table row has {len(values)} cells for {len(columns)} columns")
            contents = [value if isinstance(value, Cell) else Cell.of(value) for value in values]
            if _short_enough_to_keep(columns, contents):
                keep_row_together(row)
            for cell, content in zip(_cells(row), contents, strict=True):
                style = s.LEVEL[content.level] if content.level else s.TABLE_TEXT
                paragraphs = content.paragraphs or ("",)
                self._fill_cell(cell.paragraphs[0], paragraphs[0], style)
                for extra in paragraphs[1:]:
                    self._fill_cell(cell.add_paragraph(), extra, style)
                if content.level:
                    shade_cell(cell, self.level_fill(content.level))
        self.paragraph("").paragraph_format.space_after = 0
        return table

    def _drop_trailing_spacer(self) -> None:
        """A part starts on a new page, so the empty paragraph that closes a table is no space
        before it: where the table filled its page, that paragraph alone took the next one, and
        the document showed a blank page before the part."""
        last = self._last_block()
        contents = self._contents._p if self._contents is not None else None
        if (
            last.tag.endswith("}p")
            and last is not contents
            and not "".join(last.itertext())
            and not any(element.tag.endswith(_MORE_THAN_TEXT) for element in last.iter())
        ):
            last.getparent().remove(last)

    def _keep_introduction_with_table(self) -> None:
        """The paragraph just before a table introduces it: never leave it alone on a page."""
        last = self._last_block()
        if last.tag.endswith("}p") and "".join(last.itertext()).strip():
            Paragraph(last, self.document._body).paragraph_format.keep_with_next = True

    def _fill_cell(self, paragraph: Paragraph, content: Inline, style: str) -> None:
        self._fill(self.styled(paragraph, style), content)

    def key_values(self, pairs: Iterable[tuple[str, CellContent]], key_width: float = 5.0) -> Table:
        """Two columns without a heading row: what, then its value."""
        columns = (Column("", key_width), Column("", TEXT_WIDTH_CM - key_width))
        rows = [(Span(key, bold=True), value) for key, value in pairs]
        return self.table(columns, rows, header=False)

    # Pictures -----------------------------------------------------------------------------

    def picture(self, png: bytes, width_cm: float, title: str, description: str) -> None:
        paragraph = self.paragraph("")
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
        set_alt_text(paragraph, title, description)

    # Contents, header, footer --------------------------------------------------------------

    def contents(self, title: str) -> None:
        """Where the table of contents goes; its entries are written by `finish_contents`."""
        self.paragraph(title, s.TOC_HEADING)
        self._contents = self.paragraph("", s.TOC_LEVELS[1])

    def finish_contents(self) -> None:
        """Fill the contents field with the headings written, each a link to its heading, so it
        reads and works without being updated (updating it would change the signed file)."""
        if self._contents is None:
            return
        listed = [(level, text) for level, text in self.headings if level in s.TOC_LEVELS]
        entries = list(zip(listed, self._anchors, strict=True))
        placeholder = self._contents
        if not entries:
            placeholder.add_run("Update this field to list the contents.")
            field_around(placeholder, placeholder, r'TOC \o "1-2" \h \z \u')
            return
        written: list[Paragraph] = []
        anchor = placeholder
        for (level, text), bookmark in entries:
            entry = self.styled(anchor.insert_paragraph_before(), s.TOC_LEVELS[level])
            self._fill(entry, text)
            link_to_bookmark(entry, bookmark)
            written.append(entry)
        placeholder._p.getparent().remove(placeholder._p)
        field_around(written[0], written[-1], r'TOC \o "1-2" \h \z \u')

    def running_header(self, left: str, right: str) -> None:
        self._running(self.document.sections[0].header, f"{left}\t{right}", s.HEADER)

    def running_footer(self, left: str) -> None:
        paragraph = self._running(self.document.sections[0].footer, f"{left}\tPage ", s.FOOTER)
        append_field(paragraph, "PAGE", "1")
        paragraph.add_run(" of ")
        append_field(paragraph, "NUMPAGES", "1")

    def _running(self, part: _HeaderFooter, text: str, style: str) -> Paragraph:
        """Our line in a header or footer; the house style's own text and logo stay."""
        for existing in part.paragraphs:
            if not existing.text.strip() and not existing._p.xpath(".//w:drawing"):
                existing._p.getparent().remove(existing._p)
        return self._fill(self.styled(part.add_paragraph(), style), text)

    def save(self) -> bytes:
        """The finished document, the same bytes for the same content."""
        self.finish_contents()
        return package_bytes(self.document.part.package)


def _cells(row: _Row) -> list[_Cell]:
    return [_Cell(tc, row.table) for tc in row._tr.tc_lst]


_CHARACTER_CM = 0.17
"""A generous average width of a character of table text (9 pt Calibri averages about 0.15 cm)."""
_LINE_CM = 0.45
_KEPT_ROW_CM = 15.0
"""Three fifths of the default text height: the tallest row moved whole to the next page."""


def _short_enough_to_keep(columns: Sequence[Column], contents: Sequence[Cell]) -> bool:
    """Whether a row is short enough to keep on one page, by a deliberately rough estimate.

    A row kept together that is taller than a page is cut off at the foot of the page by Word,
    hiding its end; a row of up to three fifths of a page moves whole to the next page instead
    of being split, and a taller one (a long answer) is left free to break. The estimate counts
    characters, not font metrics, so the same content gives the same bytes on any machine.
    """
    tallest = 0.0
    for column, content in zip(columns, contents, strict=True):
        per_line = max(1, int(max(column.width_cm - 0.3, 0.5) / _CHARACTER_CM))
        lines = 0
        for paragraph in content.paragraphs or ("",):
            text = "".join(span.text for span in _spans(paragraph))
            for piece in text.split("\n"):
                lines += max(1, -(-len(piece) // per_line))
        tallest = max(tallest, lines * _LINE_CM)
    return tallest <= _KEPT_ROW_CM


def _default_house_style() -> Path:
    if not DEFAULT_HOUSE_STYLE.is_file():
        raise RenderError(
            f"{DEFAULT_HOUSE_STYLE}: the default house style is missing; rebuild it with "
            "python -m dpia.document._house_style"
        )
    return DEFAULT_HOUSE_STYLE
