"""Inherent and residual ratings of one risk.

Inherent: each axis starts at 1 (negligible); every rule that fires sets the axis to at least its
value; then every `raise_` step of a fired rule adds one, up to 4. Residual: each implemented or
planned measure lowers its axis by its steps, never below 1, never below a floor that fires, and
never above the inherent value. The same arithmetic applies to every risk.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._catalogue import Measure, Risk
from ._context import Context
from ._report import Rating, Reason
from ._scales import SCALE, level_of

__all__ = ["rate_inherent", "rate_residual", "residual_axes"]


def _level_reason(likelihood: int, severity: int) -> Reason:
    level = level_of(likelihood, severity)
    return Reason(
        rule="matrix",
        axis="level",
        text=(
            f"likelihood {likelihood} ({SCALE[likelihood]}) with severity {severity} "
            f"({SCALE[severity]}) is {level} in the risk matrix"
        ),
    )


def rate_inherent(risk: Risk, context: Context) -> Rating:
    likelihood, severity = 1, 1
    raise_l, raise_s = 0, 0
    because: list[Reason] = []
    for rule in risk.rules:
        if not rule.in_force(context.as_of) or not context.holds(rule.when):
            continue
        if rule.likelihood:
            likelihood = max(likelihood, rule.likelihood)
        if rule.severity:
            severity = max(severity, rule.severity)
        raise_l += rule.raise_likelihood or 0
        raise_s += rule.raise_severity or 0
        moved = []
        if rule.likelihood or rule.raise_likelihood:
            moved.append("likelihood")
        if rule.severity or rule.raise_severity:
            moved.append("severity")
        if moved:
            reason = context.reason(
                rule.id, moved[0], rule.rationale, rule.legal, condition=rule.when
            )
            because.extend(reason.model_copy(update={"axis": axis}) for axis in moved)
    likelihood = min(4, likelihood + raise_l)
    severity = min(4, severity + raise_s)
    if not any(r.axis == "likelihood" for r in because):
        because.append(_baseline(risk, "likelihood"))
    if not any(r.axis == "severity" for r in because):
        because.append(_baseline(risk, "severity"))
    because.append(_level_reason(likelihood, severity))
    return Rating(
        likelihood=likelihood,
        severity=severity,
        level=level_of(likelihood, severity),
        because=tuple(because),
    )


def _baseline(risk: Risk, axis: str) -> Reason:
    return Reason(
        rule="baseline",
        axis=axis,  # type: ignore[arg-type]
        text=(
            f"none of the {len(risk.rules)} rules that raise the {axis} of this risk "
            "applies to these answers, so it stays at 1 (negligible)"
        ),
    )


def rate_residual(
    risk: Risk, inherent: Rating, active: Iterable[tuple[Measure, str]], context: Context
) -> tuple[Rating, list[str]]:
    """Residual rating and the ids of the measures that acted on it."""
    cut = {"likelihood": 0, "severity": 0}
    because: list[Reason] = []
    used: list[str] = []
    for measure, status in active:
        for effect in measure.reduces:
            if effect.risk != risk.id:
                continue
            cut[effect.axis] += effect.steps
            because.append(
                Reason(
                    rule=measure.id,
                    axis="measure",
                    text=(
                        f"{measure.title} ({status}) lowers {effect.axis} by {effect.steps} "
                        f"step{'s' if effect.steps > 1 else ''}"
                    ),
                    legal=measure.legal,
                )
            )
            if measure.id not in used:
                used.append(measure.id)
    floor = {"likelihood": 1, "severity": 1}
    for index, rule in enumerate(risk.floors):
        if not rule.in_force(context.as_of) or not context.holds(rule.when):
            continue
        for axis in ("likelihood", "severity"):
            value = getattr(rule, axis)
            if value:
                floor[axis] = max(floor[axis], value)
        because.append(
            context.reason(
                f"{risk.id}.floor{index + 1}",
                "floor",
                rule.rationale,
                rule.legal,
                condition=rule.when,
            )
        )
    likelihood, severity = _bounded(inherent, cut, floor)
    answers: dict[str, str] = {}
    legal: dict[str, None] = {}
    for reason in inherent.because:
        answers.update(reason.answers)
        legal.update(dict.fromkeys(reason.legal))
    rules = sorted({r.rule for r in inherent.because if r.axis in ("likelihood", "severity")})
    because.insert(
        0,
        Reason(
            rule="inherent",
            axis="level",
            text=(
                f"starts from the inherent rating, likelihood {inherent.likelihood} and severity "
                f"{inherent.severity} ({', '.join(rules)})"
            ),
            answers=answers,
            legal=tuple(legal),
        ),
    )
    if not used:
        because.insert(
            1,
            Reason(
                rule="no_measures",
                axis="measure",
                text="no measure in place or planned acts on this risk; residual equals inherent",
            ),
        )
    because.append(_level_reason(likelihood, severity))
    rating = Rating(
        likelihood=likelihood,
        severity=severity,
        level=level_of(likelihood, severity),
        because=tuple(because),
    )
    return rating, used


def _bounded(inherent: Rating, cut: dict[str, int], floor: dict[str, int]) -> tuple[int, int]:
    """Inherent minus the cuts, never below the floor (or 1), never above the inherent value."""
    likelihood = inherent.likelihood - cut["likelihood"]
    severity = inherent.severity - cut["severity"]
    return (
        min(inherent.likelihood, max(floor["likelihood"], likelihood)),
        min(inherent.severity, max(floor["severity"], severity)),
    )


def residual_axes(
    risk: Risk, inherent: Rating, active: Iterable[tuple[Measure, str]], context: Context
) -> tuple[int, int]:
    """The residual likelihood and severity of `rate_residual`, without building its reasons:
    ranking recommendations re-rates every risk once per candidate measure, and only needs these."""
    cut = {"likelihood": 0, "severity": 0}
    for measure, _ in active:
        for effect in measure.reduces:
            if effect.risk == risk.id:
                cut[effect.axis] += effect.steps
    floor = {"likelihood": 1, "severity": 1}
    for rule in risk.floors:
        if rule.in_force(context.as_of) and context.holds(rule.when):
            for axis in ("likelihood", "severity"):
                floor[axis] = max(floor[axis], getattr(rule, axis) or 1)
    return _bounded(inherent, cut, floor)
