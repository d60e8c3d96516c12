"""What the CNIL PIA sections share: the assessment's answers read by id, and its text as blocks.

Imported answers are dpia's plain text (lists, bold, italic: see dpia/interop/_html_text.py);
`blocks` turns it into the writer's paragraphs and bullets, so an answer reads in Word as its
author wrote it in the PIA tool.
"""

from __future__ import annotations

from typing import Any

from ...interop._html_text import text_lines
from .. import _labels as label
from .._dossier import Dossier
from .._markup import Block, Span
from .._writer import Cell, DocumentWriter

__all__ = ["EVALUATION_PARTS", "View", "answer", "blocks", "cell", "evaluation"]

EVALUATION_PARTS = (
    "evaluation",
    "evaluation_comment",
    "action_plan",
    "action_due",
    "action_owner",
)


def blocks(text: str) -> list[Block]:
    """dpia's plain text (lists, bold, italic) as document blocks."""
    blocks: list[Block] = []
    for line in text_lines(text):
        spans = [Span(t, bold=b, italic=i) for t, b, i in line.runs]
        indent = "    " * line.depth
        if line.kind == "bullet":
            marker = "– " if line.depth else ""
            blocks.append(Block("bullet", (Span(indent + marker), *spans)))
        elif line.kind == "number":
            blocks.append(Block("paragraph", (Span(f"{indent}{line.number}. "), *spans)))
        elif line.kind == "continuation":
            blocks.append(Block("paragraph", (Span(indent + "    "), *spans)))
        else:
            blocks.append(Block("paragraph", tuple(spans)))
    return blocks


def cell(text: str) -> Cell:
    paragraphs = [block.spans for block in blocks(text)]
    return Cell(tuple(paragraphs) or ("",))


class View:
    """Answers of the dossier read by question id, with the questionnaire's own wording."""

    def __init__(self, dossier: Dossier):
        self.dossier = dossier
        self.answers = dossier.assessment.answers
        self.questionnaire = dossier.questionnaire

    def get(self, question_id: str) -> Any:
        return self.answers.get(question_id)

    def shown(self, question_id: str) -> str:
        return self.questionnaire.question(question_id).display(self.get(question_id))

    def label(self, question_id: str) -> str:
        return self.questionnaire.question(question_id).label

    def comments(self, *, question: str | None = None, measure: int | None = None) -> list[str]:
        rows = self.get("comments") or []
        if question is not None:
            return [r["text"] for r in rows if r.get("question") == question]
        return [r["text"] for r in rows if r.get("measure") == measure]


def evaluation(writer: DocumentWriter, view: View, prefix: str) -> None:
    values = {part: view.get(f"{prefix}_{part}") for part in EVALUATION_PARTS}
    corrected = (
        view.get(f"{prefix}_corrected_severity"),
        view.get(f"{prefix}_corrected_likelihood"),
    )
    if not any(values.values()) and not any(corrected):
        writer.note((Span("Evaluation: ", bold=True), Span("not evaluated.", italic=True)))
        return
    rows: list[tuple[str, Any]] = [
        (
            "Evaluation",
            view.shown(f"{prefix}_evaluation") if values["evaluation"] else "No verdict",
        ),
    ]
    if values["evaluation_comment"]:
        rows.append(("Evaluator's comment", cell(values["evaluation_comment"])))
    if values["action_plan"]:
        rows.append(("Corrective actions", cell(values["action_plan"])))
    if values["action_due"]:
        rows.append(("To be in place by", label.long_date(values["action_due"])))
    if values["action_owner"]:
        rows.append(("In charge", values["action_owner"]))
    if any(corrected):
        rows.append(
            (
                "Re-estimated",
                f"severity {view.shown(f'{prefix}_corrected_severity')}, likelihood "
                f"{view.shown(f'{prefix}_corrected_likelihood')}",
            )
        )
    writer.key_values(rows, key_width=4.2)


def answer(writer: DocumentWriter, view: View, question_id: str) -> None:
    writer.paragraph(Span(view.label(question_id), bold=True))
    value = view.get(question_id)
    if value:
        writer.blocks(blocks(value))
    else:
        writer.paragraph(Span("Not answered in the PIA.", italic=True))
    for comment in view.comments(question=question_id):
        writer.note((Span("Comment: ", bold=True), Span(comment)))
