"""`assess`: from validated answers to the risk report. Pure: no I/O, no clock, no randomness.

Order of work: screening; inherent rating of every risk; the status of every measure; residual
ratings; stop findings; headline; legal exposure; completeness. docs/methodology.md describes
each step for a DPO who wants to predict a rating by hand.
"""

from __future__ import annotations

import datetime as dt

from .._assessment import Assessment
from ..questionnaire import Questionnaire
from ._catalogue import Catalogue, Measure
from ._cnil import assess_cnil
from ._context import Context
from ._exposure import exposure
from ._loader import catalogue_for
from ._methods import scoring_method
from ._rating import rate_inherent, rate_residual, residual_axes
from ._report import (
    CompletenessItem,
    HeadlineRating,
    MeasureResult,
    Reason,
    RiskReport,
    RiskResult,
    StopResult,
)
from ._scales import Level, level_of, level_rank
from ._screening import screen

__all__ = ["assess"]


def assess(
    questionnaire: Questionnaire,
    assessment: Assessment,
    *,
    as_of: dt.date,
    catalogue: Catalogue | None = None,
) -> RiskReport:
    """Rate the risks of one assessment as of a date (date-dependent law is applied then)."""
    if catalogue is None:
        method = scoring_method(questionnaire)
        if method is not None:
            return assess_cnil(questionnaire, assessment, method, as_of=as_of)
    catalogue = catalogue or catalogue_for(questionnaire)
    context = Context(questionnaire, assessment, as_of)
    involved = set(context.jurisdictions(catalogue.inputs.jurisdictions))
    screening = screen(catalogue, context, involved)

    inherent = {risk.id: rate_inherent(risk, context) for risk in catalogue.risks}
    statuses = _statuses(catalogue, context)
    active = [(m, statuses[m.id]) for m in catalogue.measures if statuses[m.id] in _ACTIVE]
    risks: list[RiskResult] = []
    for risk in catalogue.risks:
        residual, used = rate_residual(risk, inherent[risk.id], active, context)
        risks.append(
            RiskResult(
                id=risk.id,
                title=risk.title,
                family=risk.family,
                kind=risk.kind,
                description=risk.description,
                inherent=inherent[risk.id],
                residual=residual,
                measures=tuple(used),
            )
        )
    mitigations = _measure_results(catalogue, context, statuses, risks, active)

    stops = _stop_findings(catalogue, context)
    overall_inherent = _highest(r.inherent.level for r in risks)
    overall_residual = _highest(r.residual.level for r in risks)
    prior = overall_residual == "high"
    note = _consultation_note(prior, stops, risks)
    exposures = exposure(catalogue, context, involved)
    by_id = {r.id: r for r in risks}
    headline = {
        "chilling_effect": _risk_headline(by_id[catalogue.headline.chilling_effect]),
        "consent_gap": _risk_headline(by_id[catalogue.headline.consent_gap]),
        "legal_exposure": _legal_headline(exposures, stops),
    }
    completeness = tuple(
        CompletenessItem(id=c.id, article=c.article, text=c.text)
        for c in catalogue.completeness
        if context.holds(c.missing_when)
    )
    return RiskReport(
        questionnaire=questionnaire.ref,
        assessment_id=assessment.meta.id,
        as_of=as_of,
        headline=headline,
        dpia_required=screening.dpia_required,
        screening=screening,
        stop=bool(stops),
        stop_findings=stops,
        overall_inherent=overall_inherent,
        overall_residual=overall_residual,
        prior_consultation_required=prior,
        prior_consultation_note=note,
        risks=tuple(risks),
        mitigations=mitigations,
        legal_exposure=exposures,
        completeness=completeness,
        review_due=_review_due(catalogue, context),
    )


def _review_due(catalogue: Catalogue, context: Context) -> dt.date | None:
    """The next review the answers give, or the assessment date plus the review interval."""
    inputs = catalogue.inputs
    if inputs.next_review and isinstance(context.scope.get(inputs.next_review), dt.date):
        return context.scope[inputs.next_review]
    months = context.scope.get(inputs.review_interval_months or "")
    if isinstance(months, int) and months > 0:
        start = context.assessment.meta.date
        month = start.month - 1 + months
        year, month = start.year + month // 12, month % 12 + 1
        return start.replace(year=year, month=month, day=min(start.day, 28))
    return None


_ACTIVE = ("implemented", "planned")


def _statuses(catalogue: Catalogue, context: Context) -> dict[str, str]:
    statuses = {}
    for measure in catalogue.measures:
        if measure.implemented_when and context.holds(measure.implemented_when):
            statuses[measure.id] = "implemented"
        elif measure.id in context.assessment.plan:
            statuses[measure.id] = "planned"
        elif measure.applicable_when is None or context.holds(measure.applicable_when):
            statuses[measure.id] = "recommended"
        else:
            statuses[measure.id] = "not_applicable"
    return statuses


def _points(rating_level: Level, likelihood: int, severity: int) -> int:
    """Residual weight used to rank recommendations: the level counts most, then L x S."""
    return level_rank(rating_level) * 100 + likelihood * severity


def _measure_results(
    catalogue: Catalogue,
    context: Context,
    statuses: dict[str, str],
    risks: list[RiskResult],
    active: list[tuple[Measure, str]],
) -> tuple[MeasureResult, ...]:
    results = []
    by_risk = {r.id: r for r in risks}
    for measure in catalogue.measures:
        status = statuses[measure.id]
        gain = 0
        if status == "recommended":
            gain = _gain(measure, catalogue, context, by_risk, active)
        planned = context.assessment.plan.get(measure.id)
        because = ()
        if status == "implemented" and measure.implemented_when:
            because = (
                context.reason(
                    measure.id,
                    "measure",
                    "the answers show this measure in place",
                    condition=measure.implemented_when,
                ),
            )
        results.append(
            MeasureResult(
                id=measure.id,
                title=measure.title,
                description=measure.description,
                status=status,  # type: ignore[arg-type]
                risks=tuple(dict.fromkeys(e.risk for e in measure.reduces)),
                owner=planned.owner if planned and status == "planned" else None,
                due=planned.due if planned and status == "planned" else None,
                note=planned.note if planned and status == "planned" else "",
                gain=gain,
                because=because,
                legal=measure.legal,
            )
        )
    order = {"implemented": 0, "planned": 1, "recommended": 2, "not_applicable": 3}
    results.sort(key=lambda m: (order[m.status], -m.gain))
    return tuple(results)


def _gain(
    measure: Measure,
    catalogue: Catalogue,
    context: Context,
    by_risk: dict[str, RiskResult],
    active: list[tuple[Measure, str]],
) -> int:
    gain = 0
    for risk_id in dict.fromkeys(e.risk for e in measure.reduces):
        current = by_risk[risk_id]
        risk = catalogue.risk(risk_id)
        likelihood, severity = residual_axes(
            risk, current.inherent, [*active, (measure, "recommended")], context
        )
        before = current.residual
        gain += _points(before.level, before.likelihood, before.severity) - _points(
            level_of(likelihood, severity), likelihood, severity
        )
    return gain


def _stop_findings(catalogue: Catalogue, context: Context) -> tuple[StopResult, ...]:
    found = []
    for finding in catalogue.stop_findings:
        if not finding.in_force(context.as_of) or not context.holds(finding.when):
            continue
        reason = context.reason(finding.id, "finding", finding.reason, condition=finding.when)
        found.append(
            StopResult(
                id=finding.id,
                verdict=finding.verdict,
                reason=reason.text,
                answers=reason.answers,
                legal=finding.legal,
                consultation_can_cure=False,
            )
        )
    return tuple(found)


def _highest(levels: object) -> Level:
    ranked = sorted(levels, key=level_rank)  # type: ignore[arg-type]
    return ranked[-1] if ranked else "low"


def _consultation_note(prior: bool, stops: tuple[StopResult, ...], risks: list[RiskResult]) -> str:
    high = [r.title for r in risks if r.residual.level == "high"]
    if any(s.verdict == "prohibited" for s in stops):
        return (
            "The programme includes a practice the AI Act prohibits. Prior consultation under "
            "GDPR Art. 36 cannot make it lawful: the practice must be removed."
        )
    if prior:
        return (
            "Residual risk stays high for: " + "; ".join(high) + ". Consult the supervisory "
            "authority before processing starts (GDPR Art. 36(1)) and do not start meanwhile."
        )
    return "No residual risk is high, so prior consultation under GDPR Art. 36 is not required."


def _risk_headline(risk: RiskResult) -> HeadlineRating:
    """Residual level; the reasons start with the rules that rated it before any measure."""
    fired = [r for r in risk.inherent.because if r.axis != "level"]
    return HeadlineRating(level=risk.residual.level, because=(*fired, *risk.residual.because[1:]))


def _legal_headline(exposures: tuple, stops: tuple[StopResult, ...]) -> HeadlineRating:
    because: list[Reason] = [
        Reason(rule=s.id, axis="finding", text=s.reason, answers=s.answers, legal=s.legal)
        for s in stops
    ]
    level: Level = "high" if stops else "low"
    for jurisdiction in exposures:
        for item in jurisdiction.obligations:
            if item.status != "gap":
                continue
            if level_rank(item.gap_level) > level_rank(level):
                level = item.gap_level
            because.append(
                Reason(
                    rule=item.id,
                    axis="finding",
                    text=f"{jurisdiction.label}: {item.title}: {item.gap}".rstrip(": "),
                    answers=item.answers,
                    legal=item.legal,
                )
            )
    if not because:
        because.append(
            Reason(
                rule="no_gaps",
                axis="finding",
                text="every obligation the answers trigger is shown as met",
            )
        )
    return HeadlineRating(level=level, because=tuple(because))
