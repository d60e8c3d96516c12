"""The Word DPIA: rendering the largest example, against python-docx writing the same amount.

The baseline writes a bare document with the same paragraphs and table cells (same texts, no
styles, no fields, no picture), which is what python-docx costs before any of our work; the
render should stay within about twice that. Peak memory of one render is measured with
tracemalloc and shown in the case name; tracemalloc sees Python's own allocations, not lxml's
C heap, so read it as a lower bound. The risk map is timed alone too: it is about half of a
first render (the bare baseline draws no picture); a second render of the same report reuses
the map.
"""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from dpia import load_answers
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia.document import render_docx
from dpia.document._pdf import export_pdf, soffice_path
from dpia.document._risk_map import MapPoint, _drawn
from dpia.risk import assess

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _largest_example() -> Path:
    return max(EXAMPLES, key=lambda path: path.stat().st_size)


def _shape(blob: bytes) -> tuple[list[str], list[list[list[str]]]]:
    """Body paragraph texts, and each table as rows of cell texts."""
    paragraphs: list[str] = []
    tables: list[list[list[str]]] = []
    for block in docx.Document(io.BytesIO(blob)).iter_inner_content():
        if isinstance(block, Paragraph):
            paragraphs.append(block.text)
        elif isinstance(block, Table):
            tables.append([[cell.text for cell in row.cells] for row in block.rows])
    return paragraphs, tables


def _bare(paragraphs: list[str], tables: list[list[list[str]]]) -> Callable[[], bytes]:
    def write() -> bytes:
        document = docx.Document()
        for text in paragraphs:
            document.add_paragraph(text)
        for rows in tables:
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for row, texts in zip(table.rows, rows, strict=True):
                for cell, text in zip(row.cells, texts, strict=True):
                    cell.text = text
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    return write


def _peak_mib(run: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def cases() -> list[tuple[str, Callable[[], object], int]]:
    path = _largest_example()
    questionnaire = questionnaire_for(questionnaire_ref_of(path))
    subject = load_answers(path, questionnaire).assessment
    report = assess(questionnaire, subject, as_of=subject.meta.date)

    def render() -> bytes:
        return render_docx(questionnaire, subject, report)

    def render_cold() -> bytes:
        _drawn.cache_clear()
        return render()

    def assess_and_render() -> bytes:
        _drawn.cache_clear()
        fresh = assess(questionnaire, subject, as_of=subject.meta.date)
        return render_docx(questionnaire, subject, fresh)

    blob = render()
    paragraphs, tables = _shape(blob)
    cells = sum(len(row) for rows in tables for row in rows)
    peak = _peak_mib(render_cold)
    found = [
        (f"render {path.name} ({len(blob):,} bytes, peak {peak:.0f} MiB)", render_cold, 15),
        (f"render {path.name} again (risk map kept from the last render)", render, 15),
        (
            f"python-docx bare: {len(paragraphs)} paragraphs, {cells} cells (render: at most 2x)",
            _bare(paragraphs, tables),
            15,
        ),
        (f"assess and render {path.name}", assess_and_render, 10),
    ]
    points = [
        MapPoint(
            f"R{number}",
            (risk.inherent.likelihood, risk.inherent.severity),
            (risk.residual.likelihood, risk.residual.severity),
        )
        for number, risk in enumerate(report.risks, start=1)
    ]
    fills = {"low": "DCEFE0", "medium": "FFF1C7", "high": "F9D6D5"}
    found.append(
        (
            f"risk map PNG alone ({len(points)} risks)",
            lambda: _drawn.__wrapped__(tuple(points), tuple(sorted(fills.items()))),
            15,
        )
    )
    if soffice_path():
        found.append((f"PDF/A of {path.name} via LibreOffice", lambda: export_pdf(blob), 3))
    return found
