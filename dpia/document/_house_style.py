"""Build `templates/house-style.docx`, the Word file that decides how every DPIA looks.

The renderer only names styles; this file defines them. A DPO team restyles the documents by
opening the house style in Word, changing fonts, colours, spacing, header or footer (a logo in
the header is kept), saving, and rendering again. This module is how the default file is
produced, so that it can be reviewed as code and rebuilt byte for byte:

    python -m dpia.document._house_style [PATH]
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle

from . import _styles as s
from ._ooxml import (
    drop_document_parts,
    drop_package_parts,
    drop_styles_with_effects,
    normalised_package,
    rename_style,
    set_compatibility_mode,
    set_document_language,
    set_extended_properties,
    set_style_border,
    set_style_fonts,
    set_style_shading,
    set_table_style_first_row_fill,
    set_table_style_grid,
    strip_theme_formatting,
)
from ._styles import DEFAULT_HOUSE_STYLE

__all__ = ["build_house_style", "main"]

_FONT = "Calibri"
"""Word's default face; LibreOffice sets it in Carlito, whose letters have the same widths, so the
PDF breaks lines and pages where Word does (Debian: fonts-crosextra-carlito)."""
_MONO = "Courier New"
"""Present wherever Word is; LibreOffice sets it in Liberation Mono, of the same widths
(Debian: fonts-liberation2)."""
_INK = "1F2933"
_NAVY = "1B3A5C"
_BLUE = "24527A"
_MUTED = "5F6B7A"
_RULE = "C9D2DC"
_STOP = "8E1B17"
_AMBER = "E0A800"
_LEVELS = {
    s.LEVEL["low"]: ("DCEFE0", "1E5631"),
    s.LEVEL["medium"]: ("FFF1C7", "6B4A00"),
    s.LEVEL["high"]: ("F9D6D5", "8E1B17"),
}
_TEXT_WIDTH = Cm(16)


def _look(
    style: BaseStyle,
    *,
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    color: str | None = None,
    before: float | None = None,
    after: float | None = None,
    line: float | None = None,
    keep_next: bool | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: float | None = None,
    font: str | None = None,
) -> None:
    strip_theme_formatting(style)
    if font is not None:
        set_style_fonts(style, font, font)
    text = style.font  # type: ignore[attr-defined]
    if size is not None:
        text.size = Pt(size)
    if bold is not None:
        text.bold = bold
    if italic is not None:
        text.italic = italic
    if color is not None:
        text.color.rgb = RGBColor.from_string(color)
    if style.type != WD_STYLE_TYPE.PARAGRAPH:
        return
    layout = style.paragraph_format  # type: ignore[attr-defined]
    if before is not None:
        layout.space_before = Pt(before)
    if after is not None:
        layout.space_after = Pt(after)
    if line is not None:
        layout.line_spacing = line
    if keep_next is not None:
        layout.keep_with_next = keep_next
    if align is not None:
        layout.alignment = align
    if indent is not None:
        layout.left_indent = Cm(indent)


def _paragraph_style(document: object, name: str, base: str = s.BODY) -> BaseStyle:
    styles = document.styles  # type: ignore[attr-defined]
    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.quick_style = True
        return style


def _define_styles(document: object) -> None:
    styles = document.styles  # type: ignore[attr-defined]
    set_document_language(styles.element, "en-GB")
    body = styles[s.BODY]
    _look(body, font=_FONT, size=10, color=_INK, after=6, line=1.15)
    for level, (size, color, before) in {
        1: (18, _NAVY, 18),
        2: (13, _BLUE, 14),
        3: (11, _NAVY, 10),
    }.items():
        heading = styles[s.HEADING[level]]
        _look(heading, font=_FONT, size=size, bold=True, italic=False, color=color)
        _look(heading, before=before, after=6 if level > 1 else 8, keep_next=True, line=1.0)
    set_style_border(styles[s.HEADING[1]], ("bottom",), _NAVY, 8, 4)
    styles[s.HEADING[1]].paragraph_format.page_break_before = True
    _look(styles[s.BULLET], font=_FONT, size=10, color=_INK, after=3)
    _look(styles[s.CAPTION], font=_FONT, size=9, italic=True, bold=False, color=_MUTED, after=10)
    note = _paragraph_style(document, s.NOTE)
    _look(note, size=9, color=_MUTED, italic=True)
    command = _paragraph_style(document, s.CODE)
    _look(command, font=_MONO, size=8.5, color=_INK, indent=0.4, after=4, line=1.0)
    set_style_shading(command, "F2F4F7")
    # 95 characters (32 bytes in hex with colons) at 7.5 pt take 15.1 cm: one line of the text.
    fingerprint = _paragraph_style(document, s.FINGERPRINT)
    _look(fingerprint, font=_MONO, size=7.5, color=_INK, after=6, line=1.0)
    fingerprint.paragraph_format.keep_together = True
    _character_styles(document)
    for name in (s.HEADER, s.FOOTER):
        style = styles[name]
        _look(style, font=_FONT, size=8, color=_MUTED, after=0, line=1.0)
        stops = style.paragraph_format.tab_stops
        stops.clear_all()
        stops.add_tab_stop(_TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    set_style_border(styles[s.HEADER], ("bottom",), _RULE, 4, 4)
    toc_heading = styles[s.TOC_HEADING]
    _look(toc_heading, font=_FONT, size=18, bold=True, color=_NAVY, before=0, after=12)
    toc_heading.paragraph_format.page_break_before = True
    for level, toc_name in s.TOC_LEVELS.items():
        toc = _paragraph_style(document, toc_name)
        rename_style(toc, toc_name.lower(), toc_name.replace(" ", ""))
        _look(toc, size=10, bold=level == 1, before=6 if level == 1 else 0, after=2)
        _look(toc, indent=0.0 if level == 1 else 0.6)
        toc.paragraph_format.tab_stops.add_tab_stop(
            _TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )
    _cover_styles(document)
    _banner_styles(document)
    _table_styles(document)


def _character_styles(document: object) -> None:
    """Emphasis inside a paragraph: bold, italic, and both."""
    styles = document.styles  # type: ignore[attr-defined]
    _look(styles[s.STRONG], bold=True)
    _look(styles[s.EMPHASIS], italic=True)
    try:
        both = styles[s.STRONG_EMPHASIS]
    except KeyError:
        both = styles.add_style(s.STRONG_EMPHASIS, WD_STYLE_TYPE.CHARACTER)
        both.base_style = styles[s.STRONG]
        both.quick_style = True
    _look(both, bold=True, italic=True)


def _cover_styles(document: object) -> None:
    organisation = _paragraph_style(document, s.COVER_ORGANISATION)
    _look(organisation, size=12, bold=True, color=_BLUE, before=96, after=24)
    title = _paragraph_style(document, s.COVER_TITLE)
    _look(title, size=30, bold=True, color=_NAVY, after=6, line=1.0)
    subtitle = _paragraph_style(document, s.COVER_SUBTITLE)
    _look(subtitle, size=16, color=_BLUE, after=36, line=1.1)
    set_style_border(subtitle, ("bottom",), _NAVY, 12, 12)
    detail = _paragraph_style(document, s.COVER_DETAIL)
    _look(detail, size=11, color=_INK, after=4)


def _banner_styles(document: object) -> None:
    pairs = (
        (s.BANNER_STOP, s.BANNER_STOP_TEXT, _STOP, "FFFFFF", _STOP),
        (s.BANNER_NOTICE, s.BANNER_NOTICE_TEXT, "FFF1C7", "4A3500", _AMBER),
    )
    for title_name, text_name, fill, ink, edge in pairs:
        title = _paragraph_style(document, title_name)
        _look(title, size=13, bold=True, color=ink, before=8, after=0, keep_next=True)
        text = _paragraph_style(document, text_name)
        _look(text, size=10, color=ink, before=0, after=0)
        for style in (title, text):
            set_style_shading(style, fill)
            set_style_border(style, ("top", "left", "bottom", "right"), edge, 12, 6)


def _table_styles(document: object) -> None:
    styles = document.styles  # type: ignore[attr-defined]
    try:
        table = styles[s.TABLE]
    except KeyError:
        table = styles.add_style(s.TABLE, WD_STYLE_TYPE.TABLE)
        table.base_style = styles["Normal Table"]
    set_table_style_grid(table, _RULE, 85)
    set_table_style_first_row_fill(table, _NAVY)
    text = _paragraph_style(document, s.TABLE_TEXT)
    _look(text, size=9, after=2, before=0, line=1.05)
    heading = _paragraph_style(document, s.TABLE_HEADING, base=s.TABLE_TEXT)
    _look(heading, bold=True, color="FFFFFF", keep_next=True)
    for name, (fill, ink) in _LEVELS.items():
        level = _paragraph_style(document, name, base=s.TABLE_TEXT)
        _look(level, bold=True, color=ink, align=WD_ALIGN_PARAGRAPH.CENTER)
        set_style_shading(level, fill)


_SPECIMEN = (
    (s.COVER_ORGANISATION, "Cover Organisation: the organisation's name on the cover"),
    (s.COVER_TITLE, "Cover Title"),
    (s.COVER_SUBTITLE, "Cover Subtitle: the assessment's title"),
    (s.COVER_DETAIL, "Cover Detail: assessment id, version, status and date"),
    (s.HEADING[1], "Heading 1: the parts of the DPIA"),
    (s.HEADING[2], "Heading 2: sections within a part"),
    (s.HEADING[3], "Heading 3: one risk, one jurisdiction"),
    (
        s.BODY,
        "Normal: body text. Every style in this file is used by the renderer; change how it "
        "looks, keep its name. Text you type here is not copied into the documents.",
    ),
    (s.BULLET, "List Bullet: reasons and lists"),
    (s.NOTE, "Note: small print such as what a statutory maximum means"),
    (s.CODE, "Command: dpia verify DPIA.docx --trust var/trust"),
    (s.NOTE, "Fingerprint, below: a certificate's SHA-256 fingerprint, on one line"),
    (
        s.FINGERPRINT,
        "3F:A0:9C:11:5B:E2:07:D4:88:6A:F1:2C:90:B3:4E:71:"
        "C5:0D:E9:26:7B:A8:13:F4:5C:62:0E:B7:D9:38:A1:4F",
    ),
    (s.BANNER_STOP, "Banner Stop: do not proceed"),
    (s.BANNER_STOP_TEXT, "Banner Stop Text: why the processing cannot go ahead as designed."),
    (s.BANNER_NOTICE, "Banner Notice: prior consultation required"),
    (s.BANNER_NOTICE_TEXT, "Banner Notice Text: what has to happen before processing starts."),
    (s.CAPTION, "Caption: figure and table captions"),
)


def _write_specimen(document: object) -> None:
    """Show each style once, so a DPO opening the file in Word sees what to restyle."""
    for style, text in _SPECIMEN:
        document.add_paragraph(text, style=style)  # type: ignore[attr-defined]
    emphasis = document.add_paragraph("Character styles: ", style=s.BODY)  # type: ignore[attr-defined]
    for name in (s.STRONG, s.EMPHASIS, s.STRONG_EMPHASIS):
        emphasis.add_run(name, style=name)
        emphasis.add_run("." if name == s.STRONG_EMPHASIS else ", ")
    table = document.add_table(rows=2, cols=4)  # type: ignore[attr-defined]
    table.style = document.styles[s.TABLE]  # type: ignore[attr-defined]
    header = ("Table Heading", "Table Text", "Level High", "Level Low")
    cells = (s.TABLE_TEXT, s.TABLE_TEXT, s.LEVEL["high"], s.LEVEL["low"])
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = document.styles[s.TABLE_HEADING]  # type: ignore[attr-defined]
    for cell, name in zip(table.rows[1].cells, cells, strict=True):
        cell.paragraphs[0].text = name
        cell.paragraphs[0].style = document.styles[name]  # type: ignore[attr-defined]
    medium = document.add_paragraph(s.LEVEL["medium"], style=s.LEVEL["medium"])  # type: ignore[attr-defined]
    medium.add_run().add_break(WD_BREAK.LINE)


def _page_setup(document: object) -> None:
    section = document.sections[0]  # type: ignore[attr-defined]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.4), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.1)
    section.different_first_page_header_footer = True
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    section.header.paragraphs[0].style = document.styles[s.HEADER]  # type: ignore[attr-defined]
    section.footer.paragraphs[0].style = document.styles[s.FOOTER]  # type: ignore[attr-defined]
    section.first_page_header.paragraphs[0].style = document.styles[s.BODY]  # type: ignore[attr-defined]


_UNUSED_STYLE_PREFIXES = ("Light ", "Medium ", "Dark ", "Colorful ")


def _drop_unused_table_styles(document: object) -> None:
    """The blank template's 140 Word 2007 table designs: clutter in the DPO's styles pane."""
    styles = document.styles  # type: ignore[attr-defined]
    for style in list(styles):
        if style.type == WD_STYLE_TYPE.TABLE and (style.name or "").startswith(
            _UNUSED_STYLE_PREFIXES
        ):
            style.delete()


def build_house_style() -> bytes:
    """The default house style, identical on every build."""
    document = Document()
    _drop_unused_table_styles(document)
    drop_package_parts(document.part.package, (RT.THUMBNAIL,))
    drop_document_parts(document.part, (RT.CUSTOM_XML,))
    drop_styles_with_effects(document.part)
    set_extended_properties(document.part.package, "dpia", "")
    set_compatibility_mode(document.settings.element, 15)
    _define_styles(document)
    _page_setup(document)
    _write_specimen(document)
    properties = document.core_properties
    properties.title = "DPIA house style"
    properties.subject = "Styles used by every Data Protection Impact Assessment document"
    properties.author = properties.last_modified_by = "dpia"
    properties.created = properties.modified = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    properties.revision = 1
    properties.comments = "Change how the styles look; keep their names."
    buffer = io.BytesIO()
    document.save(buffer)
    return normalised_package(buffer.getvalue())


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else DEFAULT_HOUSE_STYLE
    target.write_bytes(build_house_style())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
