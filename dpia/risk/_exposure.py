"""Legal exposure per jurisdiction: the obligations the answers trigger, which are met, which
are gaps, and the statutory maximum penalty for each, computed from turnover and headcount.

A statutory maximum is the ceiling the law sets, never a forecast of what a regulator would fine.
"""

from __future__ import annotations

from ._catalogue import Catalogue, Obligation, Penalty
from ._context import Context
from ._report import JurisdictionExposure, ObligationResult, PenaltyMaximum

__all__ = ["exposure"]


def _headcount(jurisdiction: str, counts: dict[str, int], regions: dict[str, str]) -> int:
    """People monitored in a jurisdiction; `EU` and `US` add up their member states."""
    if jurisdiction in ("EU", "US"):
        return sum(n for code, n in counts.items() if regions.get(code) == jurisdiction)
    return counts.get(jurisdiction, 0)


def _maximum(penalty: Penalty, turnover: float, headcount: int) -> PenaltyMaximum:
    from_turnover = penalty.turnover_share * turnover
    amount = max(penalty.fixed, from_turnover) + penalty.per_person * headcount
    parts = []
    if penalty.turnover_share:
        parts.append(f"worldwide annual turnover {turnover:,.0f} {penalty.currency}")
    if penalty.per_person:
        parts.append(f"{headcount:,} people monitored")
    return PenaltyMaximum(
        label=penalty.label,
        formula=penalty.formula,
        currency=penalty.currency,
        maximum=round(amount, 2),
        basis="; ".join(parts) or "fixed amount",
        legal=penalty.legal,
    )


_UNRECORDED = {
    "dpo_advice": "the answers say the DPO's advice has been sought, but the advice is not yet "
    "in the sign-off record",
    "decision": "the decision is not yet in the sign-off record",
    "workers_representatives": "the answers say the representatives were involved, but their "
    "opinion is not yet in the sign-off record",
}


def _recorded(obligation: Obligation, context: Context) -> bool:
    """An obligation evidenced by the sign-off record counts as met only once it is there."""
    if obligation.recorded_in is None:
        return True
    record = context.assessment.signoff
    return record is not None and getattr(record, obligation.recorded_in) is not None


def _obligation(
    obligation: Obligation, catalogue: Catalogue, context: Context, turnover: float, headcount: int
) -> ObligationResult:
    if obligation.met_when is None:
        status = "duty"
    else:
        status = "met" if context.holds(obligation.met_when) else "gap"
    unrecorded = status == "met" and not _recorded(obligation, context)
    if unrecorded:
        status = "duty"
    penalty = None
    if obligation.penalty:
        penalty = _maximum(catalogue.penalty(obligation.penalty), turnover, headcount)
    gap = obligation.gap if status == "gap" else ""
    found = context.reason(obligation.id, "finding", gap, condition=obligation.met_when)
    return ObligationResult(
        id=obligation.id,
        law=obligation.law,
        title=obligation.title,
        status=status,
        gap=found.text
        if status == "gap"
        else (_UNRECORDED[obligation.recorded_in] if unrecorded and obligation.recorded_in else ""),
        answers=found.answers,
        gap_level=obligation.gap_level,
        deadline=obligation.deadline,
        legal=obligation.legal,
        penalty=penalty,
        section=obligation.section or "",
    )


def exposure(
    catalogue: Catalogue, context: Context, involved: set[str]
) -> tuple[JurisdictionExposure, ...]:
    inputs = catalogue.inputs
    counts = context.headcounts(
        inputs.headcount_table, inputs.headcount_jurisdiction_column, inputs.headcount_column
    )
    turnover = float(context.scope.get(inputs.turnover) or 0)
    region_of = {j.code: j.region for j in context.questionnaire.jurisdictions}
    regions = set(involved) | {region_of[code] for code in involved if region_of.get(code)}
    grouped: dict[str, list[ObligationResult]] = {}
    for obligation in catalogue.obligations:
        if obligation.jurisdiction not in regions or not obligation.in_force(context.as_of):
            continue
        if not context.holds(obligation.applies_when):
            continue
        headcount = _headcount(obligation.jurisdiction, counts, region_of)
        grouped.setdefault(obligation.jurisdiction, []).append(
            _obligation(obligation, catalogue, context, turnover, headcount)
        )
    result = []
    for code in sorted(grouped, key=lambda c: (c not in ("EU", "US"), c)):
        maxima: dict[str, float] = {}
        for item in grouped[code]:
            if item.penalty and item.status != "met":
                currency = item.penalty.currency
                maxima[currency] = max(maxima.get(currency, 0.0), item.penalty.maximum)
        label = {
            "EU": "European Union (GDPR, AI Act)",
            "US": "United States (federal and all states)",
        }
        result.append(
            JurisdictionExposure(
                jurisdiction=code,
                label=label.get(code) or context.questionnaire.jurisdiction_label(code),
                headcount=_headcount(code, counts, region_of),
                obligations=tuple(grouped[code]),
                statutory_maximum=maxima,
            )
        )
    return tuple(result)
