"""Raw WordprocessingML that python-docx has no API for, kept in one place.

python-docx 1.2 is the last release and is only minimally maintained: shading, fields, fixed
table layout, right-to-left paragraphs, custom properties and custom XML parts all need raw
elements. Keeping every one of them here means the rest of the renderer speaks only in styles
and python-docx objects, and a switch to another library touches one module.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.package import OpcPackage
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser
from docx.shared import Length
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml import etree

from ._xml_escapes import xml_text

__all__ = [
    "XML_ILLEGAL",
    "add_bookmark",
    "add_custom_xml",
    "add_text_run",
    "append_field",
    "custom_xml_blobs",
    "drop_custom_xml",
    "drop_styles_with_effects",
    "field_around",
    "fix_table_widths",
    "forget_printing",
    "keep_row_together",
    "link_to_bookmark",
    "mark_right_to_left",
    "normalised_package",
    "package_bytes",
    "printable",
    "set_alt_text",
    "set_custom_properties",
    "set_document_id",
    "set_extended_properties",
    "set_paragraph_style",
    "set_table_look",
    "set_table_style_first_row_fill",
    "shade_cell",
    "style_fill",
]

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters lxml refuses; answers are checked at the boundary, this is the last guard."""

_EXTENDED_PROPERTIES_TYPE = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_CUSTOM_PROPERTIES_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_XML_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_PROPERTY_SET = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@lru_cache(maxsize=64)
def _tag(prefixed: str) -> tuple[str, dict[str, str]]:
    tag = NamespacePrefixedTag(prefixed)
    return tag.clark_name, tag.nsmap


def _element(prefixed: str) -> Any:
    """`OxmlElement(prefixed)`, the same element, without reading the prefixed name again:
    a long report makes thousands of runs, texts and style references."""
    clark_name, namespaces = _tag(prefixed)
    return oxml_parser.makeelement(clark_name, nsmap=namespaces)


_VAL = qn("w:val")
_P_PR = qn("w:pPr")
_P_STYLE = qn("w:pStyle")
_SPACE = qn("xml:space")


def printable(text: str) -> str:
    """`text` with characters a Word document cannot hold replaced by U+FFFD."""
    return XML_ILLEGAL.sub("\ufffd", text)


_RUN_BREAKS = re.compile(r"(\t|\r\n|\n|\r)")


def add_text_run(paragraph: Paragraph, text: str, character_style: str | None = None) -> None:
    """Append a run built directly in lxml, in the character style with id `character_style`.

    python-docx's run setter walks the text one character at a time to turn tabs and line
    breaks into elements, which dominates the cost of a long report; this does the same in
    one split. Emphasis is a character style, never direct bold or italic, so restyling
    "Strong" in the house style restyles every emphasised word.
    """
    run = _element("w:r")
    if character_style:
        properties = _element("w:rPr")
        style = _element("w:rStyle")
        style.set(_VAL, character_style)
        properties.append(style)
        run.append(properties)
    for piece in _RUN_BREAKS.split(printable(text)):
        if not piece:
            continue
        if piece == "\t":
            run.append(_element("w:tab"))
        elif piece in ("\n", "\r", "\r\n"):
            run.append(_element("w:br"))
        else:
            element = _element("w:t")
            element.text = piece
            if piece != piece.strip():
                element.set(_SPACE, "preserve")
            run.append(element)
    paragraph._p.append(run)


def set_paragraph_style(paragraph: Paragraph, style_id: str) -> None:
    """`w:pStyle` as the first property (python-docx's setter rescans the schema each time)."""
    p = paragraph._p
    p_pr = p.find(_P_PR)
    if p_pr is None:
        p_pr = _element("w:pPr")
        p.insert(0, p_pr)
    p_style = p_pr.find(_P_STYLE)
    if p_style is None:
        p_style = _element("w:pStyle")
        p_pr.insert(0, p_style)
    p_style.set(_VAL, style_id)


def _fresh_shading(properties: Any, fill: str) -> Any:
    """A solid `w:shd` of `fill`, replacing any shading the properties element had."""
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    return shd


def shade_cell(cell: _Cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(_fresh_shading(tc_pr, fill))


def style_fill(style: BaseStyle) -> str | None:
    """The background colour a paragraph style gives its text, as six hex digits."""
    shd = style.element.find(f"{qn('w:pPr')}/{qn('w:shd')}")
    if shd is None:
        return None
    fill = shd.get(qn("w:fill"))
    if fill is None or not re.fullmatch(r"[0-9A-Fa-f]{6}", fill):
        return None
    return fill.upper()


def keep_row_together(row: _Row, *, header: bool = False) -> None:
    """Never break the row across pages; a `header` row also repeats on every page it runs onto.

    Both are bare on/off elements: Word's schema allows only `on`/`off` as values, so the
    element alone says "on" without a value Word would have to repair.
    """
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(_element("w:cantSplit"))
    if header:
        tr_pr.append(_element("w:tblHeader"))


def set_table_look(table: Table, *, first_row: bool) -> None:
    """Which parts of the table style apply: the first-row look only when there is a heading."""
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        table._tbl.tblPr.append(look)
    for attribute in list(look.attrib):
        del look.attrib[attribute]
    flags = {"firstRow": first_row, "lastRow": False, "firstColumn": False, "lastColumn": False}
    for name, on in flags.items():
        look.set(qn(f"w:{name}"), "1" if on else "0")
    look.set(qn("w:noHBand"), "1")
    look.set(qn("w:noVBand"), "1")
    look.set(qn("w:val"), "0620" if first_row else "0600")


def fix_table_widths(table: Table, widths: Iterable[Length]) -> None:
    """Give every column a fixed width so long words wrap inside their cell, never the page."""
    widths = [int(w) for w in widths]
    twips = [w // 635 for w in widths]
    tbl_pr = table._tbl.tblPr
    layout = tbl_pr.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        tbl_pr.append(layout)
    layout.set(qn("w:type"), "fixed")
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:w"), str(sum(twips)))
    tbl_w.set(qn("w:type"), "dxa")
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=True):
        grid_col.set(qn("w:w"), str(width))
    for tr in table._tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, twips, strict=True):
            tc_pr = tc.get_or_add_tcPr()
            tc_w = tc_pr.find(qn("w:tcW"))
            if tc_w is None:
                tc_w = OxmlElement("w:tcW")
                tc_pr.insert(0, tc_w)
            tc_w.set(qn("w:w"), str(width))
            tc_w.set(qn("w:type"), "dxa")


def append_field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A complex field (PAGE, NUMPAGES) with `shown` as its result until it is updated.

    Never marked dirty: a dirty field makes Word update it on opening and then count the file
    as changed, inviting a save that would alter the signed bytes. Page numbers are laid out
    afresh by every reader anyway.
    """

    def run_with(child: OxmlElement) -> None:
        run = paragraph.add_run()
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def field_around(first: Paragraph, last: Paragraph, instruction: str) -> None:
    """Make the paragraphs from `first` to `last` the cached result of one complex field.

    A table of contents is such a field: Word rebuilds it when the reader asks for it, and until
    then the entries written in between are what shows. It is not marked dirty, so opening the
    signed file never rewrites it.
    """
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    position = 1 if first._p.pPr is not None else 0
    for offset, child in enumerate((begin, instr, separate)):
        run = OxmlElement("w:r")
        run.append(child)
        first._p.insert(position + offset, run)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    end_run = OxmlElement("w:r")
    end_run.append(end)
    last._p.append(end_run)


def add_bookmark(paragraph: Paragraph, number: int, name: str) -> None:
    """Mark the whole paragraph as the bookmark `name` (what a contents entry links to)."""
    p = paragraph._p
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    p.insert(1 if p.pPr is not None else 0, start)
    p.append(end)


def link_to_bookmark(paragraph: Paragraph, name: str) -> None:
    """Make the paragraph's text a link to the bookmark `name` inside the same document."""
    p = paragraph._p
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), name)
    link.set(qn("w:history"), "1")
    for run in p.findall(qn("w:r")):
        link.append(run)
    p.append(link)


def mark_right_to_left(paragraph: Paragraph) -> None:
    """Lay the paragraph out right to left (Arabic, Hebrew) in Word and LibreOffice alike."""
    p_pr = paragraph._p.get_or_add_pPr()
    _insert_in_order(p_pr, OxmlElement("w:bidi"))
    for run in paragraph.runs:
        r_pr = run._r.get_or_add_rPr()
        r_pr.append(OxmlElement("w:rtl"))


def set_alt_text(paragraph: Paragraph, title: str, description: str) -> None:
    """Describe a picture for screen readers (the `descr` Word shows as alternative text)."""
    for doc_pr in paragraph._p.iter(qn("wp:docPr")):
        doc_pr.set("title", printable(title))
        doc_pr.set("descr", printable(description))


def set_custom_properties(package: object, properties: Mapping[str, str | int]) -> None:
    """Write docProps/custom.xml (document properties a DMS can index), replacing any other.

    python-docx has no API for custom properties, so the part is built here.
    """
    rels = package.rels  # type: ignore[attr-defined]
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            rels.pop(rid)
    entries = []
    for pid, (name, value) in enumerate(properties.items(), start=2):
        kind = "i4" if isinstance(value, int) else "lpwstr"
        entries.append(
            f'<property fmtid="{_PROPERTY_SET}" pid="{pid}" name="{xml_text(name)}">'
            f"<vt:{kind}>{xml_text(printable(str(value)))}</vt:{kind}></property>"
        )
    blob = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes">' + "".join(entries) + "</Properties>"
    ).encode()
    part = Part(PackURI("/docProps/custom.xml"), _CUSTOM_PROPERTIES_TYPE, blob, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)  # type: ignore[attr-defined]


def set_extended_properties(package: object, application: str, company: str) -> None:
    """Write docProps/app.xml naming the program that made the file, replacing any other.

    The blank template's copy claims another word processor, one page and no words. Page, word
    and line counts are left out: only a program that lays the pages out can know them, and
    Word fills them in when it saves.
    """
    rels = package.rels  # type: ignore[attr-defined]
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rels.pop(rid)
    blob = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'docPropsVTypes"><Application>{xml_text(printable(application))}</Application>'
        "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        + (f"<Company>{xml_text(printable(company))}</Company>" if company else "")
        + "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
    ).encode()
    part = Part(PackURI("/docProps/app.xml"), _EXTENDED_PROPERTIES_TYPE, blob, package)
    package.relate_to(part, RT.EXTENDED_PROPERTIES)  # type: ignore[attr-defined]


def forget_printing(core_properties: object) -> None:
    """Remove "last printed" from the core properties: the file has not been printed."""
    element = core_properties._element  # type: ignore[attr-defined]
    for printed in element.findall(qn("cp:lastPrinted")):
        element.remove(printed)


def drop_styles_with_effects(document_part: Part) -> None:
    """Remove Word 2010's second copy of the styles, which python-docx's template carries.

    It describes the template's styles, not the house style's, and Word repairs a file whose
    two copies disagree; Word 2013 and later no longer write it.
    """
    drop_document_parts(document_part, (_STYLES_WITH_EFFECTS,))


def set_document_id(settings_element: object, digest: str) -> None:
    """Word's document id (`w14:docId`) taken from the hex digest of the content.

    Every document made from the same template would otherwise share the template's id; taking
    it from the content keeps it distinct per document and the same for the same inputs. Word
    allows 1 to 0x7FFFFFFF, written as eight hex digits.
    """
    element = settings_element.find(f"{{{_W14}}}docId")  # type: ignore[attr-defined]
    if element is None:
        return
    number = int(digest.replace(":", "")[:8], 16) & 0x7FFFFFFF
    element.set(f"{{{_W14}}}val", f"{number or 1:08X}")


def _root_namespace(blob: bytes) -> str | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(blob, parser)
    except etree.XMLSyntaxError:
        return None
    return etree.QName(root).namespace


def custom_xml_blobs(document_part: Part, namespace: str) -> list[bytes]:
    """The custom XML items related from the main document whose root is in `namespace`."""
    found = []
    for rel in document_part.rels.values():
        if rel.reltype == RT.CUSTOM_XML and not rel.is_external:
            blob = rel.target_part.blob
            if _root_namespace(blob) == namespace:
                found.append(blob)
    return found


def drop_custom_xml(document_part: Part, namespace: str) -> None:
    """Remove our custom XML items, e.g. from a finished DPIA reused as a house style."""
    for rid, rel in list(document_part.rels.items()):
        if (
            rel.reltype == RT.CUSTOM_XML
            and not rel.is_external
            and _root_namespace(rel.target_part.blob) == namespace
        ):
            document_part.rels.pop(rid)


def add_custom_xml(document_part: Part, blob: bytes, item_id: str, namespace: str) -> None:
    """Store `blob` as a custom XML item (`customXml/itemN.xml` plus its itemProps).

    Word keeps custom XML items through edits and saves, which is what makes the embedded
    answers survive a round trip through Word.
    """
    package = document_part.package
    partname = package.next_partname("/customXml/item%d.xml")
    number = re.search(r"(\d+)\.xml$", partname).group(1)  # type: ignore[union-attr]
    item = Part(partname, "application/xml", blob, package)
    props_blob = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<ds:datastoreItem xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'customXml" ds:itemID="{item_id}"><ds:schemaRefs>'
        f'<ds:schemaRef ds:uri="{xml_text(namespace)}"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode()
    props = Part(
        PackURI(f"/customXml/itemProps{number}.xml"), _CUSTOM_XML_PROPS_TYPE, props_blob, package
    )
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    document_part.relate_to(item, RT.CUSTOM_XML)


def _fixed_zip(entries: Mapping[str, bytes]) -> bytes:
    """A zip whose bytes depend on the content alone: fixed dates, fixed order.

    python-docx stamps every zip entry with the current time, so two renders of the same input
    would differ; `[Content_Types].xml` goes first, as Office writes it.
    """
    names = sorted(entries, key=lambda n: (n != "[Content_Types].xml", n))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            entry = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0o600 << 16
            target.writestr(entry, entries[name], compresslevel=6)
    return buffer.getvalue()


def normalised_package(raw: bytes) -> bytes:
    """An existing .docx rewritten with fixed entry dates and order."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    return _fixed_zip({name: source.read(name) for name in source.namelist()})


class _Entries:
    """Collects what python-docx's package writer would put in the zip."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def write(self, uri: PackURI, blob: bytes) -> None:
        self.blobs[uri.membername] = blob


def package_bytes(package: OpcPackage) -> bytes:
    """Serialise a package straight into the fixed zip, compressing each part once."""
    for part in package.parts:
        part.before_marshal()
    entries = _Entries()
    PackageWriter._write_content_types_stream(entries, package.parts)
    PackageWriter._write_pkg_rels(entries, package.rels)
    PackageWriter._write_parts(entries, package.parts)  # type: ignore[arg-type]
    return _fixed_zip(entries.blobs)


def strip_theme_formatting(style: BaseStyle) -> None:
    """Drop theme font and colour references, which would override the explicit values."""
    r_pr = style.element.find(qn("w:rPr"))
    if r_pr is None:
        return
    for element in r_pr:
        for attribute in list(element.attrib):
            if "theme" in attribute.lower():
                del element.attrib[attribute]


def set_style_fonts(style: BaseStyle, latin: str, complex_script: str) -> None:
    """Name the font for Latin and complex-script text; East Asian text falls back per system."""
    r_pr = style.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), complex_script)


def set_style_shading(style: BaseStyle, fill: str) -> None:
    p_pr = style.element.get_or_add_pPr()
    _insert_in_order(p_pr, _fresh_shading(p_pr, fill))


def set_style_border(
    style: BaseStyle, sides: Iterable[str], color: str, eighths: int, space: int
) -> None:
    """Border lines on the given sides of every paragraph in the style (`eighths` of a point)."""
    p_pr = style.element.get_or_add_pPr()
    for old in p_pr.findall(qn("w:pBdr")):
        p_pr.remove(old)
    border = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        if side not in sides:
            continue
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(eighths))
        line.set(qn("w:space"), str(space))
        line.set(qn("w:color"), color)
        border.append(line)
    _insert_in_order(p_pr, border)


_P_PR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]


def _insert_in_order(p_pr: object, child: object) -> None:
    """Insert a pPr child where the schema wants it; Word refuses out-of-order elements."""
    rank = {qn(f"w:{name}"): index for index, name in enumerate(_P_PR_ORDER)}
    mine = rank[child.tag]  # type: ignore[attr-defined]
    for index, existing in enumerate(p_pr):  # type: ignore[attr-defined]
        if rank.get(existing.tag, len(rank)) > mine:
            p_pr.insert(index, child)  # type: ignore[attr-defined]
            return
    p_pr.append(child)  # type: ignore[attr-defined]


def set_table_style_grid(style: BaseStyle, color: str, margin_twips: int) -> None:
    """Thin grid lines and inner cell margins for every table in the style."""
    tbl_pr = style.element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        style.element.append(tbl_pr)
    for child in list(tbl_pr):
        tbl_pr.remove(child)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), color)
        borders.append(line)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 40), ("left", margin_twips), ("bottom", 40)):
        cell_margin = OxmlElement(f"w:{side}")
        cell_margin.set(qn("w:w"), str(twips))
        cell_margin.set(qn("w:type"), "dxa")
        margins.append(cell_margin)
    right = OxmlElement("w:right")
    right.set(qn("w:w"), str(margin_twips))
    right.set(qn("w:type"), "dxa")
    margins.append(right)
    tbl_pr.append(margins)


def set_table_style_first_row_fill(style: BaseStyle, fill: str) -> None:
    """Fill the heading row of every table in the style (its `firstRow` conditional look)."""
    for old in style.element.findall(qn("w:tblStylePr")):
        if old.get(qn("w:type")) == "firstRow":
            style.element.remove(old)
    first_row = OxmlElement("w:tblStylePr")
    first_row.set(qn("w:type"), "firstRow")
    tc_pr = OxmlElement("w:tcPr")
    tc_pr.append(_fresh_shading(tc_pr, fill))
    first_row.append(tc_pr)
    style.element.append(first_row)


def rename_style(style: BaseStyle, name: str, style_id: str) -> None:
    """Give a style Word's built-in spelling (`toc 1`), which python-docx cannot write."""
    style.element.find(qn("w:name")).set(qn("w:val"), name)  # type: ignore[union-attr]
    style.element.set(qn("w:styleId"), style_id)


def drop_package_parts(package: object, reltypes: Iterable[str]) -> None:
    """Remove parts the blank template carries but a house style must not (thumbnail)."""
    wanted = set(reltypes)
    rels = package.rels  # type: ignore[attr-defined]
    for rid, rel in list(rels.items()):
        if rel.reltype in wanted:
            rels.pop(rid)


def drop_document_parts(document_part: Part, reltypes: Iterable[str]) -> None:
    wanted = set(reltypes)
    for rid, rel in list(document_part.rels.items()):
        if rel.reltype in wanted:
            document_part.rels.pop(rid)


def set_compatibility_mode(settings_element: object, mode: int) -> None:
    """Lay the document out as Word 2013 and later do (15), not in Word 2010's compatibility
    mode, which the blank template asks for and Word shows in the title bar."""
    for setting in settings_element.iter(qn("w:compatSetting")):  # type: ignore[attr-defined]
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), str(mode))


def set_document_language(styles_element: object, language: str) -> None:
    """The proofing language of every style that does not say otherwise."""
    defaults = styles_element.find(qn("w:docDefaults"))  # type: ignore[attr-defined]
    r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), language)
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is not None:
        r_pr.remove(fonts)
