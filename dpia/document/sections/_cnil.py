"""The report of an assessment made with the CNIL PIA method: its four parts, in its own order.

A CNIL PIA is laid out as the method lays it out (context, fundamental principles, risks,
validation), with each answer followed by the evaluator's verdict on it, so that a DPO who knows
the PIA tool finds every element where the tool shows it. The cover, document control, risk
map, sign-off and signature page are the same sections every dpia document has. Answers are
quoted as the PIA's authors wrote them; the only words of dpia's own are the headings, the
labels and the explanation of the method.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ...interop._html_text import text_lines
from ...risk import scoring_method
from ...risk._cnil import CnilMethod, FearedEvent
from ...risk._scales import SCALE, level_of
from .. import _labels as label
from .._dossier import Dossier
from .._markup import Block, Span
from .._risk_map import MapPoint, risk_map_png
from .._writer import Cell, Column, DocumentWriter
from ._base import Section
from ._front import Contents, CoverPage, DocumentControl, consultation_banner
from ._signing import SignaturePage, SignOff

__all__ = ["cnil_report"]

_EVALUATION_PARTS = (
    "evaluation",
    "evaluation_comment",
    "action_plan",
    "action_due",
    "action_owner",
)


def _blocks(text: str) -> list[Block]:
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


def _cell(text: str) -> Cell:
    paragraphs = [block.spans for block in _blocks(text)]
    return Cell(tuple(paragraphs) or ("",))


class _View:
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


def _evaluation(writer: DocumentWriter, view: _View, prefix: str) -> None:
    values = {part: view.get(f"{prefix}_{part}") for part in _EVALUATION_PARTS}
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
        rows.append(("Evaluator's comment", _cell(values["evaluation_comment"])))
    if values["action_plan"]:
        rows.append(("Corrective actions", _cell(values["action_plan"])))
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


def _answer(writer: DocumentWriter, view: _View, question_id: str) -> None:
    writer.paragraph(Span(view.label(question_id), bold=True))
    value = view.get(question_id)
    if value:
        writer.blocks(_blocks(value))
    else:
        writer.paragraph(Span("Not answered in the PIA.", italic=True))
    for comment in view.comments(question=question_id):
        writer.note((Span("Comment: ", bold=True), Span(comment)))


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
        view = _View(self.dossier)
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
            writer.heading("Still missing from this assessment", 3)
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


def _evaluation_counts(view: _View) -> str:
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
        view = _View(self.dossier)
        section = next(s for s in view.questionnaire.sections if s.id == self.section_id)
        writer.heading(section.title.split(": ", 1)[-1].capitalize(), 2)
        questions = [q.id for q in section.questions if not _is_evaluation(q.id)]
        for question_id in questions:
            _answer(writer, view, question_id)
            if self.per_question:
                _evaluation(writer, view, question_id)
        if not self.per_question:
            _evaluation(writer, view, self.section_id)


def _is_evaluation(question_id: str) -> bool:
    return question_id.endswith(
        (
            *tuple(f"_{part}" for part in _EVALUATION_PARTS),
            "_corrected_severity",
            "_corrected_likelihood",
        )
    )


@dataclass(frozen=True)
class CnilMeasures:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        view = _View(self.dossier)
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
                    _cell(row.get("description") or ""),
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
                details.append(("Evaluator's comment", _cell(row["evaluation_comment"])))
            if row.get("action_plan"):
                details.append(("Corrective actions", _cell(row["action_plan"])))
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


def _column(view: _View, question_id: str, column_id: str) -> Any:
    columns = getattr(view.questionnaire.question(question_id), "columns", ())
    return next(c for c in columns if c.id == column_id)


@dataclass(frozen=True)
class CnilRisk:
    dossier: Dossier
    event: FearedEvent

    def render(self, writer: DocumentWriter) -> None:
        view = _View(self.dossier)
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
                writer.blocks(_blocks(reason))
            for comment in view.comments(question=question_id):
                writer.note((Span("Comment: ", bold=True), Span(comment)))
        _evaluation(writer, view, event.prefix)


@dataclass(frozen=True)
class CnilRiskMap:
    """The three risks on the 4 x 4 grid, as the PIA tool draws them: initial and re-estimated."""

    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        dossier = self.dossier
        writer.heading("Risk map", 2)
        risks = dossier.report.risks
        if not risks:
            writer.paragraph(Span("No risk is estimated yet.", italic=True))
            return
        points = [
            MapPoint(
                dossier.risk_numbers[r.id],
                (r.inherent.likelihood, r.inherent.severity),
                (r.residual.likelihood, r.residual.severity),
            )
            for r in risks
        ]
        fills = {level: writer.level_fill(level) for level in ("low", "medium", "high")}
        description = "; ".join(
            f"{dossier.risk_title(r.id)}: severity {r.inherent.severity}, likelihood "
            f"{r.inherent.likelihood}, then severity {r.residual.severity}, likelihood "
            f"{r.residual.likelihood}"
            for r in risks
        )
        writer.picture(risk_map_png(points, fills), 13.5, "Risk map", description)
        writer.caption(
            "Figure 1. The author's initial estimate (white circles) and the evaluator's estimate "
            "after the action plan (filled circles); where the evaluator did not re-estimate a "
            "risk, both are the same. Numbers refer to the risks above."
        )


@dataclass(frozen=True)
class CnilActionPlan:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        view = _View(self.dossier)
        writer.heading("Action plan", 2)
        rows = []
        for section in view.questionnaire.sections:
            for question in section.questions:
                if question.id.endswith("_action_plan") and view.get(question.id):
                    prefix = question.id.removesuffix("_action_plan")
                    rows.append(
                        (
                            _about(view, section.title, prefix),
                            _cell(view.get(question.id)),
                            _when(view.get(f"{prefix}_action_due")),
                            view.get(f"{prefix}_action_owner") or "—",
                        )
                    )
        for row in view.get("measures") or []:
            if row.get("action_plan"):
                rows.append(
                    (
                        f"Measure {row.get('number', '')}: {row.get('title') or 'Untitled'}",
                        _cell(row["action_plan"]),
                        _when(row.get("action_due")),
                        row.get("action_owner") or "—",
                    )
                )
        if not rows:
            writer.paragraph(Span("The evaluation calls for no corrective action.", italic=True))
            return
        writer.table(
            (
                Column("About", 3.8),
                Column("Corrective actions", 7.2),
                Column("By", 2.4),
                Column("In charge", 2.6),
            ),
            rows,
        )


def _about(view: _View, section_title: str, prefix: str) -> str:
    try:
        return view.label(prefix)
    except KeyError:
        return section_title.split(": ", 1)[-1]


def _when(value: dt.date | None) -> str:
    return label.short_date(value) if value else "—"


@dataclass(frozen=True)
class CnilOpinions:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        view = _View(self.dossier)
        writer.heading("Opinions of the DPO and of the people concerned", 2)
        for question_id in (
            "dpo_names",
            "dpo_opinion_status",
            "dpo_opinion",
            "subjects_opinion_sought",
            "subjects_opinion_not_sought_reason",
            "subjects_names",
            "subjects_opinion_status",
            "subjects_opinion",
        ):
            if view.get(question_id) is not None:
                writer.paragraph(Span(view.label(question_id), bold=True))
                writer.blocks(_blocks(view.shown(question_id)))
        if all(view.get(q) is None for q in ("dpo_opinion_status", "dpo_opinion")):
            writer.paragraph(Span("The PIA records no opinion of the DPO.", italic=True))


@dataclass(frozen=True)
class CnilValidation:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        view = _View(self.dossier)
        writer.heading("Who assessed and where the PIA stands", 2)
        pairs: list[tuple[str, Any]] = []
        for question_id in ("author", "evaluator", "validator", "pia_status"):
            value = view.get(question_id)
            pairs.append(
                (view.label(question_id), view.shown(question_id) if value else "Not recorded")
            )
        for question_id in ("rejection_reason", "applied_adjustments"):
            if view.get(question_id):
                pairs.append((view.label(question_id), _cell(view.get(question_id))))
        writer.key_values(pairs, key_width=5.5)
        record = [
            (view.label(q), view.shown(q))
            for q in (
                "pia_number",
                "pia_category",
                "pia_created_at",
                "pia_updated_at",
                "structure_name",
                "structure_sector",
            )
            if view.get(q) is not None
        ]
        attachments = view.get("attachments") or []
        if record or attachments:
            writer.heading("Record in the PIA tool", 3)
        if record:
            writer.key_values(record, key_width=5.5)
        if attachments:
            writer.table(
                (Column("Attachment", 5.0), Column("Size", 2.4), Column("SHA-256", 8.6)),
                [(a["name"], f"{a['bytes']:,} bytes", a["sha256"]) for a in attachments],
            )


@dataclass(frozen=True)
class CnilMethodAnnex:
    dossier: Dossier
    letter: str

    def render(self, writer: DocumentWriter) -> None:
        writer.heading(f"Annex {self.letter}. The CNIL PIA method and how dpia rates it", 1)
        writer.paragraph(
            "The CNIL's method looks at three data-security risks: illegitimate access to the "
            "data, their unwanted modification and their disappearance. For each, the author "
            "lists the impacts on the people concerned, the threats, the risk sources and the "
            "measures that help, then estimates the severity and the likelihood on four-step "
            "gauges, counting the existing or planned measures. The evaluator may re-estimate "
            "both gauges once the action plan is taken into account."
        )
        writer.bullets(
            (
                (Span("Initial estimate. ", bold=True), Span("The author's two gauges.")),
                (
                    Span("After the action plan. ", bold=True),
                    Span(
                        "The evaluator's re-estimated gauges where both are given; otherwise the "
                        "initial estimate, and the register says so."
                    ),
                ),
                (
                    Span("Level. ", bold=True),
                    Span(
                        "Both gauges placed in dpia's risk matrix below, the same for every "
                        "assessment dpia keeps; the PIA tool itself draws the gauges on a map "
                        "without naming a level."
                    ),
                ),
                (
                    Span("Prior consultation. ", bold=True),
                    Span(
                        "Required when any risk stays high after the action plan (GDPR Art. 36(1))."
                    ),
                ),
            )
        )
        header = [Column("Severity \\ likelihood", 3.6)] + [
            Column(f"{v} {SCALE[v]}", 3.1) for v in (1, 2, 3, 4)
        ]
        rows = [
            [Span(f"{severity} {SCALE[severity]}", bold=True)]
            + [
                Cell.of(
                    label.LEVEL[level_of(likelihood, severity)],
                    level=level_of(likelihood, severity),
                )
                for likelihood in (1, 2, 3, 4)
            ]
            for severity in (4, 3, 2, 1)
        ]
        writer.table(header, rows)


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
