"""Prose templates are untrusted: they quote answers and can do nothing else.

Answer text is data, so template syntax typed into an answer is printed as written; a template
folder brought by a DPO team cannot reach Python objects, read files outside the folder, or
exhaust memory.
"""

from __future__ import annotations

import os

import pytest
from document_support import (
    CALM_ANSWERS,
    STOP_ANSWERS,
    all_text,
    assessment,
    catalogue,
    open_docx,
    questionnaire,
    render,
    styled,
    templates_with_description,
)
from docx.text.run import Run
from hypothesis import given
from hypothesis import strategies as st

from dpia import RenderError
from dpia.document._markup import escape_markup, parse_markup

__all__ = ["catalogue", "questionnaire"]

TRICKS = (
    "{{ 7*7 }}",
    "{% include '/etc/passwd' %}",
    "{{ ''.__class__.__mro__ }}",
    "- not a bullet",
    "**not bold**",
    "### not a heading",
    "back\\slash",
)


def test_template_syntax_and_markup_in_answers_print_as_written(questionnaire, catalogue, tmp_path):
    rows = [{"data_type": trick, "days": 1} for trick in TRICKS]
    subject = assessment({**STOP_ANSWERS, "retention": rows})
    templates = templates_with_description(
        tmp_path,
        "Kept:\n\n{% for row in q.retention.rows %}\n- {{ row.data_type }}\n{% endfor %}\n",
    )
    document = open_docx(render(questionnaire, catalogue, subject, templates=templates))
    bullets = styled(document, "List Bullet")
    for trick in TRICKS:
        assert trick in bullets
    assert "49" not in bullets
    assert not any(
        _bold(run) for p in document.paragraphs for run in p.runs if "not bold" in run.text
    )
    annex = all_text(document)
    assert "Data type: {{ 7*7 }}; Days: 1" in annex


def test_prose_markup_becomes_headings_bullets_and_bold(questionnaire, catalogue, tmp_path):
    templates = templates_with_description(
        tmp_path,
        "### Who is recorded\n\n"
        "Staff in **{{ q.countries.labels | and_list }}** are recorded\n"
        "while they work.\n\n"
        "- {{ q.headcount.text }}\n"
        "- {{ q.captured.labels | join('; ') | lower_first }}\n",
    )
    document = open_docx(
        render(questionnaire, catalogue, assessment(STOP_ANSWERS), templates=templates)
    )
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "Who is recorded")
    heading, body, first, second = paragraphs[start : start + 4]
    assert heading.style.name == "Heading 3"
    assert body.text == "Staff in Germany and California are recorded while they work."
    assert [run.text for run in body.runs if _bold(run)] == ["Germany and California"]
    assert (first.style.name, first.text) == ("List Bullet", "1,500 people")
    assert (second.style.name, second.text) == ("List Bullet", "keystroke content; Screenshots")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ ''.__class__.__mro__ }}", "not allowed: access to attribute '__class__'"),
        ("{{ q.__class__ }}", "not allowed"),
        ("{% include '/etc/passwd' %}", "'/etc/passwd' is not a template in"),
        ("{% include '../../../etc/passwd' %}", "is not a template in"),
        ("{% import 'sections/missing.md.j2' as m %}", "is not a template in"),
        ("{{ range(10) }}", "'range' is undefined"),
        ("{{ lipsum() }}", "'lipsum' is undefined"),
        ("{{ 'x' * 1000000000 }}", "repetition over 100,000 items is not allowed"),
        ("{{ 9 ** 9999999 }}", "exponents above 64 are not allowed"),
        ("{{ q.no_such_question.text }}", "has no attribute 'no_such_question'"),
        ("{{ q.headcount.text | attr('upper') }}", "unknown filter 'attr'"),
        ("{{ 'a' | format() }}", "unknown filter 'format'"),
        ("{% for x in q %}", "Unexpected end of template"),
    ],
)
def test_a_template_cannot_run_code_or_read_files(
    questionnaire, catalogue, tmp_path, template, message
):
    templates = templates_with_description(tmp_path, f"First line.\n\n{template}\n")
    with pytest.raises(RenderError) as caught:
        render(questionnaire, catalogue, assessment(CALM_ANSWERS), templates=templates)
    text = str(caught.value)
    assert message in text
    assert "description.md.j2:3" in text


def test_a_symbolic_link_out_of_the_template_folder_is_not_followed(
    questionnaire, catalogue, tmp_path
):
    secret = tmp_path / "secret.md.j2"
    secret.write_text("the secret")
    templates = templates_with_description(tmp_path, "{% include 'sections/leak.md.j2' %}\n")
    os.symlink(secret, templates / "sections" / "leak.md.j2")
    with pytest.raises(RenderError, match=r"'sections/leak\.md\.j2' is not a template in"):
        render(questionnaire, catalogue, assessment(CALM_ANSWERS), templates=templates)


def test_a_missing_template_names_the_files_looked_for(questionnaire, catalogue, tmp_path):
    templates = templates_with_description(tmp_path, "x")
    (templates / "sections" / "rights.md.j2").unlink()
    with pytest.raises(RenderError) as caught:
        render(questionnaire, catalogue, assessment(CALM_ANSWERS), templates=templates)
    assert "sections/mini/rights.md.j2 or sections/rights.md.j2" in str(caught.value)


def test_a_questionnaire_can_have_its_owntemplates_with_description(
    questionnaire, catalogue, tmp_path
):
    templates = templates_with_description(tmp_path, "The shared description.\n")
    own = templates / "sections" / "mini"
    own.mkdir()
    (own / "description.md.j2").write_text("The description written for {{ questionnaire.title }}.")
    document = open_docx(
        render(questionnaire, catalogue, assessment(CALM_ANSWERS), templates=templates)
    )
    text = all_text(document)
    assert "The description written for A small questionnaire." in text
    assert "The shared description." not in text


@given(st.text())
def test_any_escaped_answer_reads_back_as_plain_text(answer):
    blocks = parse_markup(escape_markup(answer))
    assert all(block.kind == "paragraph" for block in blocks)
    assert not any(span.bold for block in blocks for span in block.spans)
    assert " ".join(" ".join(b.text.split()) for b in blocks) == " ".join(answer.split())


def _bold(run: Run) -> bool:
    """Bold as Word shows it: set on the run or by its character style."""
    return bool(run.bold or (run.style is not None and run.style.font.bold))
