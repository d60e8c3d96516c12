"""Part 4 of a CNIL PIA's report, the risk map and the method annex: what validation rests on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ...risk._scales import SCALE, level_of
from .. import _labels as label
from .._dossier import Dossier
from .._markup import Span
from .._risk_map import MapPoint, risk_map_png
from .._writer import Cell, Column, DocumentWriter
from ._cnil_text import View, blocks, cell

__all__ = [
    "CnilActionPlan",
    "CnilMethodAnnex",
    "CnilOpinions",
    "CnilRiskMap",
    "CnilValidation",
]


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
        view = View(self.dossier)
        writer.heading("Action plan", 2)
        rows = []
        for section in view.questionnaire.sections:
            for question in section.questions:
                if question.id.endswith("_action_plan") and view.get(question.id):
                    prefix = question.id.removesuffix("_action_plan")
                    rows.append(
                        (
                            _about(view, section.title, prefix),
                            cell(view.get(question.id)),
                            _when(view.get(f"{prefix}_action_due")),
                            view.get(f"{prefix}_action_owner") or "—",
                        )
                    )
        for row in view.get("measures") or []:
            if row.get("action_plan"):
                rows.append(
                    (
                        f"Measure {row.get('number', '')}: {row.get('title') or 'Untitled'}",
                        cell(row["action_plan"]),
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


def _about(view: View, section_title: str, prefix: str) -> str:
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
        view = View(self.dossier)
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
                writer.blocks(blocks(view.shown(question_id)))
        if all(view.get(q) is None for q in ("dpo_opinion_status", "dpo_opinion")):
            writer.paragraph(Span("The PIA records no opinion of the DPO.", italic=True))


@dataclass(frozen=True)
class CnilValidation:
    dossier: Dossier

    def render(self, writer: DocumentWriter) -> None:
        view = View(self.dossier)
        writer.heading("Who assessed and where the PIA stands", 2)
        pairs: list[tuple[str, Any]] = []
        for question_id in ("author", "evaluator", "validator", "pia_status"):
            value = view.get(question_id)
            pairs.append(
                (view.label(question_id), view.shown(question_id) if value else "Not recorded")
            )
        for question_id in ("rejection_reason", "applied_adjustments"):
            if view.get(question_id):
                pairs.append((view.label(question_id), cell(view.get(question_id))))
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
