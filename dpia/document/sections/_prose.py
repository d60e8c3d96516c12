"""Sections written as prose from the answers by the text templates under `templates/`.

Each renders `sections/<template>.md.j2` (or the questionnaire's own variant). The description
of the processing is a narrative, never a list of questions and answers: that list belongs to
the annex.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .._dossier import Dossier
from .._labels import long_date
from .._writer import DocumentWriter

__all__ = [
    "Consultation",
    "Foundation",
    "Lawfulness",
    "Necessity",
    "ProcessingDescription",
    "ProseSection",
    "ReviewPlan",
    "Rights",
    "Security",
]


@dataclass(frozen=True)
class ProseSection:
    dossier: Dossier
    template: ClassVar[str]
    title: ClassVar[str]
    basis: ClassVar[str] = ""

    def render(self, writer: DocumentWriter) -> None:
        writer.heading(self.title, 2)
        if self.basis and self.dossier.report.gdpr_applies:
            writer.note(self.basis)
        blocks = self.dossier.prose(self.template)
        if blocks:
            writer.blocks(blocks)
        else:
            writer.paragraph(
                "The answers recorded so far say nothing on this topic; the questionnaire's "
                "answers are listed in full in the annex."
            )
        self.after(writer)

    def after(self, writer: DocumentWriter) -> None:
        """What a section adds below its prose; most add nothing."""


class Foundation(ProseSection):
    template = "foundation"
    title = "Controller, processors and assessment team"


class ProcessingDescription(ProseSection):
    template = "description"
    title = "Systematic description of the processing"
    basis = (
        "GDPR Art. 35(7)(a): the processing operations, their purposes and, where relied on, the "
        "legitimate interest pursued."
    )


class Lawfulness(ProseSection):
    template = "lawfulness"
    title = "Lawfulness"
    basis = "GDPR Arts. 6, 7, 9 and 88: the legal basis for each purpose and what it requires."


class Necessity(ProseSection):
    template = "necessity"
    title = "Necessity and proportionality"
    basis = "GDPR Art. 35(7)(b) and Art. 5(1)(b) to (e): alternatives, minimisation, retention."


class Rights(ProseSection):
    template = "rights"
    title = "Rights and transparency"
    basis = "GDPR Arts. 12 to 22: information, access, objection, erasure, automated decisions."


class Security(ProseSection):
    template = "security"
    title = "Security, processors and transfers"
    basis = "GDPR Arts. 28, 32 and 44 to 49."


class Consultation(ProseSection):
    template = "consultation"
    title = "Views of the people concerned and their representatives"
    basis = (
        "GDPR Art. 35(9): where appropriate, the views of the people concerned or their "
        "representatives are sought, and reasons are given where the decision departs from them."
    )

    def after(self, writer: DocumentWriter) -> None:
        record = self.dossier.assessment.signoff
        opinion = record.workers_representatives if record else None
        if opinion is None:
            return
        writer.heading(f"Opinion of {opinion.body}", 3)
        writer.key_values(
            (
                ("Given on", long_date(opinion.date)),
                ("Opinion", opinion.opinion),
                ("How it was taken into account", opinion.response or "Not yet recorded."),
            )
        )


class ReviewPlan(ProseSection):
    template = "review"
    title = "Review plan"
    basis = (
        "GDPR Art. 35(11): the controller checks whether the processing still matches this "
        "assessment, at least whenever the risk changes."
    )
