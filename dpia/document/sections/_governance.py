"""Part 5 and the Art. 36 annex: the DPO's advice and the prior-consultation file."""

from __future__ import annotations

from dataclasses import dataclass

from .. import _labels as label
from .._dossier import Dossier
from .._markup import Span
from .._writer import Cell, Column, DocumentWriter

__all__ = ["DpoAdvice", "PriorConsultationAnnex"]

_ADVICE_LEVEL = {"approve": "low", "approve_with_conditions": "medium", "do_not_proceed": "high"}


@dataclass(frozen=True)
class DpoAdvice:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        writer.heading("Advice of the data protection officer", 2)
        basis = "GDPR Art. 35(2) and Art. 39(1)(c): t" if self.dossier.report.gdpr_applies else "T"
        writer.note(
            f"{basis}he controller seeks the DPO's advice while carrying out the assessment and "
            "records it, with its reasons where it is not followed."
        )
        record = self.dossier.assessment.signoff
        advice = record.dpo_advice if record else None
        if advice is None:
            writer.paragraph(
                "The DPO's advice has not been recorded yet. Once it is added to the sign-off "
                "record of the answers file, it appears here when the document is produced again."
            )
            return
        pairs: list[tuple[str, Cell | str]] = [
            ("Advice", Cell.of(label.ADVICE[advice.advice], level=_ADVICE_LEVEL[advice.advice])),  # type: ignore[arg-type]
            ("Given by", f"{advice.name}, {label.long_date(advice.date)}"),
            ("Summary", Cell(tuple(advice.summary.split("\n")))),
        ]
        if advice.conditions:
            pairs.append(
                ("Conditions", Cell(tuple(f"{n}. {c}" for n, c in enumerate(advice.conditions, 1))))
            )
        writer.key_values(pairs)


@dataclass(frozen=True)
class PriorConsultationAnnex:
    dossier: Dossier
    letter: str = "A"

    def render(self, writer: DocumentWriter) -> None:
        dossier = self.dossier
        writer.heading(f"Annex {self.letter}. Prior consultation of the supervisory authority", 1)
        writer.note(
            "GDPR Art. 36: where the assessment shows that the processing would result in a high "
            "risk that the measures do not bring down, the controller consults the supervisory "
            "authority before processing starts. The authority answers in writing within eight "
            "weeks, a period it may extend by six weeks for complex cases."
        )
        writer.paragraph(dossier.report.prior_consultation_note)
        high = [r for r in dossier.report.risks if r.residual.level == "high"]
        if high:
            writer.table(
                (Column("Risk that stays high", 6.0), Column("Why it stays high", 10.0)),
                [
                    (
                        Span(dossier.risk_title(r.id), bold=True),
                        Cell(
                            tuple(
                                dossier.reason_spans(reason)
                                for reason in r.residual.because
                                if reason.axis in ("floor", "measure")
                            )
                            or ("No measure in place or planned lowers it.",)
                        ),
                    )
                    for r in high
                ],
            )
        writer.heading("What the consultation file contains (Art. 36(3))", 2)
        writer.blocks(dossier.prose("prior_consultation"))
