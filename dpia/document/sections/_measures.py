"""Part 4: the action plan, every measure with the risks it addresses, owner, due date, status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...risk import MeasureResult
from .. import _labels as label
from .._dossier import Dossier
from .._markup import Span
from .._writer import Cell, Column, DocumentWriter

__all__ = ["ActionPlan"]


@dataclass(frozen=True)
class ActionPlan:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        dossier = self.dossier
        writer.heading("Action plan", 2)
        basis = "GDPR Art. 35(7)(d). " if dossier.report.gdpr_applies else ""
        writer.note(
            f"{basis}Measures in place and planned are counted in the ratings after "
            "measures; recommended measures are not, and are listed with the most residual risk "
            "they would remove first. Risks are numbered as in the register."
        )
        measures = [m for m in dossier.report.mitigations if m.status != "not_applicable"]
        if not measures:
            writer.paragraph("The risk catalogue proposes no measure for these answers.")
            return
        columns = (
            Column("Measure", 6.8),
            Column("Risks", 1.9),
            Column("Owner", 2.8),
            Column("Due", 2.0),
            Column("Status", 2.5),
        )
        rows = []
        for measure in measures:
            rows.append(
                (
                    _measure_cell(dossier, measure),
                    ", ".join(
                        dossier.risk_numbers[r] for r in measure.risks if r in dossier.risk_numbers
                    )
                    or "—",
                    _owner(measure),
                    _due(measure),
                    label.MEASURE_STATUS[measure.status],
                )
            )
        writer.table(columns, rows)
        _residual_views(dossier, writer)


def _measure_cell(dossier: Dossier, measure: MeasureResult) -> Cell:
    """What the answers say about a measure in place, then what the measure is in general:
    the catalogue's description is never presented as a fact about the programme."""
    paragraphs: list[Any] = [Span(measure.title, bold=True)]
    if measure.status == "implemented":
        if measure.in_place:
            paragraphs.extend(measure.in_place)
        else:
            quoted = dossier.quoted_answers(measure.because)
            if quoted:
                paragraphs.append((Span("The answers show it in place: "), *quoted))
    if measure.status == "planned" and measure.note:
        paragraphs.append(measure.note)
    paragraphs.append(
        (Span("What the measure is: ", italic=True), Span(measure.description, italic=True))
    )
    return Cell(tuple(paragraphs))


def _owner(measure: MeasureResult) -> str:
    if measure.status == "planned":
        return measure.owner or "Not named in the plan"
    if measure.status == "recommended":
        return "Not assigned: not adopted"
    return "—"


def _due(measure: MeasureResult) -> str:
    if measure.status == "planned":
        return label.short_date(measure.due) if measure.due else "No date in the plan"
    if measure.status == "implemented":
        return "Already in place"
    return "Not planned"


_VIEWS = ("now", "plan", "if_all")


def _residual_views(dossier: Dossier, writer: DocumentWriter) -> None:
    """The residual level of each risk now, after the plan and if every recommendation were
    adopted: what "approve with conditions" would approve, in the report's own ratings."""
    report = dossier.report
    risks = [r for r in report.risks if r.residual_now is not None and r.residual_if_all]
    if not risks:
        return
    writer.heading("Residual risk now, after the plan and with every recommendation", 3)
    writer.note(
        "; ".join(
            f"{label.RESIDUAL_VIEW[view]}: {label.RESIDUAL_VIEW_MEANING[view][:1].lower()}"
            f"{label.RESIDUAL_VIEW_MEANING[view][1:-1]}"
            for view in _VIEWS
        )
        + "."
    )
    columns = (
        Column("Risk", 7.0),
        Column(label.RESIDUAL_VIEW["now"], 3.0),
        Column(label.RESIDUAL_VIEW["plan"], 3.0),
        Column(label.RESIDUAL_VIEW["if_all"], 3.0),
    )
    rows: list[tuple[Any, ...]] = []
    for risk in risks:
        views = (risk.residual_now, risk.residual, risk.residual_if_all)
        rows.append(
            (
                dossier.risk_title(risk.id),
                *(
                    Cell.of(
                        f"{label.LEVEL[v.level]} (L{v.likelihood} × S{v.severity})",
                        level=v.level,
                    )
                    for v in views
                    if v is not None
                ),
            )
        )
    overall = (
        report.overall_residual_now,
        report.overall_residual,
        report.overall_residual_if_all,
    )
    rows.append(
        (
            Span("Overall", bold=True),
            *(Cell.of(Span(label.LEVEL[v], bold=True), level=v) for v in overall if v),
        )
    )
    writer.table(columns, rows)
