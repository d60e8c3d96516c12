"""Whatever people type, the result is a valid document whose tables keep to the page."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from document_support import FIXTURES, all_text, open_docx, rows, table_after
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openxml_audit import OpenXmlValidator

from dpia import Assessment, AssessmentMeta
from dpia.document import render_docx
from dpia.questionnaire import AnswerRejected, Questionnaire, load_questionnaire
from dpia.risk import Catalogue, assess, load_catalogue

ARABIC = "تسجيل ضغطات المفاتيح لتدريب النماذج"
HEBREW = "הקלטת הקשות מקלדת לאימון מודלים"
CJK = "键盘记录用于训练模型。キーボードの記録。키보드 기록"
EMOJI = "Capture 🖥️⌨️🖱️ stops at 18:00 🙂👩🏽‍💻"
URL = (
    "https://intranet.example.org/" + "/".join(["programmes", "telemetry"] * 12) + "?q=" + "x" * 120
)
WORD = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung" * 3
TWIPS_PER_TEXT_WIDTH = 9072


@pytest.fixture(scope="module")
def stress() -> tuple[Questionnaire, Catalogue]:
    questionnaire = load_questionnaire(FIXTURES / "document-stress.yaml")
    return questionnaire, load_catalogue(FIXTURES / "document-stress.risks.yaml", questionnaire)


def _render(stress: tuple[Questionnaire, Catalogue], answers: dict, **meta: str) -> bytes:
    questionnaire, catalogue = stress
    fields = {
        "title": "Telemetry programme",
        "organisation": "Example Works",
        "assessor": "Jana Doe",
        **meta,
    }
    subject = Assessment(
        questionnaire=questionnaire.ref,
        meta=AssessmentMeta(date=dt.date(2026, 5, 4), **fields),
        answers=answers,
    )
    report = assess(questionnaire, subject, as_of=dt.date(2026, 5, 4), catalogue=catalogue)
    return render_docx(questionnaire, subject, report)


def _nasty_answers() -> dict:
    return {
        "name": f"{ARABIC} / {HEBREW}",
        "purpose": "\n\n".join([EMOJI, CJK, URL, WORD, ARABIC] * 3),
        "data_flow": "Raw events go to the lake.",
        "countries": ["de", "il"],
        "staff": [
            {"jurisdiction": "de", "headcount": 100, "note": URL},
            {"jurisdiction": "il", "headcount": 7, "note": f"{HEBREW} {WORD}"},
        ],
        "turnover": 1e9,
    }


def _assert_tables_fit(blob: bytes) -> None:
    body = zipfile.ZipFile(io.BytesIO(blob)).read("word/document.xml").decode()
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", body, flags=re.S)
    assert tables
    for table in tables:
        assert '<w:tblLayout w:type="fixed"/>' in table
        widths = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', table)]
        assert 0 < sum(widths) <= TWIPS_PER_TEXT_WIDTH


def test_a_hundred_kilobytes_of_answers(stress):
    long_purpose = ("The agents learn which forms people fill in and in which order. " * 1600)[
        :100_000
    ]
    answers = {**_nasty_answers(), "purpose": long_purpose, "data_flow": long_purpose[:60_000]}
    blob = _render(stress, answers)
    document = open_docx(blob)
    annex = rows(table_after(document, "The programme"))
    assert any(row[1] == long_purpose for row in annex)
    _assert_tables_fit(blob)


def test_right_to_left_cjk_emoji_long_words_and_urls(stress):
    blob = _render(stress, _nasty_answers(), title=f"{ARABIC} {EMOJI}", organisation=CJK)
    document = open_docx(blob)
    text = all_text(document)
    for piece in (ARABIC, HEBREW, CJK, EMOJI, URL, WORD):
        assert piece in text
    arabic = next(p for p in document.paragraphs if p.text == ARABIC)
    assert (
        arabic._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bidi")
        is not None
    )
    english = next(p for p in document.paragraphs if p.text.startswith("This assessment covers"))
    assert (
        english._p.pPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}bidi")
        is None
    )
    _assert_tables_fit(blob)


def test_only_the_required_answer(stress):
    document = open_docx(_render(stress, {"name": "Pilot"}))
    annex = dict((row[0], row[1]) for row in rows(table_after(document, "The programme")))
    assert annex["Describe the purposes"] == "Not answered"
    assert annex["People monitored per country"] == "Not answered"
    assert "Legal exposure by jurisdiction" in all_text(document)


_XML_SAFE = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff",
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(_XML_SAFE, min_size=1, max_size=300), purpose=st.text(_XML_SAFE, max_size=2000))
def test_any_text_an_answer_may_hold_gives_a_document(stress, name, purpose):
    questionnaire, _ = stress
    try:
        answers = {
            "name": questionnaire.question("name").accept(name),
            "purpose": questionnaire.question("purpose").accept(purpose),
        }
    except AnswerRejected:
        return
    blob = _render(stress, {k: v for k, v in answers.items() if v})
    document = open_docx(blob)
    annex = dict((row[0], row[1]) for row in rows(table_after(document, "The programme")))
    shown = annex["Name of the programme"].replace("\n", "")
    assert shown == name.replace("\r\n", "").replace("\n", "").replace("\r", "")


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_opens_the_hardest_document(stress, tmp_path):
    source = tmp_path / "stress.docx"
    source.write_bytes(_render(stress, _nasty_answers(), title=f"{ARABIC} {EMOJI}"))
    finished = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    pdf = tmp_path / "stress.pdf"
    assert pdf.is_file(), finished.stderr.decode()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    assert pages >= 10
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert "Executive summary" in text.stdout
    assert "键盘记录用于训练模型" in text.stdout


def test_word_opens_the_hardest_document_without_repair(stress, tmp_path):
    source = tmp_path / "stress.docx"
    source.write_bytes(_render(stress, _nasty_answers(), title=f"{ARABIC} {EMOJI}"))
    result = OpenXmlValidator(max_errors=0).validate(source)
    assert result.errors == [], "; ".join(f"{e.path}: {e.description}" for e in result.errors)
