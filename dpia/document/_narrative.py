"""What a prose template can read: answers as reader text, the assessment, the risk outcome.

Everything handed to a template is plain data (strings, numbers, booleans, lists, mappings), so
the sandbox has no live objects to poke at. Each question appears under its id in `q`:

    q.<id>.label      the question as asked
    q.<id>.text       the answer as a reader sees it ("" when unanswered or hidden)
    q.<id>.value      the stored value: option values, true/false, a number, an ISO date
    q.<id>.answered   true when shown and answered
    q.<id>.labels     chosen options as they read in a sentence (choice questions), or one line
                      per row (tables)
    q.<id>.rows       table rows as {column id: reader text}

docs/document.md lists the rest (`meta`, `questionnaire`, `sections`, `report`, `signoff`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .._assessment import Assessment
from ..questionnaire import Questionnaire
from ..risk import RiskReport
from . import _labels as label

__all__ = ["narrative_context"]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _question_view(question: Any, value: Any, shown: bool) -> dict[str, Any]:
    answered = shown and question.is_answered(value)
    labels: list[str] = []
    rows: list[dict[str, str]] = []
    if answered and question.type == "multi_choice":
        labels = [question.phrase_of(v) for v in value]
    elif answered and question.type == "single_choice":
        labels = [question.phrase_of(value)]
    elif answered and question.type == "table":
        rows = [{c.id: _cell(c, row.get(c.id)) for c in question.columns} for row in value]
        labels = question.display(value).split("\n")
    text = question.display(value) if answered else ""
    if answered and question.type == "date":
        text = label.long_date(value)
    return {
        "id": question.id,
        "label": question.label,
        "text": text,
        "value": _plain(value) if answered else _plain(question.empty()),
        "answered": answered,
        "shown": shown,
        "labels": labels,
        "rows": rows,
    }


def _cell(column: Any, value: Any) -> str:
    """A table cell as reader text; an empty cell is empty, not "not answered"."""
    if value is None or value == "":
        return ""
    if column.type == "date":
        return label.long_date(value)
    return column.phrase(value)


def narrative_context(
    questionnaire: Questionnaire, assessment: Assessment, report: RiskReport
) -> dict[str, Any]:
    shown = questionnaire.visibility(assessment.answers)
    questions = {
        q.id: _question_view(q, assessment.answers.get(q.id), shown[q.id])
        for _, q in questionnaire.questions()
    }
    sections = [
        {
            "id": section.id,
            "title": section.title,
            "intro": section.intro,
            "edpb_section": section.edpb_section,
            "questions": [questions[q.id] for q in section.questions if shown[q.id]],
            "answered": [questions[q.id] for q in section.questions if questions[q.id]["answered"]],
        }
        for section in questionnaire.sections
    ]
    meta = assessment.meta
    return {
        "q": questions,
        "sections": sections,
        "meta": {
            "id": meta.id or "",
            "title": meta.title,
            "organisation": meta.organisation,
            "assessor": meta.assessor,
            "date": label.long_date(meta.date),
        },
        "questionnaire": {
            "id": questionnaire.id,
            "version": questionnaire.version,
            "ref": questionnaire.ref,
            "title": questionnaire.title,
        },
        "report": _report_view(report),
        "signoff": _plain(_signoff(assessment)),
    }


def _signoff(assessment: Assessment) -> dict[str, Any] | None:
    record = assessment.signoff
    return None if record is None else record.model_dump()


def _report_view(report: RiskReport) -> dict[str, Any]:
    titles = {r.id: r.title for r in report.risks}
    by_status: dict[str, list[dict[str, Any]]] = {}
    for measure in report.mitigations:
        by_status.setdefault(measure.status, []).append(
            {
                "title": measure.title,
                "description": measure.description,
                "owner": measure.owner or "",
                "due": label.long_date(measure.due) if measure.due else "",
                "risks": [titles.get(r, r) for r in measure.risks],
            }
        )
    return {
        "gdpr_applies": report.gdpr_applies,
        "dpia_required": report.dpia_required,
        "dpia_required_text": label.DPIA_REQUIRED[report.dpia_required],
        "overall_inherent": label.LEVEL[report.overall_inherent],
        "overall_residual": label.LEVEL[report.overall_residual],
        "prior_consultation": report.prior_consultation_required,
        "prior_consultation_note": report.prior_consultation_note,
        "stop": report.stop,
        "stop_reasons": [finding.reason for finding in report.stop_findings],
        "high_risks": [r.title for r in report.risks if r.residual.level == "high"],
        "risks": [
            {
                "title": r.title,
                "inherent": label.LEVEL[r.inherent.level],
                "residual": label.LEVEL[r.residual.level],
            }
            for r in report.risks
        ],
        "measures_in_place": by_status.get("implemented", []),
        "measures_planned": by_status.get("planned", []),
        "measures_recommended": by_status.get("recommended", []),
        "missing": [label.under_article(item.article, item.text) for item in report.completeness],
        "as_of": label.long_date(report.as_of),
        # A review date the assessment's own law date has passed: the plan is not being kept.
        "review_overdue": report.review_due is not None and report.review_due < report.as_of,
    }
