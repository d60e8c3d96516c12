"""The .docx package Word opens: nothing it would repair, no false properties, look from styles.

`openxml-audit` checks every example against the Open XML schemas and Word's own repair rules,
which is what decides whether Word opens the file as is or rewrites it (and so changes the bytes
that were signed).
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from lxml import etree
from openxml_audit import OpenXmlValidator
from PIL import ImageFont

from dpia import load_answers
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia.document import DEFAULT_HOUSE_STYLE, render_docx
from dpia.document._writer import Column, DocumentWriter
from dpia.risk import assess

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
NS = {"w": W, "w14": W14}


def _render(path: Path) -> bytes:
    questionnaire = questionnaire_for(questionnaire_ref_of(path))
    subject = load_answers(path, questionnaire).assessment
    report = assess(questionnaire, subject, as_of=subject.meta.date)
    return render_docx(questionnaire, subject, report)


@pytest.fixture(scope="module")
def packages() -> dict[str, bytes]:
    return {path.stem: _render(path) for path in EXAMPLES}


def _part(blob: bytes, name: str) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(blob)).read(name))


@pytest.mark.slow
def test_word_opens_every_example_and_the_house_style_without_repair(packages, tmp_path):
    validator = OpenXmlValidator(max_errors=0)
    files = {**packages, "house-style": DEFAULT_HOUSE_STYLE.read_bytes()}
    for name, blob in files.items():
        path = tmp_path / f"{name}.docx"
        path.write_bytes(blob)
        result = validator.validate(path)
        assert result.errors == [], f"{name}: " + "; ".join(
            f"{e.part_uri} {e.path}: {e.description}" for e in result.errors[:5]
        )


def test_properties_say_what_made_the_file_and_leave_counting_pages_to_word(packages):
    version = metadata.version("dpia")
    for name, blob in packages.items():
        names = zipfile.ZipFile(io.BytesIO(blob)).namelist()
        assert "word/stylesWithEffects.xml" not in names, name
        app = _part(blob, "docProps/app.xml")
        fields = {etree.QName(child).localname: child.text for child in app}
        assert fields["Application"] == f"dpia {version}", name
        assert not {"Pages", "Words", "Characters", "Lines", "Paragraphs"} & fields.keys()
        assert not {"Template", "AppVersion", "TotalTime"} & fields.keys()
        core = _part(blob, "docProps/core.xml")
        assert not [e for e in core if etree.QName(e).localname == "lastPrinted"], name
        custom = _part(blob, "docProps/custom.xml")
        status = custom.xpath("//*[@name='DocumentStatus']")[0]
        assert status[0].text == "Draft", name


def test_each_document_has_its_own_word_id_and_keeps_it(packages):
    ids = {}
    for name, blob in packages.items():
        settings = _part(blob, "word/settings.xml")
        value = settings.find("w14:docId", NS).get(f"{{{W14}}}val")
        assert re.fullmatch(r"[0-9A-F]{8}", value) and 0 < int(value, 16) < 0x80000000, value
        ids[name] = value
    assert len(set(ids.values())) == len(ids)
    again = _part(_render(EXAMPLES[0]), "word/settings.xml").find("w14:docId", NS)
    assert again.get(f"{{{W14}}}val") == ids[EXAMPLES[0].stem]


def test_opening_the_file_updates_no_field(packages):
    for name, blob in packages.items():
        archive = zipfile.ZipFile(io.BytesIO(blob))
        for part in archive.namelist():
            if part.endswith(".xml"):
                assert b"w:dirty" not in archive.read(part), f"{name}: {part}"
        document = _part(blob, "word/document.xml")
        assert document.xpath("//w:instrText[contains(., 'TOC')]", namespaces=NS), name


def test_each_contents_entry_links_to_its_heading(packages):
    for name, blob in packages.items():
        document = _part(blob, "word/document.xml")
        targets = {
            start.get(f"{{{W}}}name"): "".join(start.getparent().itertext())
            for start in document.iter(f"{{{W}}}bookmarkStart")
        }
        links = document.xpath(
            "//w:p[starts-with(w:pPr/w:pStyle/@w:val, 'TOC')]/w:hyperlink", namespaces=NS
        )
        assert len(links) == len(targets) > 5, name
        for link in links:
            assert targets[link.get(f"{{{W}}}anchor")] == "".join(link.itertext()), name


def test_every_row_stays_on_one_page_and_headings_repeat(packages):
    for name, blob in packages.items():
        document = _part(blob, "word/document.xml")
        rows = document.xpath("//w:tr", namespaces=NS)
        assert rows, name
        for row in rows:
            assert row.find("w:trPr/w:cantSplit", NS) is not None, name
        for header in document.xpath("//w:tblHeader", namespaces=NS):
            assert not header.attrib, name
            assert header.getparent().getparent().getprevious().tag != f"{{{W}}}tr"


def test_what_introduces_a_table_starts_on_the_same_page(packages):
    for name, blob in packages.items():
        document = _part(blob, "word/document.xml")
        for table in document.xpath("/w:document/w:body/w:tbl", namespaces=NS):
            before = table.getprevious()
            if before.tag == f"{{{W}}}p" and "".join(before.itertext()).strip():
                text = "".join(before.itertext())[:40]
                assert before.find("w:pPr/w:keepNext", NS) is not None, f"{name}: {text}"


def test_a_heading_and_its_lead_in_note_stay_with_what_follows(packages):
    for name, blob in packages.items():
        document = _part(blob, "word/document.xml")
        notes = document.xpath(
            "/w:document/w:body/w:p[w:pPr/w:pStyle/@w:val='Note']"
            "[preceding-sibling::*[1][starts-with(w:pPr/w:pStyle/@w:val, 'Heading')]]",
            namespaces=NS,
        )
        assert notes, name
        for note in notes:
            assert note.find("w:pPr/w:keepNext", NS) is not None, name


def test_emphasis_and_heading_fills_come_from_styles(packages):
    """Restyling Strong, Emphasis or the table style in Word restyles the whole document."""
    for name, blob in packages.items():
        document = _part(blob, "word/document.xml")
        assert not document.xpath("//w:r/w:rPr/w:b | //w:r/w:rPr/w:i", namespaces=NS), name
        styles = {
            s.get(f"{{{W}}}styleId"): s
            for s in _part(blob, "word/styles.xml").iter(f"{{{W}}}style")
        }
        level_fills = {
            styles[style_id].find("w:pPr/w:shd", NS).get(f"{{{W}}}fill")
            for style_id in ("LevelLow", "LevelMedium", "LevelHigh")
        }
        for shading in document.xpath("//w:tc/w:tcPr/w:shd", namespaces=NS):
            cell = shading.getparent().getparent()
            style = cell.find("w:p/w:pPr/w:pStyle", NS).get(f"{{{W}}}val")
            assert style.startswith("Level") and shading.get(f"{{{W}}}fill") in level_fills
        table = styles["DPIATable"]
        first_row = table.find("w:tblStylePr[@w:type='firstRow']/w:tcPr/w:shd", NS)
        assert first_row is not None and first_row.get(f"{{{W}}}fill") != "FFFFFF"


def test_a_gap_is_never_shaded_as_met(packages):
    gaps = 0
    for name, blob in packages.items():
        document = _part(blob, "word/document.xml")
        for cell in document.xpath("//w:tc[normalize-space(.)='Gap']", namespaces=NS):
            gaps += 1
            style = cell.find("w:p/w:pPr/w:pStyle", NS).get(f"{{{W}}}val")
            assert style in ("LevelMedium", "LevelHigh"), f"{name}: a Gap shaded {style}"
    assert gaps


def _carlito(style: str) -> ImageFont.FreeTypeFont:
    found = subprocess.run(
        ["fc-match", "-f", "%{family[0]}\t%{file}", f"Carlito:{style}"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    family, _, path = found.partition("\t")
    if family != "Carlito":
        pytest.skip("Carlito (fonts-crosextra-carlito) is not installed")
    return ImageFont.truetype(path, 100)


_BOLD_PARAGRAPHS = {"TableHeading", "LevelLow", "LevelMedium", "LevelHigh"}
_CELL_MARGINS_PT = 2 * 85 / 20
_TABLE_TEXT_PT = 9


def test_every_word_in_a_table_fits_its_column(packages):
    """No word breaks inside itself ("Recommende/d"): measured in Carlito, Calibri's widths."""
    regular, bold = _carlito("regular"), _carlito("bold")
    for name, blob in packages.items():
        document = _part(blob, "word/document.xml")
        for table in document.iter(f"{{{W}}}tbl"):
            grid = [int(c.get(f"{{{W}}}w")) / 20 for c in table.findall("w:tblGrid/w:gridCol", NS)]
            for row in table.findall("w:tr", NS):
                for width, cell in zip(grid, row.findall("w:tc", NS), strict=True):
                    room = width - _CELL_MARGINS_PT
                    for paragraph in cell.findall("w:p", NS):
                        style = paragraph.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val")
                        for run in paragraph.findall("w:r", NS):
                            run_style = run.find("w:rPr/w:rStyle", NS)
                            strong = style in _BOLD_PARAGRAPHS or (
                                run_style is not None
                                and run_style.get(f"{{{W}}}val").startswith("Strong")
                            )
                            face = bold if strong else regular
                            for word in "".join(run.itertext()).split():
                                used = face.getlength(word) / 100 * _TABLE_TEXT_PT
                                assert used <= room, f"{name}: {word!r} {used:.0f} > {room:.0f} pt"


def test_a_row_taller_than_most_of_a_page_may_break_so_word_never_cuts_it_off():
    writer = DocumentWriter(None)
    columns = (Column("Question", 6.0), Column("Answer", 10.0))
    writer.table(columns, [("Short", "A short answer."), ("Long", "word " * 4000)])
    document = etree.fromstring(
        zipfile.ZipFile(io.BytesIO(writer.save())).read("word/document.xml")
    )
    heading, short, long = document.xpath("//w:tbl/w:tr", namespaces=NS)
    assert heading.find("w:trPr/w:cantSplit", NS) is not None
    assert short.find("w:trPr/w:cantSplit", NS) is not None
    assert long.find("w:trPr/w:cantSplit", NS) is None
