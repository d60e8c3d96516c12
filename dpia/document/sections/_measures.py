"""Part 4: the action plan, every measure with the risks it addresses, owner, due date, status."""

from __future__ import annotations

from dataclasses import dataclass

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
        writer.note(
            "GDPR Art. 35(7)(d). Measures in place and planned are counted in the ratings after "
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
                    Cell.of(Span(measure.title, bold=True), measure.description),
                    ", ".join(
                        dossier.risk_numbers[r] for r in measure.risks if r in dossier.risk_numbers
                    )
                    or "—",
                    measure.owner or ("To be assigned" if measure.status == "recommended" else "—"),
                    label.short_date(measure.due) if measure.due else "—",
                    label.MEASURE_STATUS[measure.status],
                )
            )
        writer.table(columns, rows)
