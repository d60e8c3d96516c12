"""Part 0: is a DPIA required, and on which criteria (Art. 35(1), (3), (4); WP248)."""

from __future__ import annotations

from dataclasses import dataclass

from .. import _labels as label
from .._dossier import Dossier
from .._markup import Span
from .._writer import Cell, Column, DocumentWriter

__all__ = ["Screening"]

_VERDICT = {
    "required": "A DPIA is required.",
    "likely": "A DPIA is likely required; a decision not to carry one out would need reasons.",
    "not_required": "On these answers a DPIA is not required, but this assessment records why.",
    "not_screened": "This assessment was not screened: its method has no screening step.",
}


@dataclass(frozen=True)
class Screening:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        dossier = self.dossier
        screening = dossier.report.screening
        if not dossier.report.gdpr_applies:
            writer.heading("Is a DPIA required? The GDPR's criteria, which do not apply", 2)
            writer.paragraph(
                "The GDPR does not apply to this programme, so its Art. 35 does not itself "
                "require this assessment. Measured against its criteria, which describe how "
                "intrusive processing is, the verdict would be: "
                f"{label.DPIA_REQUIRED[screening.dpia_required].lower()}."
            )
        else:
            writer.heading("Is a DPIA required?", 2)
            writer.paragraph(
                (
                    Span(_VERDICT[screening.dpia_required], bold=True),
                    Span(
                        " The screening checks the cases in which the GDPR always requires an "
                        "assessment (Art. 35(3)), the nine criteria of the EDPB's guidelines "
                        "(WP248 rev.01: two or more usually mean a DPIA is needed) and the lists "
                        "that supervisory authorities publish (Art. 35(4))."
                    ),
                )
            )
        writer.bullets(dossier.reason_spans(reason) for reason in screening.because)
        writer.paragraph(
            "A case or criterion counts when the answers as a whole show it, whether or not it "
            "was ticked in the screening questions listed in the answers annex."
        )
        groups = (
            ("Always required (Art. 35(3))", screening.art35_3),
            ("WP248 criterion", screening.wp248),
            ("Supervisory authority list", screening.national_lists),
        )
        rows = [
            (group, Cell.of(dossier.reason_spans(reason, brief=True)))
            for group, reasons in groups
            for reason in reasons
        ]
        if rows:
            writer.table((Column("Ground", 4.0), Column("What applies, and why", 12.0)), rows)
        else:
            writer.paragraph("No criterion applies to these answers.")
        writer.note(
            f"Verdict: {label.DPIA_REQUIRED[screening.dpia_required]}, with "
            f"{len(screening.wp248)} of the nine WP248 criteria met."
        )
