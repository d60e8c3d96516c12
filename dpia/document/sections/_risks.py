"""Part 3: the risk register with every rating explained, and the risk map."""

from __future__ import annotations

from dataclasses import dataclass

from ..._vocabulary import NO_FURTHER_CHANGE
from ...risk import Rating, RiskResult
from ...risk._scales import SCALE
from .. import _labels as label
from .._dossier import Dossier, unique_texts
from .._markup import Span
from .._risk_map import MapPoint, risk_map_png
from .._writer import Cell, Column, DocumentWriter

__all__ = ["RiskMap", "RiskRegister"]


def _rating_cell(rating: Rating) -> Cell:
    return Cell.of(
        label.LEVEL[rating.level],
        f"L{rating.likelihood} × S{rating.severity}",
        level=rating.level,
    )


def _measures_cell(dossier: Dossier, risk: RiskResult) -> Cell:
    """The measures counted against the risk, each with what it changed: a measure whose kind
    was already counted, or that met the floor or the lowest value, is listed as changing
    nothing, never credited a nominal step."""
    changes = risk.changes()
    changed = [
        f"{dossier.measure_title(m)} ({', '.join(steps)})" for m, steps in changes.items() if steps
    ]
    unchanged = [dossier.measure_title(m) for m, steps in changes.items() if not steps]
    open_ = [
        m.title
        for m in dossier.report.mitigations
        if m.status == "recommended" and risk.id in m.risks and m.gain > 0
    ]
    paragraphs: list[object] = []
    if changed:
        paragraphs.append("; ".join(changed))
    if unchanged:
        paragraphs.append((Span(f"{NO_FURTHER_CHANGE}: ", italic=True), Span("; ".join(unchanged))))
    if not risk.measures:
        paragraphs.append(Span("None in place or planned.", italic=True))
    if open_:
        paragraphs.append(Span("Recommended:", bold=True))
        paragraphs.extend(f"– {title}" for title in open_[:4])
        if len(open_) > 4:
            paragraphs.append(f"and {len(open_) - 4} more in the action plan")
    return Cell(tuple(paragraphs))  # type: ignore[arg-type]


@dataclass(frozen=True)
class RiskRegister:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        dossier = self.dossier
        writer.heading("Risk register", 2)
        annex = dossier.annex_letters["methodology"]
        basis = "GDPR Art. 35(7)(c). " if dossier.report.gdpr_applies else ""
        writer.note(
            f"{basis}Likelihood (L) and severity (S) are rated 1 to 4 and combined "
            f"in the matrix of Annex {annex}; “before measures” is the processing as designed, "
            "“after measures” counts the measures in place or planned."
        )
        columns = (
            Column("No.", 1.1),
            Column("Risk", 4.3),
            Column("Before measures", 2.3),
            Column("Measures in place or planned", 6.0),
            Column("After measures", 2.3),
        )
        rows = [
            (
                Span(dossier.risk_numbers[risk.id], bold=True),
                Cell.of(Span(risk.title, bold=True), label.KIND[risk.kind]),
                _rating_cell(risk.inherent),
                _measures_cell(dossier, risk),
                _rating_cell(risk.residual),
            )
            for risk in dossier.report.risks
        ]
        writer.table(columns, rows)
        writer.heading("Why each risk is rated as it is", 2)
        for risk in dossier.report.risks:
            self._explain(writer, risk)

    def _explain(self, writer: DocumentWriter, risk: RiskResult) -> None:
        dossier = self.dossier
        writer.heading(dossier.risk_title(risk.id), 3)
        writer.paragraph(risk.description)
        inherent, residual = risk.inherent, risk.residual
        writer.paragraph(
            (
                Span("Before measures: ", bold=True),
                Span(_rating_words(inherent) + ", because:"),
            )
        )
        fired = [r for r in inherent.because if r.axis in ("likelihood", "severity")]
        writer.bullets(dossier.reason_spans(r) for r in unique_texts(fired))
        quoted = dossier.quoted_answers(fired)
        if quoted:
            writer.note((Span("Answers this rests on: ", bold=True), *quoted))
        writer.paragraph((Span("After measures: ", bold=True), Span(_rating_words(residual) + ":")))
        effects = [r for r in residual.because if r.axis in ("measure", "floor")]
        writer.bullets(dossier.reason_spans(r) for r in unique_texts(effects))


def _rating_words(rating: Rating) -> str:
    return (
        f"{label.LEVEL[rating.level].lower()} (likelihood {rating.likelihood} "
        f"{SCALE[rating.likelihood]}, severity {rating.severity} {SCALE[rating.severity]})"
    )


@dataclass(frozen=True)
class RiskMap:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        dossier = self.dossier
        writer.heading("Risk map", 2)
        points = [
            MapPoint(
                dossier.risk_numbers[r.id],
                (r.inherent.likelihood, r.inherent.severity),
                (r.residual.likelihood, r.residual.severity),
            )
            for r in dossier.report.risks
        ]
        fills = {level: writer.level_fill(level) for level in ("low", "medium", "high")}
        description = "; ".join(
            f"{dossier.risk_title(r.id)}: L{r.inherent.likelihood} S{r.inherent.severity} "
            f"to L{r.residual.likelihood} S{r.residual.severity}"
            for r in dossier.report.risks
        )
        writer.picture(
            risk_map_png(points, fills),
            13.5,
            "Risk map",
            f"Each risk before and after measures on the 4 by 4 grid. {description}",
        )
        writer.caption(
            "Figure 1. Risks before measures (white circles) and after measures (filled "
            "circles); an arrow shows the effect of the measures. Numbers refer to the register."
        )
