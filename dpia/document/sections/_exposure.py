"""Legal exposure per jurisdiction: obligations triggered, gaps, and statutory maxima.

A statutory maximum is the ceiling the law sets for a breach, computed from the turnover and the
headcount given in the answers. It is labelled as such everywhere: it is not a forecast of a fine.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...risk import ObligationResult
from .. import _labels as label
from .._dossier import Dossier
from .._markup import Span
from .._writer import Cell, Column, DocumentWriter

__all__ = ["LegalExposure", "ObligationSections"]


def _status_cell(item: ObligationResult) -> Cell:
    text = label.OBLIGATION_STATUS[item.status]
    if item.status == "met":
        return Cell.of(text, level="low")
    if item.status == "gap":
        # Green means met: an unmet obligation is shaded at least amber, however minor.
        return Cell.of(text, level="high" if item.gap_level == "high" else "medium")
    return Cell.of(text)


def _maximum_cell(item: ObligationResult) -> Cell:
    penalty = item.penalty
    if item.status == "met":
        return Cell.of(Span(label.NOT_AT_STAKE, italic=True))
    if penalty is None:
        return Cell.of("No penalty in the catalogue.")
    return Cell.of(
        (
            Span(label.money(penalty.maximum, penalty.currency), bold=True),
            Span(
                f" statutory maximum {label.IF_NOT_FULFILLED}"
                if item.status == "duty"
                else " statutory maximum"
            ),
        ),
        Span(penalty.label, italic=True),
    )


def _penalty_notes(writer: DocumentWriter, items: tuple[ObligationResult, ...]) -> None:
    """Each penalty rule once, below its table: how the maxima in the table are worked out."""
    seen: dict[str, ObligationResult] = {}
    for item in items:
        if item.penalty is not None and item.status != "met":
            seen.setdefault(item.penalty.label, item)
    for name, item in seen.items():
        penalty = item.penalty
        assert penalty is not None
        writer.note(
            (
                Span(f"{name}: ", bold=True),
                Span(f"{penalty.formula}. Worked out from: {penalty.basis}."),
            )
        )


@dataclass(frozen=True)
class LegalExposure:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        dossier = self.dossier
        writer.heading("Legal exposure by jurisdiction", 2)
        writer.note(
            "A statutory maximum is the highest penalty the law allows for a breach, worked out "
            "from the turnover and headcount in the answers. It is a ceiling, not a prediction: "
            "the fine in a real case depends on the authority's assessment of all circumstances."
        )
        exposures = dossier.report.legal_exposure
        if not exposures:
            writer.paragraph("No obligation in the catalogue applies to these answers.")
            return
        columns = (
            Column("Obligation", 4.3),
            Column("Status", 1.8),
            Column("What is missing", 4.9),
            Column("Statutory maximum", 5.0),
        )
        for jurisdiction in exposures:
            writer.heading(jurisdiction.label, 3)
            maxima = ", ".join(
                label.money(amount, currency)
                for currency, amount in sorted(jurisdiction.statutory_maximum.items())
            )
            writer.paragraph(
                (
                    Span(f"People monitored: {jurisdiction.headcount:,}. "),
                    Span(f"{label.HIGHEST_MAXIMUM}: ", bold=True),
                    Span(maxima or label.NO_MAXIMUM),
                    Span("."),
                )
            )
            rows = [
                (
                    Cell.of(
                        Span(item.title, bold=True),
                        _law_and_articles(item.law, item.legal),
                        *(
                            (Span(f"Deadline: {item.deadline}", italic=True),)
                            if item.deadline
                            else ()
                        ),
                    ),
                    _status_cell(item),
                    _gap_text(dossier, item),
                    _maximum_cell(item),
                )
                for item in jurisdiction.obligations
            ]
            writer.table(columns, rows)
            _penalty_notes(writer, jurisdiction.obligations)


@dataclass(frozen=True)
class ObligationSections:
    """An assessment another law requires and this DPIA also serves as (the CCPA risk
    assessment), set out as a section of its own where the obligation applies."""

    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        for jurisdiction in self.dossier.report.legal_exposure:
            for item in jurisdiction.obligations:
                if not item.section:
                    continue
                writer.heading(f"{item.title} ({item.law}, {jurisdiction.label})", 2)
                if item.legal:
                    writer.note("; ".join(item.legal) + ".")
                writer.blocks(self.dossier.prose(item.section))


def _gap_text(dossier: Dossier, item: ObligationResult) -> Cell:
    if item.status == "met":
        return Cell.of("Nothing: the answers show this obligation met.")
    if item.status == "duty":
        if item.gap:
            return Cell.of(item.gap[:1].upper() + item.gap[1:] + ".")
        return Cell.of("A standing duty to fulfil and document.")
    gap = item.gap[:1].upper() + item.gap[1:] if item.gap else "Not met."
    quoted = dossier.quote(item.answers)
    return Cell.of(gap, *(((Span("Answers: ", bold=True), *quoted),) if quoted else ()))


def _law_and_articles(law: str, legal: tuple[str, ...]) -> str:
    """`GDPR Art. 35(1); GDPR Art. 83(4)(a)` rather than `GDPR (GDPR Art. 35(1); ...)`: the
    law is named on its own only where no citation names it already."""
    if not legal:
        return law
    citations = "; ".join(legal)
    return citations if all(c.startswith(law) for c in legal) else f"{law} ({citations})"
