"""The annexes every DPIA carries: the answers in full, and how the ratings are worked out."""

from __future__ import annotations

from dataclasses import dataclass

from ...risk._scales import SCALE, ico_likelihood, ico_severity, level_of
from .. import _labels as label
from .._dossier import Dossier
from .._markup import Span
from .._writer import Cell, Column, DocumentWriter

__all__ = ["AnswersAnnex", "MethodologyAnnex"]


@dataclass(frozen=True)
class AnswersAnnex:
    """Every question shown for these answers, with its answer, by questionnaire section."""

    dossier: Dossier
    letter: str = "B"

    def render(self, writer: DocumentWriter) -> None:
        dossier = self.dossier
        questionnaire = dossier.questionnaire
        answers = dossier.assessment.answers
        shown = questionnaire.visibility(answers)
        writer.heading(f"Annex {self.letter}. Answers to the questionnaire", 1)
        writer.note(
            f"{questionnaire.title}, version {questionnaire.version}. Questions that did not "
            "apply to these answers are left out."
        )
        columns = (Column("Question", 6.6), Column("Answer", 9.4))
        for section in questionnaire.sections:
            visible = [q for q in section.questions if shown[q.id]]
            if not visible:
                continue
            writer.heading(section.title, 2)
            rows = []
            for question in visible:
                value = answers.get(question.id)
                if question.is_answered(value):
                    lines = [line for line in question.display(value).split("\n")]
                    answer = Cell(tuple(lines))
                else:
                    answer = Cell.of(Span("Not answered", italic=True))
                rows.append((question.label, answer))
            writer.table(columns, rows)


_SCALE_WORDS = {
    1: (
        "Hard to imagine happening with these sources of risk.",
        "People are barely affected, or meet small inconveniences they get over easily.",
    ),
    2: (
        "Could happen, but it would take real effort or unusual circumstances.",
        "People meet real inconveniences they get over with some difficulty.",
    ),
    3: (
        "Could well happen; the means are at hand.",
        "People suffer serious consequences they get over only with great difficulty.",
    ),
    4: (
        "Easy to happen, or it happens by design.",
        "People suffer serious or lasting consequences they may never get over.",
    ),
}


@dataclass(frozen=True)
class MethodologyAnnex:
    dossier: Dossier
    letter: str = "C"

    def render(self, writer: DocumentWriter) -> None:
        writer.heading(f"Annex {self.letter}. Methodology", 1)
        writer.paragraph(
            "Each risk is rated on two four-step scales, following the method of the French "
            "supervisory authority (CNIL): how likely it is to happen and how severe it would be "
            "for the people concerned. Both scales are then combined into a level in the matrix "
            "below, and mapped onto the three-step scales of the UK ICO."
        )
        writer.heading("Scales", 2)
        writer.table(
            (Column("Value", 2.6), Column("Likelihood", 6.7), Column("Severity", 6.7)),
            [
                (Span(f"{value} {SCALE[value]}", bold=True), *_SCALE_WORDS[value])
                for value in (1, 2, 3, 4)
            ],
        )
        writer.heading("Risk matrix", 2)
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
        writer.heading("Mapping onto the ICO's scales", 2)
        writer.table(
            (
                Column("Value", 4.0),
                Column("ICO likelihood of harm", 6.0),
                Column("ICO severity of harm", 6.0),
            ),
            [
                (f"{v} {SCALE[v]}", ico_likelihood(v).capitalize(), ico_severity(v).capitalize())
                for v in (1, 2, 3, 4)
            ],
        )
        writer.heading("How a rating is worked out", 2)
        writer.bullets(
            (
                (
                    Span("Before measures. ", bold=True),
                    Span(
                        "Each axis starts at 1. Every rule of the risk catalogue that the answers "
                        "trigger sets the axis to at least its value, and some rules raise it by "
                        "a step; an axis never goes above 4. The explanation of each risk lists "
                        "the rules that fired and the answers they read."
                    ),
                ),
                (
                    Span("After measures. ", bold=True),
                    Span(
                        "Each measure in place or planned lowers the axis it acts on by its "
                        "steps, measures of the same kind counting once, with the strongest; "
                        "never below 1, never below a floor the answers trigger (what no "
                        "safeguard can remove, until a measure that lifts it is counted), and "
                        "never above the rating before measures. Each measure is credited only "
                        "the change it makes."
                    ),
                ),
                (
                    Span("Overall risk. ", bold=True),
                    Span("The highest level of any risk, before and after measures."),
                ),
                (
                    Span("Prior consultation. ", bold=True),
                    Span(
                        "Required when any risk is still high when processing starts, counting "
                        "the measures in place and those planned before the start (GDPR Art. "
                        "36(1)), read as the ICO and the EDPB read it. An AI Act high-risk "
                        "classification brings AI Act duties, not a consultation by itself."
                    ),
                ),
                (
                    Span("STOP findings. ", bold=True),
                    Span(
                        "Some findings, such as a practice the AI Act prohibits or the lack of "
                        "any valid legal basis, cannot be balanced by measures or cured by "
                        "consultation: the programme itself must change, in its design or in a "
                        "step it skipped."
                    ),
                ),
                (
                    Span("Headline ratings. ", bold=True),
                    Span(
                        "The chilling effect and the consent gap are the ratings after measures "
                        "of the two risks the catalogue names for them; legal exposure is the "
                        "highest level of the unmet obligations, and high with any STOP finding."
                    ),
                ),
                (
                    Span("Statutory maxima. ", bold=True),
                    Span(
                        "The ceiling each law sets for a breach, worked out from the turnover "
                        "and headcount in the answers; never a prediction of a fine."
                    ),
                ),
            )
        )
        writer.heading("Is a DPIA required?", 2)
        writer.paragraph(
            "A DPIA is required when a case of GDPR Art. 35(3) applies, when the processing is "
            "on a list a supervisory authority has published under Art. 35(4), or when two or "
            "more of the nine criteria of the EDPB's guidelines (WP248 rev.01) are met. One "
            "criterion makes a DPIA likely: not carrying one out then needs documented reasons."
        )
