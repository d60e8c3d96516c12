"""`assess`: from validated answers to the risk report. Pure: no I/O, no clock, no randomness.

Order of work: screening; inherent rating of every risk; the status of every measure; residual
ratings in four views (now, when processing starts, after the plan, if all recommendations are
adopted); stop findings; AI Act classifications; headline; legal exposure; completeness.
docs/methodology.md describes each step for a DPO who wants to predict a rating by hand.
"""

from __future__ import annotations

import datetime as dt

from .._assessment import Assessment
from ..questionnaire import Questionnaire
from ._catalogue import Catalogue, Measure, Risk
from ._cnil import assess_cnil
from ._context import Context
from ._exposure import exposure
from ._loader import catalogue_for
from ._methods import scoring_method
from ._rating import AXES, Counted, Credits, axis_value_with, rate_inherent, rate_views
from ._report import (
    AiActResult,
    CompletenessItem,
    HeadlineRating,
    JurisdictionExposure,
    MeasureResult,
    Rating,
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
    context = Context(questionnaire, assessment, as_of, catalogue.source_for)
    involved = set(context.jurisdictions(catalogue.inputs.jurisdictions))
    screening = screen(catalogue, context, involved)

    inherent = {risk.id: rate_inherent(risk, context) for risk in catalogue.risks}
    statuses = _statuses(catalogue, context)
    views = _views(catalogue, context, statuses)
    risks: list[RiskResult] = []
    at_start: dict[str, Rating] = {}
    now_levels: list[Level] = []
    if_all_levels: list[Level] = []
    counted = views["all"]
    lengths = {name: len(view) for name, view in views.items()}
    for risk in catalogue.risks:
        base = inherent[risk.id]
        rated = rate_views(risk, base, counted, lengths, context)
        now, planned, if_all = rated["now"][0], rated["plan"][0], rated["all"][0]
        used, effects = rated["plan"][1], rated["all"][2]
        at_start[risk.id] = rated["start"][0]
        now_levels.append(now.level)
        if_all_levels.append(if_all.level)
        title, description = _narrative(risk, context)
        risks.append(
            RiskResult(
                id=risk.id,
                title=title,
                family=risk.family,
                kind=risk.kind,
                description=description,
                inherent=base,
                residual=planned,
                residual_now=now,
                residual_if_all=if_all,
                measures=tuple(used),
                effects=tuple(effects),
            )
        )
    start_level = _highest(r.level for r in at_start.values())
    gdpr_applies = _gdpr_applies(catalogue, context)
    prior = start_level == "high" and gdpr_applies
    _follow_findings(catalogue, statuses, {"prior_consultation": prior})
    mitigations = _measure_results(catalogue, context, statuses, risks, views)

    stops = _stop_findings(catalogue, context)
    exposures = exposure(catalogue, context, involved)
    ai_act = _ai_act(catalogue, context, exposures)
    running = _running(catalogue, context)
    note = _consultation_note(prior, stops, risks, at_start, mitigations, ai_act, running)
    if not gdpr_applies:
        note = "The GDPR does not apply, so prior consultation under its Art. 36 does not arise."
    by_id = {r.id: r for r in risks}
    headline = {
        "chilling_effect": _risk_headline(by_id[catalogue.headline.chilling_effect]),
        "consent_gap": _risk_headline(by_id[catalogue.headline.consent_gap]),
        "legal_exposure": _legal_headline(exposures, stops),
    }
    completeness = tuple(
        CompletenessItem(
            id=c.id,
            article="; ".join(context.cited((c.article,))),
            text=context.reason(c.id, "finding", c.text).text,
        )
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
        overall_inherent=_highest(r.inherent.level for r in risks),
        overall_residual=_highest(r.residual.level for r in risks),
        overall_residual_now=_highest(now_levels),
        overall_residual_if_all=_highest(if_all_levels),
        overall_residual_at_start=start_level,
        prior_consultation_required=prior,
        prior_consultation_note=note,
        risks=tuple(risks),
        mitigations=mitigations,
        legal_exposure=exposures,
        ai_act=ai_act,
        completeness=completeness,
        review_due=_review_due(catalogue, context),
        review_owner=_review_owner(catalogue, context),
        gdpr_applies=gdpr_applies,
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


def _gdpr_applies(catalogue: Catalogue, context: Context) -> bool:
    condition = catalogue.inputs.gdpr_applies
    return condition is None or context.holds(condition)


def _review_owner(catalogue: Catalogue, context: Context) -> str | None:
    question = catalogue.inputs.review_owner
    owner = context.scope.get(question) if question else None
    return owner.strip() if isinstance(owner, str) and owner.strip() else None


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


def _follow_findings(
    catalogue: Catalogue, statuses: dict[str, str], found: dict[str, bool]
) -> None:
    """A measure that follows from a finding of the report is recommended only where the
    report makes that finding: a prior consultation file is no advice where no consultation
    is due. It lowers no rating, so setting it aside once the ratings are known changes none."""
    for measure in catalogue.measures:
        follows = measure.follows_from
        if follows and statuses[measure.id] == "recommended" and not found[follows]:
            statuses[measure.id] = "not_applicable"


def _running(catalogue: Catalogue, context: Context) -> bool:
    started = catalogue.inputs.processing_started
    return bool(started and context.scope.get(started) is True)


def _start_date(catalogue: Catalogue, context: Context) -> dt.date | None:
    start = catalogue.inputs.planned_start
    value = context.scope.get(start) if start else None
    return value if isinstance(value, dt.date) else None


def _views(
    catalogue: Catalogue, context: Context, statuses: dict[str, str]
) -> dict[str, list[Counted]]:
    """The measures each view counts, in the order they are credited: in place (catalogue
    order), then planned by due date, then recommended. Each view is a prefix of the next, so a
    measure's credit is the same in every view that counts it."""
    running = _running(catalogue, context)
    start = _start_date(catalogue, context)
    implemented = [
        Counted(m, "implemented") for m in catalogue.measures if statuses[m.id] == "implemented"
    ]
    planned = []
    for measure in catalogue.measures:
        if statuses[measure.id] != "planned":
            continue
        due = context.assessment.plan[measure.id].due
        late = running or (start is not None and due > start)
        planned.append(Counted(measure, "planned", due=due, due_after_start=late))
    planned.sort(key=lambda c: c.due or dt.date.max)
    recommended = [
        Counted(m, "recommended")
        for m in catalogue.measures
        if statuses[m.id] == "recommended" and m.reduces
    ]
    # Planned measures are sorted by due date, so those due by the start come first and every
    # view is a prefix of the next one.
    everything = implemented + planned + recommended
    before_start = sum(1 for c in planned if not c.due_after_start)
    return {
        "now": everything[: len(implemented)],
        "start": everything[: len(implemented) + before_start],
        "plan": everything[: len(implemented) + len(planned)],
        "all": everything,
    }


def _points(rating_level: Level, likelihood: int, severity: int) -> int:
    """Residual weight used to rank recommendations: the level counts most, then L x S."""
    return level_rank(rating_level) * 100 + likelihood * severity


def _measure_results(
    catalogue: Catalogue,
    context: Context,
    statuses: dict[str, str],
    risks: list[RiskResult],
    views: dict[str, list[Counted]],
) -> tuple[MeasureResult, ...]:
    results = []
    by_risk = {r.id: r for r in risks}
    counted = {c.measure.id: c for c in views["plan"]}
    credits: dict[str, Credits] = {}
    for measure in catalogue.measures:
        status = statuses[measure.id]
        gain = 0
        if status == "recommended":
            gain = _gain(measure, catalogue, context, by_risk, views["plan"], credits)
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
        item = counted.get(measure.id)
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
                legal=context.cited(measure.legal),
                kind=measure.kind or measure.id,
                due_after_start=bool(item and item.due_after_start),
                in_place=_in_place(measure, context) if status == "implemented" else (),
            )
        )
    order = {"implemented": 0, "planned": 1, "recommended": 2, "not_applicable": 3}
    results.sort(key=lambda m: (order[m.status], -m.gain))
    return tuple(results)


def _narrative(risk: Risk, context: Context) -> tuple[str, str]:
    """The risk's title and story for the people and the capture of this programme."""
    for narrative in risk.narratives:
        if narrative.when is None or context.holds(narrative.when):
            text = context.reason(risk.id, "level", narrative.text).text
            return narrative.title or risk.title, text
    return risk.title, risk.description


def _in_place(measure: Measure, context: Context) -> tuple[str, ...]:
    return tuple(
        context.reason(measure.id, "measure", statement.text).text
        for statement in measure.in_place
        if statement.when is None or context.holds(statement.when)
    )


def _gain(
    measure: Measure,
    catalogue: Catalogue,
    context: Context,
    by_risk: dict[str, RiskResult],
    counted: list[Counted],
    credits: dict[str, Credits],
) -> int:
    """Residual points the measure removes when counted on top of the plan; `credits` keeps
    the plan's credits per risk for the next measure ranked."""
    gain = 0
    extra = Counted(measure, "recommended")
    for risk_id in measure.effects_by_risk:
        current = by_risk[risk_id]
        risk = catalogue.risk(risk_id)
        plan = credits.get(risk_id)
        if plan is None:
            plan = credits[risk_id] = Credits.of(risk, counted)
        likelihood, severity = (
            axis_value_with(risk, current.inherent, axis, plan, extra, context) for axis in AXES
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
                legal=context.cited(finding.legal),
                consultation_can_cure=False,
            )
        )
    return tuple(found)


def _ai_act(
    catalogue: Catalogue, context: Context, exposures: tuple[JurisdictionExposure, ...]
) -> tuple[AiActResult, ...]:
    obligations = {o.id: o for j in exposures for o in j.obligations}
    found = []
    for item in catalogue.ai_act:
        if not item.in_force(context.as_of) or not context.holds(item.when):
            continue
        reason = context.reason(item.id, "finding", item.rationale, condition=item.when)
        found.append(
            AiActResult(
                id=item.id,
                classification=item.classification,
                title=item.title,
                reason=reason.text,
                answers=reason.answers,
                legal=context.cited(item.legal),
                duties=tuple(obligations[d] for d in item.duties if d in obligations),
            )
        )
    return tuple(found)


def _highest(levels: object) -> Level:
    ranked = sorted(levels, key=level_rank)  # type: ignore[arg-type]
    return ranked[-1] if ranked else "low"


def _consultation_note(
    prior: bool,
    stops: tuple[StopResult, ...],
    risks: list[RiskResult],
    at_start: dict[str, Rating],
    mitigations: tuple[MeasureResult, ...],
    ai_act: tuple[AiActResult, ...],
    running: bool,
) -> str:
    if any(s.verdict == "prohibited" for s in stops):
        return (
            "The programme includes a practice the AI Act prohibits. Prior consultation under "
            "GDPR Art. 36 cannot make it lawful: the practice must be removed."
        )
    late = [m.title for m in mitigations if m.status == "planned" and m.due_after_start]
    high = [r.title for r in risks if at_start[r.id].level == "high"]
    if prior and running:
        text = (
            "Residual risk is high now for: " + "; ".join(high) + ". Processing already runs: "
            "consult the supervisory authority (GDPR Art. 36(1), Art. 35(11)) and suspend the "
            "processing until the measures that lower the risk are in place."
        )
    elif prior and stops:
        text = (
            "Residual risk stays high for: " + "; ".join(high) + ". The STOP findings come "
            "first: consultation cannot cure them, so the design they name must change; if the "
            "programme as redesigned still carries a high residual risk, consult the supervisory "
            "authority before processing starts (GDPR Art. 36(1))."
        )
    elif prior:
        text = (
            "Residual risk stays high for: " + "; ".join(high) + ". Consult the supervisory "
            "authority before processing starts (GDPR Art. 36(1)) and do not start meanwhile."
        )
    if prior:
        if late:
            text += (
                " Planned measures due only after processing starts do not count here ("
                + "; ".join(late)
                + "): bring them forward, or consult."
            )
        return text
    text = "No residual risk is high, so prior consultation under GDPR Art. 36 is not required."
    if late:
        text += (
            " This holds without the planned measures due after processing starts ("
            + "; ".join(late)
            + ")."
        )
    high_risk_ai = [a.title for a in ai_act if a.classification == "high_risk"]
    if high_risk_ai:
        text += (
            " The AI Act classes the system as high-risk ("
            + "; ".join(high_risk_ai)
            + "): that brings the AI Act duties listed, not a prior consultation."
        )
    return text


def _risk_headline(risk: RiskResult) -> HeadlineRating:
    """Residual level; the reasons start with the rules that rated it before any measure."""
    fired = [r for r in risk.inherent.because if r.axis != "level"]
    return HeadlineRating(
        level=risk.residual.level, because=(*fired, *risk.residual.because[1:]), risk=risk.id
    )


def _legal_headline(exposures: tuple, stops: tuple[StopResult, ...]) -> HeadlineRating:
    because: list[Reason] = [
        Reason(
            rule=s.id, axis="finding", text=s.reason, answers=s.answers, legal=s.legal, pull="up"
        )
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
                    pull="up",
                )
            )
    if not because:
        because.append(
            Reason(rule="no_gaps", axis="finding", text=_no_gap_text(exposures), pull="down")
        )
    return HeadlineRating(level=level, because=tuple(because))


def _no_gap_text(exposures: tuple) -> str:
    """Why legal exposure is low when nothing is a gap, without calling a duty still to
    fulfil (an advice not yet recorded, an ongoing duty) met."""
    duties = sorted(
        {item.title for j in exposures for item in j.obligations if item.status == "duty"}
    )
    if not duties:
        return "every obligation the answers trigger is shown as met"
    return "no obligation the answers trigger shows a gap; still to fulfil: " + "; ".join(duties)
