"""`dpia render --pdf`: a PDF/A-2b copy, made by LibreOffice, with the contents filled in."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml
from document_support import FIXTURES, STOP_ANSWERS, assessment, planned

from dpia.cli import main

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
    ),
]


def test_pdf_a_copy_with_a_filled_table_of_contents(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(FIXTURES))
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(assessment(STOP_ANSWERS, plan=planned()).to_file()))
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
