"""`dpia render --pdf`: a PDF/A-2b copy, made by LibreOffice, with the contents filled in."""

from __future__ import annotations

import re
import shutil
import subprocess

import docx
import pytest
import yaml
from document_support import FIXTURES, STOP_ANSWERS, assessment, planned

from dpia._signoff import Person, Signatory, SignOff
from dpia.cli import main
from dpia.document import DEFAULT_HOUSE_STYLE
from dpia.document._pdf import missing_fonts

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
