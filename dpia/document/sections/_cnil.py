"""The report of an assessment made with the CNIL PIA method: its four parts, in its own order.

A CNIL PIA is laid out as the method lays it out (context, fundamental principles, risks,
validation), with each answer followed by the evaluator's verdict on it, so that a DPO who knows
the PIA tool finds every element where the tool shows it. The cover, document control, risk
map, sign-off and signature page are the same sections every dpia document has. Answers are
quoted as the PIA's authors wrote them; the only words of dpia's own are the headings, the
labels and the explanation of the method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...risk import scoring_method
from ...risk._cnil import CnilMethod, FearedEvent
from ...risk._scales import SCALE, level_of
from .. import _labels as label
from .._dossier import Dossier
from .._markup import Span
from .._writer import Cell, Column, DocumentWriter
from ._base import Section
from ._cnil_text import EVALUATION_PARTS, View, answer, blocks, cell, evaluation
from ._cnil_validation import (
    CnilActionPlan,
    CnilMethodAnnex,
    CnilOpinions,
    CnilRiskMap,
    CnilValidation,
)
from ._front import Contents, CoverPage, DocumentControl, consultation_banner
from ._signing import SignaturePage, SignOff

__all__ = ["cnil_report"]


@dataclass(frozen=True)
class CnilPart:
    number: int
    title: str
    basis: str

    def render(self, writer: DocumentWriter) -> None:
        writer.heading(f"{self.number}. {self.title}", 1)
        writer.note(f"Part {self.number} of the CNIL PIA method; {self.basis}.")


@dataclass(frozen=True)
class CnilSummary:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        view = View(self.dossier)
        report = self.dossier.report
        meta = self.dossier.assessment.meta
        writer.heading("Summary", 1)
        writer.paragraph(
            f"This is the Privacy Impact Assessment “{meta.title}”, carried out with the CNIL's "
            "PIA method. It is laid out as the method lays it out, and every answer, "
            "evaluation and opinion below is quoted from the assessment as its authors wrote it."
        )
        rows = []
        for risk in report.risks:
            rows.append(
                (
                    Span(risk.title, bold=True),
                    _rating(risk.inherent.likelihood, risk.inherent.severity),
                    _rating(risk.residual.likelihood, risk.residual.severity),
                )
            )
        if rows:
            writer.table(
                (
                    Column("Risk", 6.0),
                    Column("Initial estimate", 5.0),
                    Column("After action plan", 5.0),
                ),
                rows,
            )
        consultation_banner(self.dossier, writer)
        dpo = view.get("dpo_opinion_status")
        subjects = view.get("subjects_opinion_status")
        pairs: list[tuple[str, Any]] = [
            ("Prior consultation (GDPR Art. 36)", report.prior_consultation_note),
            ("DPO opinion", view.shown("dpo_opinion_status") if dpo else "Not given in the PIA"),
            (
                "People concerned",
                view.shown("subjects_opinion_status")
                if subjects
                else _sought(view.get("subjects_opinion_sought")),
            ),
            (
                "Status in the PIA tool",
                view.shown("pia_status") if view.get("pia_status") else "Not recorded",
            ),
            ("Evaluations", _evaluation_counts(view)),
        ]
        writer.key_values(pairs, key_width=5.0)
        if report.completeness:
            writer.heading("Still missing from this assessment", 2)
            writer.bullets(item.text for item in report.completeness)


def _sought(value: Any) -> str:
    return {True: "Views sought; no conclusion recorded", False: "Views not sought"}.get(
        value, "Not recorded in the PIA"
    )


def _rating(likelihood: int, severity: int) -> Cell:
    level = level_of(likelihood, severity)
    return Cell.of(
        label.LEVEL[level],
        f"severity {severity} {SCALE[severity]}, likelihood {likelihood} {SCALE[likelihood]}",
        level=level,
    )


def _evaluation_counts(view: View) -> str:
    counts: dict[str, int] = {}
    verdicts = [v for k, v in view.answers.items() if k.endswith("_evaluation") and v]
    verdicts += [
        row.get("evaluation") for row in view.get("measures") or [] if row.get("evaluation")
    ]
    for verdict in verdicts:
        counts[verdict] = counts.get(verdict, 0) + 1
    if not counts:
        return "None recorded"
    words = {"acceptable": "acceptable", "improvable": "improvable", "to_correct": "to correct"}
    words["pending"] = "pending"
    return ", ".join(f"{counts[k]} {words[k]}" for k in words if k in counts)


@dataclass(frozen=True)
class CnilItem:
    """One item of the method: its questions and the evaluation of the item or of each one."""

    dossier: Dossier
    section_id: str
    per_question: bool = False

    def render(self, writer: DocumentWriter) -> None:
        view = View(self.dossier)
        section = next(s for s in view.questionnaire.sections if s.id == self.section_id)
        writer.heading(section.title.split(": ", 1)[-1].capitalize(), 2)
        questions = [q.id for q in section.questions if not _is_evaluation(q.id)]
        for question_id in questions:
            answer(writer, view, question_id)
            if self.per_question:
                evaluation(writer, view, question_id)
        if not self.per_question:
            evaluation(writer, view, self.section_id)


def _is_evaluation(question_id: str) -> bool:
    return question_id.endswith(
        (
            *tuple(f"_{part}" for part in EVALUATION_PARTS),
            "_corrected_severity",
            "_corrected_likelihood",
        )
    )


@dataclass(frozen=True)
class CnilMeasures:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        view = View(self.dossier)
        rows = view.get("measures") or []
        writer.heading("Existing or planned measures", 2)
        if not rows:
            writer.paragraph(Span("The PIA lists no measure.", italic=True))
            return
        writer.table(
            (
                Column("No.", 1.4),
                Column("Measure", 4.6),
                Column("How it is carried out", 7.0),
                Column("Evaluation", 3.0),
            ),
            [
                (
                    str(row.get("number", "")),
                    Span(row.get("title") or "Untitled", bold=True),
                    cell(row.get("description") or ""),
                    _column(view, "measures", "evaluation").display(row["evaluation"])
                    if row.get("evaluation")
                    else "Not evaluated",
                )
                for row in rows
            ],
        )
        for row in rows:
            details: list[tuple[str, Any]] = []
            if row.get("evaluation_comment"):
                details.append(("Evaluator's comment", cell(row["evaluation_comment"])))
            if row.get("action_plan"):
                details.append(("Corrective actions", cell(row["action_plan"])))
            if row.get("action_due"):
                details.append(("To be in place by", label.long_date(row["action_due"])))
            if row.get("action_owner"):
                details.append(("In charge", row["action_owner"]))
            for comment in view.comments(measure=row.get("number")):
                details.append(("Comment", comment))
            if details:
                writer.heading(
                    f"Measure {row.get('number', '')}: {row.get('title') or 'Untitled'}", 3
                )
                writer.key_values(details, key_width=4.2)


def _column(view: View, question_id: str, column_id: str) -> Any:
    columns = getattr(view.questionnaire.question(question_id), "columns", ())
    return next(c for c in columns if c.id == column_id)


@dataclass(frozen=True)
class CnilRisk:
    dossier: Dossier
    event: FearedEvent

    def render(self, writer: DocumentWriter) -> None:
        view = View(self.dossier)
        event = self.event
        writer.heading(f"{self.dossier.risk_numbers.get(event.id, '')} {event.title}".strip(), 2)
        writer.paragraph(event.description)
        for part in ("impacts", "threats", "sources", "controls"):
            question_id = event.question(part)
            writer.paragraph(Span(view.label(question_id), bold=True))
            entries = [row["entry"] for row in view.get(question_id) or []]
            if entries:
                writer.bullets(entries)
            else:
                writer.paragraph(Span("None listed in the PIA.", italic=True))
            for comment in view.comments(question=question_id):
                writer.note((Span("Comment: ", bold=True), Span(comment)))
        for axis in ("severity", "likelihood"):
            question_id = event.question(axis)
            writer.paragraph(
                (
                    Span(f"{axis.capitalize()}: ", bold=True),
                    Span(view.shown(question_id) if view.get(question_id) else "not estimated"),
                )
            )
            reason = view.get(event.question(f"{axis}_reason"))
            if reason:
                writer.blocks(blocks(reason))
            for comment in view.comments(question=question_id):
                writer.note((Span("Comment: ", bold=True), Span(comment)))
        evaluation(writer, view, event.prefix)


def cnil_report(dossier: Dossier) -> list[Section]:
    """The sections of a CNIL PIA, in the method's order."""
    method = scoring_method(dossier.questionnaire)
    assert isinstance(method, CnilMethod)
    sections: list[Section] = [
        CoverPage(dossier),
        DocumentControl(dossier),
        Contents(),
        CnilSummary(dossier),
        CnilPart(1, "Context", "GDPR Art. 35(7)(a)"),
        CnilItem(dossier, "overview"),
        CnilItem(dossier, "data_processes"),
        CnilPart(2, "Fundamental principles", "GDPR Art. 35(7)(b) and (d)"),
        CnilItem(dossier, "proportionality", per_question=True),
        CnilItem(dossier, "rights_controls", per_question=True),
        CnilPart(3, "Risks", "GDPR Art. 35(7)(c) and (d)"),
        CnilMeasures(dossier),
        *(CnilRisk(dossier, event) for event in method.feared_events),
        CnilRiskMap(dossier),
        CnilPart(4, "Validation", "GDPR Art. 35(2), (9) and (11)"),
        CnilActionPlan(dossier),
        CnilOpinions(dossier),
        CnilValidation(dossier),
        SignOff(dossier),
        SignaturePage(dossier),
    ]
    sections.append(CnilMethodAnnex(dossier, "A"))
    return sections
