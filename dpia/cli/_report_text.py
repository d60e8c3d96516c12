"""The risk report as plain terminal text: headline first, then the register, then what to do."""

from __future__ import annotations

import textwrap

from .._vocabulary import (
    DPIA_REQUIRED,
    HEADLINE,
    LEVEL,
    OBLIGATION_STATUS,
    VERDICT,
    long_date,
    under_article,
    words,
)
from ..risk import RiskReport

__all__ = ["report_text"]

_LEVEL = {code: word.upper() for code, word in LEVEL.items()}


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=96, initial_indent=indent, subsequent_indent=indent)


def _views(report: RiskReport) -> list[str]:
    """The residual views, when the scoring method rates them (the CNIL gauges give one)."""
    if report.overall_residual_now is None or report.overall_residual_if_all is None:
        return []
    return [
        f"Residual views:      now {_LEVEL[report.overall_residual_now]}; after the plan "
        f"{_LEVEL[report.overall_residual]}; if all recommendations are adopted "
        f"{_LEVEL[report.overall_residual_if_all]}"
    ]


def report_text(report: RiskReport, title: str) -> str:
    lines = [title, "=" * min(len(title), 96), ""]
    width = max([16, *(len(words(HEADLINE, key)) + 1 for key in report.headline)])
    for key, rating in report.headline.items():
        lines.append(f"{words(HEADLINE, key):<{width}} {_LEVEL[rating.level]}")
        said: set[str] = set()
        for reason in rating.because:
            if reason.axis in ("likelihood", "severity", "finding", "floor") and reason.text:
                if reason.text not in said:
                    lines.append(_wrap(f"- {reason.text}"))
                said.add(reason.text)
    consultation = (
        "REQUIRED (GDPR Art. 36)" if report.prior_consultation_required else "not required"
    )
    dpia = DPIA_REQUIRED[report.dpia_required].lower()
    if not report.gdpr_applies:
        consultation = "does not arise (the GDPR does not apply)"
        dpia = f"the GDPR does not apply (by its criteria: {dpia})"
    lines += [
        "",
        f"DPIA:                {dpia}",
        f"Overall risk:        {_LEVEL[report.overall_inherent]} before measures -> "
        f"{_LEVEL[report.overall_residual]} after measures"
        if report.risks
        else "Overall risk:        not rated (no risk is rated yet)",
        *_views(report),
        f"Prior consultation:  {consultation}"
        if report.risks
        else f"Prior consultation:  {report.prior_consultation_note}",
        *([_wrap(report.prior_consultation_note)] if report.risks else []),
    ]
    for duty in report.ai_act:
        lines.append(f"AI Act:              {duty.title}")
        for obligation in duty.duties:
            status = OBLIGATION_STATUS[obligation.status].lower()
            lines.append(_wrap(f"- {obligation.title} ({status})", "                       "))
    for finding in report.stop_findings:
        lines.append(f"STOP: {VERDICT[finding.verdict]}")
        lines.append(_wrap(f"{finding.reason} [{'; '.join(finding.legal)}]"))
    lines += ["", "Risks (likelihood x severity = level, before -> after measures)", ""]
    width = max((len(r.title) for r in report.risks), default=0)
    for risk in report.risks:
        i, r = risk.inherent, risk.residual
        lines.append(
            f"  {risk.title:<{width}}  {i.likelihood}x{i.severity} {i.level:<6} -> "
            f"{r.likelihood}x{r.severity} {r.level}"
        )
    recommended = [m for m in report.mitigations if m.status == "recommended" and m.gain > 0]
    planned = [m for m in report.mitigations if m.status == "planned"]
    implemented = [m for m in report.mitigations if m.status == "implemented"]
    lines += ["", f"Measures: {len(implemented)} in place, {len(planned)} planned"]
    for measure in planned:
        who = ", ".join(
            part
            for part in (
                f"owner {measure.owner}" if measure.owner else "",
                f"due {long_date(measure.due)}" if measure.due else "",
                "after processing starts" if measure.due_after_start else "",
            )
            if part
        )
        lines.append(f"  planned: {measure.title}" + (f" ({who})" if who else ""))
    if recommended:
        lines += ["", "Recommended next (most residual risk removed first)"]
        for measure in recommended[:10]:
            lines.append(f"  - {measure.title}")
    if report.completeness:
        lines += ["", "Still missing from the DPIA"]
        for item in report.completeness:
            lines.append(_wrap(f"- {under_article(item.article, item.text)}", "  "))
    lines.append("")
    return "\n".join(lines)
