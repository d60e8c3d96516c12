"""The risk report as plain terminal text: headline first, then the register, then what to do."""

from __future__ import annotations

import textwrap

from .._vocabulary import DPIA_REQUIRED, HEADLINE, LEVEL, VERDICT
from ..risk import RiskReport

__all__ = ["report_text"]

_LEVEL = {code: word.upper() for code, word in LEVEL.items()}


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=96, initial_indent=indent, subsequent_indent=indent)


def report_text(report: RiskReport, title: str) -> str:
    lines = [title, "=" * min(len(title), 96), ""]
    for key, name in HEADLINE.items():
        rating = report.headline[key]
        lines.append(f"{name:<16} {_LEVEL[rating.level]}")
        said: set[str] = set()
        for reason in rating.because:
            if reason.axis in ("likelihood", "severity", "finding", "floor") and reason.text:
                if reason.text not in said:
                    lines.append(_wrap(f"- {reason.text}"))
                said.add(reason.text)
    consultation = (
        "REQUIRED (GDPR Art. 36)" if report.prior_consultation_required else "not required"
    )
    lines += [
        "",
        f"DPIA:                {DPIA_REQUIRED[report.dpia_required].lower()}",
        f"Overall risk:        {_LEVEL[report.overall_inherent]} before measures -> "
        f"{_LEVEL[report.overall_residual]} after measures",
        f"Prior consultation:  {consultation}",
    ]
    for finding in report.stop_findings:
        lines.append(f"STOP: {VERDICT[finding.verdict]}")
        lines.append(_wrap(f"{finding.reason} [{'; '.join(finding.legal)}]"))
    lines += ["", "Risks (likelihood x severity = level, before -> after measures)", ""]
    width = max(len(r.title) for r in report.risks)
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
        lines.append(f"  planned: {measure.title} (owner {measure.owner}, due {measure.due})")
    if recommended:
        lines += ["", "Recommended next (most residual risk removed first)"]
        for measure in recommended[:10]:
            lines.append(f"  - {measure.title}")
    if report.completeness:
        lines += ["", "Still missing from the DPIA"]
        for item in report.completeness:
            lines.append(_wrap(f"- {item.article}: {item.text}", "  "))
    lines.append("")
    return "\n".join(lines)
