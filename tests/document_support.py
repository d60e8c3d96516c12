"""Real inputs for the document tests and a reader's view of the .docx they produce.

The questionnaire and catalogue are the mini fixtures; documents are rendered for real and read
back with python-docx, the way a reviewer's tools would see them.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from dpia import Assessment, AssessmentMeta, PlannedMeasure
from dpia.document import render_docx
from dpia.questionnaire import Questionnaire, load_questionnaire
from dpia.risk import Catalogue, RiskReport, assess, load_catalogue

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = dt.date(2026, 5, 4)

STOP_ANSWERS: dict[str, Any] = {
    "countries": ["de", "us_ca"],
    "works_council": True,
    "basis": "consent",
    "staff": [
        {"jurisdiction": "de", "headcount": 1200},
        {"jurisdiction": "us_ca", "headcount": 300},
    ],
    "turnover": 250_000_000,
    "headcount": 1500,
    "captured": ["keystroke_content", "screenshots"],
    "retention": [{"data_type": "Raw events", "days": 30}],
}
CALM_ANSWERS: dict[str, Any] = {
    "countries": ["de"],
    "works_council": True,
    "basis": "legitimate_interests",
    "staff": [{"jurisdiction": "de", "headcount": 40}],
    "turnover": 9_000_000,
    "headcount": 40,
    "captured": ["timing"],
}


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return load_questionnaire(FIXTURES / "mini.yaml")


@pytest.fixture(scope="session")
def catalogue(questionnaire: Questionnaire) -> Catalogue:
    return load_catalogue(FIXTURES / "mini.risks.yaml", questionnaire)


def assessment(answers: dict[str, Any], **extra: Any) -> Assessment:
    meta = AssessmentMeta(
        id="A-2026-001",
        title="Keystroke capture for agent training",
        organisation="Example Works GmbH",
        assessor="Jana Doe",
        date=AS_OF,
    )
    return Assessment(questionnaire="mini@1.0", meta=meta, answers=answers, **extra)


def planned(owner: str = "Works council liaison") -> dict[str, PlannedMeasure]:
    return {"opt_in": PlannedMeasure(owner=owner, due=dt.date(2026, 9, 30))}


def report_for(
    questionnaire: Questionnaire, catalogue: Catalogue, subject: Assessment
) -> RiskReport:
    return assess(questionnaire, subject, as_of=AS_OF, catalogue=catalogue)


def render(
    questionnaire: Questionnaire, catalogue: Catalogue, subject: Assessment, **options: Any
) -> bytes:
    return render_docx(
        questionnaire, subject, report_for(questionnaire, catalogue, subject), **options
    )


def open_docx(blob: bytes) -> Document:
    return docx.Document(io.BytesIO(blob))


def blocks(document: Document) -> Iterator[Paragraph | Table]:
    yield from document.iter_inner_content()


def all_text(document: Document) -> str:
    """Every paragraph of the body, tables included, one per line, as a reader would copy it."""
    lines: list[str] = []
    for block in blocks(document):
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            for row in block.rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def headings(document: Document, level: int | None = None) -> list[str]:
    names = {f"Heading {level}"} if level else {"Heading 1", "Heading 2", "Heading 3"}
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name in names]


def table_after(document: Document, heading: str) -> Table:
    """The first table that follows the heading with this text."""
    seen = False
    for block in blocks(document):
        if isinstance(block, Paragraph) and block.text == heading and _is_heading(block):
            seen = True
        elif seen and isinstance(block, Table):
            return block
    raise AssertionError(f"no table after {heading!r}")


def _is_heading(paragraph: Paragraph) -> bool:
    return paragraph.style is not None and (paragraph.style.name or "").startswith("Heading")


def rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def styled(document: Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == style]


def templates_with_description(tmp_path: Path, description: str) -> Path:
    """A copy of the shipped prose templates with our own description template."""
    from dpia.document import DEFAULT_TEMPLATES

    root = tmp_path / "templates"
    sections = root / "sections"
    sections.mkdir(parents=True)
    for template in (DEFAULT_TEMPLATES / "sections").glob("*.md.j2"):
        (sections / template.name).write_text(template.read_text())
    (sections / "description.md.j2").write_text(description, encoding="utf-8")
    return root
