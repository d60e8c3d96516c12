"""Every example answers file renders into a complete DPIA in the reader's words."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from document_support import all_text, headings, open_docx, rows, styled, table_after

from dpia import load_answers
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia.document import read_embedded, render_docx
from dpia.risk import assess

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))
NOTHING_SAID = "The answers recorded so far say nothing on this topic"


def _codes(questionnaire) -> set[str]:
    """Every id and option value a reader must never see."""
    codes = set()
    for section in questionnaire.sections:
        codes.add(section.id)
        for question in section.questions:
            codes.add(question.id)
            codes.update(o.value for o in getattr(question, "options", ()))
            for column in getattr(question, "columns", ()):
                codes.update(o.value for o in getattr(column, "options", ()))
    return {code for code in codes if "_" in code}


@pytest.fixture(scope="module", params=EXAMPLES, ids=[path.stem for path in EXAMPLES])
def example(request):
    path = request.param
    questionnaire = questionnaire_for(questionnaire_ref_of(path))
    subject = load_answers(path, questionnaire).assessment
    report = assess(questionnaire, subject, as_of=subject.meta.date)
    blob = render_docx(questionnaire, subject, report)
    return questionnaire, subject, report, blob, open_docx(blob)


def test_examples_exist():
    assert len(EXAMPLES) >= 5


def test_headline_first_and_stop_banner_when_stopped(example):
    _, _, report, _, document = example
    summary = rows(table_after(document, "Executive summary"))
    assert [row[0] for row in summary] == [
        "Headline",
        "Chilling effect",
        "Consent gap",
        "Legal exposure",
    ]
    assert bool(styled(document, "Banner Stop")) == report.stop
    annex = any("Prior consultation" in h for h in headings(document, 1))
    assert annex == report.prior_consultation_required


def test_every_section_says_something_in_prose(example):
    _, _, report, _, document = example
    text = all_text(document)
    assert NOTHING_SAID not in text
    description = rows(table_after(document, "Risk register"))
    assert len(description) == len(report.risks) + 1
    assert "Who is recorded" in headings(document, 3)


def test_no_code_reaches_the_reader(example):
    questionnaire, _, _, _, document = example
    text = all_text(document)
    pattern = r"\b(" + "|".join(sorted(_codes(questionnaire))) + r")\b"
    assert sorted(set(re.findall(pattern, text))) == []


def test_tables_keep_to_the_page_and_answers_come_back(example):
    questionnaire, subject, _, blob, _ = example
    body = zipfile.ZipFile(io.BytesIO(blob)).read("word/document.xml").decode()
    for table in re.findall(r"<w:tbl>.*?</w:tbl>", body, flags=re.S):
        assert '<w:tblLayout w:type="fixed"/>' in table
        assert sum(int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', table)) <= 9072
    assert read_embedded(blob, questionnaire) == subject
