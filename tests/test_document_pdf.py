"""`dpia render --pdf`: a PDF/A-2b copy, made by LibreOffice, with the contents filled in."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
import yaml
from document_support import FIXTURES, STOP_ANSWERS, assessment, planned

from dpia import load_answers
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia._signoff import Person, Signatory, SignOff
from dpia.cli import main
from dpia.document import DEFAULT_HOUSE_STYLE
from dpia.document._pdf import missing_fonts
from dpia.risk import assess

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = dt.date(2026, 11, 29)
FINGERPRINT = ":".join(f"{n:02X}" for n in range(0xA0, 0xC0))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
    ),
]


def test_pdf_a_copy_with_a_filled_table_of_contents(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(FIXTURES))
    answers = tmp_path / "answers.yaml"
    signer = Signatory(
        name="Ola Berg", email="ola@example.org", role="assessor", certificate_sha256=FINGERPRINT
    )
    record = SignOff(
        assessor=Person(name="Ola Berg", email="ola@example.org"), signatories=(signer,)
    )
    subject = assessment(STOP_ANSWERS, plan=planned(), signoff=record)
    answers.write_text(yaml.safe_dump(subject.to_file()))
    out = tmp_path / "dpia.docx"
    assert main(["render", str(answers), "-o", str(out), "--pdf"]) == 0
    pdf = tmp_path / "dpia.pdf"
    assert f"wrote {pdf} (PDF/A-2b)" in capsys.readouterr().out
    metadata = subprocess.run(
        ["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "<pdfaid:part>2</pdfaid:part>" in metadata
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in metadata
    contents = subprocess.run(
        ["pdftotext", "-f", "3", "-l", "3", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert contents.lstrip().startswith("Data Protection Impact Assessment")
    for heading in ("Executive summary", "Risk register", "Annex C. Methodology"):
        assert re.search(rf"{re.escape(heading)}\s*\.{{4,}}\s*\d+", contents), heading
    cover = subprocess.run(
        ["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "STOP: do not proceed with the processing as designed" in cover
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert FINGERPRINT in text.stdout.splitlines(), "the fingerprint is not on one line"
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    faces = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
    assert {"Carlito", "Carlito-Bold", "LiberationMono"} <= faces, faces
    assert not any(face.startswith("DejaVu") for face in faces), faces


def test_no_pdf_when_the_house_style_font_is_missing(tmp_path, monkeypatch, capsys):
    """Another face would break lines and pages elsewhere than Word: say so, make no PDF."""
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(FIXTURES))
    house = docx.Document(str(DEFAULT_HOUSE_STYLE))
    house.styles["Normal"].font.name = "Frutiger Nowhere"
    restyled = tmp_path / "house.docx"
    house.save(str(restyled))
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(assessment(STOP_ANSWERS).to_file()))
    out = tmp_path / "dpia.docx"
    command = ["render", str(answers), "-o", str(out), "--pdf", "--house-style", str(restyled)]
    assert main(command) == 2
    error = capsys.readouterr().err
    assert "'Frutiger Nowhere' is not installed" in error
    assert not out.with_suffix(".pdf").exists()


def test_calibri_without_carlito_names_the_package(tmp_path, monkeypatch):
    """With fontconfig seeing no font files at all, Calibri has no metric twin to fall back on."""
    empty = tmp_path / "fonts.conf"
    empty.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{tmp_path}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    reasons = missing_fonts(DEFAULT_HOUSE_STYLE.read_bytes())
    assert any("fonts-crosextra-carlito" in reason for reason in reasons), reasons


def _joined(text: str) -> str:
    """Text without spaces or hyphens: a line of the PDF may break after any hyphen, which
    pdftotext then drops."""
    return "".join(text.split()).replace("-", "")


def _banners(document: docx.document.Document) -> list[tuple[str, str]]:
    """Each banner's title and the end of its last line."""
    found: list[tuple[str, str]] = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style in ("Banner Stop", "Banner Notice"):
            found.append((paragraph.text, ""))
        elif style in ("Banner Stop Text", "Banner Notice Text") and found:
            found[-1] = (found[-1][0], _joined(paragraph.text)[-32:])
    return found


def _stopped_examples() -> list[Path]:
    """The examples whose document opens with a STOP banner, in the summary as on the cover."""
    found = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        questionnaire = questionnaire_for(questionnaire_ref_of(path))
        report = assess(questionnaire, load_answers(path, questionnaire).assessment, as_of=AS_OF)
        if report.stop:
            found.append(path)
    return found


def test_a_banner_is_never_split_over_two_pages(tmp_path):
    """A warning read in halves is easy to misread: where a banner fits on a page, it is on
    one. Among the examples, one's summary banner used to start at the foot of a page."""
    stopped = _stopped_examples()
    assert len(stopped) >= 5
    for example in stopped:
        out = tmp_path / example.with_suffix(".docx").name
        command = ["render", str(example), "-o", str(out), "--pdf", "--as-of", str(AS_OF)]
        assert main(command) == 0
        text = subprocess.run(
            ["pdftotext", str(out.with_suffix(".pdf")), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages = [_joined(page) for page in text.split("\f")]
        banners = _banners(docx.Document(str(out)))
        assert len(banners) >= 2, example.name
        seen: dict[str, int] = {}
        for title, last_words in banners:
            # The k-th banner under a title is its k-th appearance in the PDF, in page order.
            shown = [
                page[found.start() :]
                for page in pages
                for found in re.finditer(re.escape(_joined(title)), page)
            ]
            nth = seen[title] = seen.get(title, -1) + 1
            assert len(shown) > nth, (example.name, title)
            assert last_words in shown[nth], (example.name, title, last_words)


def _blank_pages(pdf: Path) -> list[int]:
    """Pages with no text but the running header and footer: the lines (numbers aside) that
    most pages repeat."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    pages = [
        {re.sub(r"\d+", "#", line.strip()) for line in page.splitlines() if line.strip()}
        for page in text.stdout.split("\f")[:-1]
    ]
    seen: dict[str, int] = {}
    for lines in pages:
        for line in lines:
            seen[line] = seen.get(line, 0) + 1
    running = {line for line, count in seen.items() if count > len(pages) / 2}
    return [number for number, lines in enumerate(pages, start=1) if lines <= running]


def test_no_page_is_left_blank_before_a_part(tmp_path):
    """Each part starts on a new page; where the table closing the part before filled its page,
    the empty paragraph after it used to take a page of its own (the consumer SDK's page 21,
    the university pilot's page 31)."""
    for name in ("scenario-c-consumer-sdk", "scenario-q-university-ai-assistant"):
        out = tmp_path / f"{name}.docx"
        assert main(["render", str(EXAMPLES / f"{name}.yaml"), "-o", str(out), "--pdf"]) == 0
        assert _blank_pages(out.with_suffix(".pdf")) == [], name
