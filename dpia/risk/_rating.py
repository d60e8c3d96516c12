"""Inherent and residual ratings of one risk.

Inherent: each axis starts at 1 (negligible); every rule that fires sets the axis to at least its
value; then every `raise_` step of a fired rule adds one, up to 4.

Residual, for a list of counted measures in order: on each axis, measures of the same kind count
once, with the steps of the strongest; the kinds' steps add up; the axis is the inherent value
minus that sum, never below 1, never below a floor that holds (unless a measure that lifts it is
counted) and never above the inherent value. A measure is credited exactly the change it makes
when it is counted after the measures before it, so the credits of an axis add up to the drop
from inherent to residual. The same arithmetic applies to every risk and every view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from .._vocabulary import long_date
from ._catalogue import Floor, Measure, Risk
from ._context import Context
from ._report import MeasureEffectResult, Rating, Reason
from ._scales import SCALE, level_of, level_rank

__all__ = ["Counted", "Credits", "axis_value", "axis_value_with", "rate_inherent", "rate_views"]

AXES = ("likelihood", "severity")


@dataclass(frozen=True)
class Counted:
    """A measure counted in a view: in place, planned (with its due date) or recommended."""

    measure: Measure
    status: str
    due: dt.date | None = None
    due_after_start: bool = False

    @property
    def kind(self) -> str:
        return self.measure.kind or self.measure.id

    def words(self) -> str:
        if self.status == "implemented":
            return "in place"
        if self.status == "planned":
            after = ", after processing starts" if self.due_after_start else ""
            return f"planned, due {long_date(self.due) if self.due else 'undated'}{after}"
        return "recommended"


@cache
def _level_reason(likelihood: int, severity: int) -> Reason:
    """One frozen reason per cell of the matrix, shared: every rating of every view ends on
    one, and they are the same sixteen sentences."""
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
            lifts = {
                "likelihood": (rule.likelihood or 0) > 1 or bool(rule.raise_likelihood),
                "severity": (rule.severity or 0) > 1 or bool(rule.raise_severity),
            }
            because.extend(
                context.reason(
                    rule.id,
                    axis,
                    rule.rationale,
                    rule.legal,
                    condition=rule.when,
                    pull="up" if lifts[axis] else "none",
                )
                for axis in moved
            )
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
        pull="down",
    )


def _floor(
    floors: list[tuple[int, Floor]],
    axis: str,
    counted_ids: set[str] | frozenset[str],
    inherent: Rating,
) -> int:
    value = 1
    for _, floor in floors:
        if counted_ids.intersection(floor.lifted_by):
            continue
        if getattr(floor, axis):
            value = max(value, getattr(floor, axis))
        if floor.level and axis == "likelihood":
            value = max(value, _likelihood_for(floor.level, inherent.severity))
    return value


def _likelihood_for(level: str, severity: int) -> int:
    """The lowest likelihood that reaches `level` at this severity (4 if none does)."""
    for likelihood in (1, 2, 3, 4):
        if level_rank(level_of(likelihood, severity)) >= level_rank(level):  # type: ignore[arg-type]
            return likelihood
    return 4


def axis_value(
    risk: Risk, rating: Rating, axis: str, counted: Sequence[Counted], context: Context
) -> int:
    """The residual value of one axis with exactly these measures counted (any order)."""
    best: dict[str, int] = {}
    for item in counted:
        for effect in item.measure.effects_by_risk.get(risk.id, ()):
            if effect.axis == axis:
                best[item.kind] = max(best.get(item.kind, 0), effect.steps)
    ids = {item.measure.id for item in counted}
    floor = _floor(context.holding_floors(risk), axis, ids, rating)
    start = getattr(rating, axis)
    return min(start, max(floor, start - sum(best.values())))


@dataclass(frozen=True)
class Credits:
    """What a list of counted measures credits one risk: the strongest steps of each kind on
    each axis, and the measures counted (for the floors they lift). Ranking recommendations
    adds one measure at a time to the plan, and the plan's own credits do not change."""

    best: dict[str, dict[str, int]]
    ids: frozenset[str]

    @classmethod
    def of(cls, risk: Risk, counted: Sequence[Counted]) -> Credits:
        best: dict[str, dict[str, int]] = {axis: {} for axis in AXES}
        for item in counted:
            for effect in item.measure.effects_by_risk.get(risk.id, ()):
                kinds = best[effect.axis]
                kinds[item.kind] = max(kinds.get(item.kind, 0), effect.steps)
        return cls(best, frozenset(item.measure.id for item in counted))


def axis_value_with(
    risk: Risk, rating: Rating, axis: str, credits: Credits, extra: Counted, context: Context
) -> int:
    """`axis_value` of the measures behind `credits` and `extra`, without going over them."""
    best = dict(credits.best[axis])
    for effect in extra.measure.effects_by_risk.get(risk.id, ()):
        if effect.axis == axis:
            best[extra.kind] = max(best.get(extra.kind, 0), effect.steps)
    ids = credits.ids | {extra.measure.id}
    floor = _floor(context.holding_floors(risk), axis, ids, rating)
    start = getattr(rating, axis)
    return min(start, max(floor, start - sum(best.values())))


def rate_views(
    risk: Risk,
    inherent: Rating,
    counted: Sequence[Counted],
    views: dict[str, int],
    context: Context,
) -> dict[str, tuple[Rating, list[str], list[MeasureEffectResult]]]:
    """The residual rating of each view in one pass: every view counts a prefix of `counted`
    (`views` maps a view to the length of its prefix), so the credits of the shorter views are
    the first credits of the longer ones."""
    floors = context.holding_floors(risk)
    start_reason = _start_reason(inherent)
    floor_reasons: dict[frozenset[str], list[Reason]] = {}
    values = {"likelihood": inherent.likelihood, "severity": inherent.severity}
    best: dict[str, dict[str, tuple[int, str]]] = {axis: {} for axis in AXES}
    ids: set[str] = set()
    used: list[str] = []
    effects: list[MeasureEffectResult] = []
    reasons: list[Reason] = []
    lifting = {m for _, floor in floors for m in floor.lifted_by}
    snapshots: dict[int, tuple[int, int, int, int, frozenset[str]]] = {}

    def snapshot(position: int) -> None:
        lifted = frozenset(ids & lifting)
        snapshots[position] = (
            values["likelihood"],
            values["severity"],
            len(used),
            len(effects),
            lifted,
        )

    wanted = set(views.values())
    snapshot(0)
    for position, item in enumerate(counted, start=1):
        ids.add(item.measure.id)
        acting = item.measure.effects_by_risk.get(risk.id, ())
        if acting and item.measure.id not in used:
            used.append(item.measure.id)
        for effect in acting:
            axis = effect.axis
            top = getattr(inherent, axis)
            kinds = best[axis]
            same = kinds.get(item.kind)
            if same is None or effect.steps > same[0]:
                kinds[item.kind] = (effect.steps, item.measure.title)
            floor = _floor(floors, axis, ids, inherent)
            before = values[axis]
            after = min(top, max(floor, top - sum(steps for steps, _ in kinds.values())))
            values[axis] = after
            note = _shortfall(effect.steps, before, after, floor, same)
            effects.append(
                MeasureEffectResult(
                    measure=item.measure.id,
                    status=item.status,  # type: ignore[arg-type]
                    axis=axis,
                    steps=effect.steps,
                    before=before,
                    after=after,
                    credited=before - after,
                    note=note,
                )
            )
            reasons.append(_effect_reason(item, axis, before, after, note, context))
        if position in wanted:
            snapshot(position)

    rated = {}
    # Views whose prefixes end at the same state (no measure between them acts on this risk)
    # have the same rating: it is built once and shared.
    built: dict[tuple[int, int, int, int, frozenset[str]], Rating] = {}
    for view, length in views.items():
        state = snapshots[length]
        likelihood, severity, n_used, n_effects, lifted = state
        rating = built.get(state)
        if rating is None:
            if lifted not in floor_reasons:
                titles = {c.measure.id: c.measure.title for c in counted if c.measure.id in lifted}
                floor_reasons[lifted] = _floor_reasons(risk, floors, titles, context)
            because = [start_reason]
            if not n_used:
                because.append(_NO_MEASURES)
            because += reasons[:n_effects]
            because += floor_reasons[lifted]
            because.append(_level_reason(likelihood, severity))
            rating = built[state] = Rating(
                likelihood=likelihood,
                severity=severity,
                level=level_of(likelihood, severity),
                because=tuple(because),
            )
        rated[view] = (rating, used[:n_used], effects[:n_effects])
    return rated


_NO_MEASURES = Reason(
    rule="no_measures",
    axis="measure",
    text="no measure counted in this view acts on this risk; residual equals inherent",
)


def _shortfall(
    steps: int, before: int, after: int, floor: int, same: tuple[int, str] | None
) -> str:
    """Why a measure changes less than its steps: its kind already counts, or the floor or the
    bottom of the scale is reached."""
    credited = before - after
    if credited >= steps:
        return ""
    if same is not None and same[0] >= steps:
        return f"“{same[1]}” is a measure of the same kind and already counts {_steps(same[0])}"
    parts = []
    available = steps
    if same is not None:
        available = steps - same[0]
        parts.append(
            f"“{same[1]}”, a measure of the same kind, already counts {_steps(same[0])}, so "
            f"this one adds at most {_steps(available)}"
        )
    if credited < available:
        parts.append("1 is the lowest value" if after <= 1 else f"the floor of {floor} holds")
    return "; ".join(parts)


def _steps(count: int) -> str:
    return f"{count} step" if count == 1 else f"{count} steps"


def _effect_reason(
    item: Counted, axis: str, before: int, after: int, note: str, context: Context
) -> Reason:
    title = f"{item.measure.title} ({item.words()})"
    if after < before:
        text = f"{title} lowers {axis} from {before} to {after}"
        if note:
            text += f" ({note})"
    else:
        text = f"{title}: no further effect on {axis} ({note or 'nothing left to lower'})"
    return Reason(
        rule=item.measure.id,
        axis="measure",
        text=text,
        legal=context.cited(item.measure.legal),
        pull="down" if after < before else "none",
    )


def _floor_reasons(
    risk: Risk, floors: list[tuple[int, Floor]], titles: dict[str, str], context: Context
) -> list[Reason]:
    """Why each floor holds or no longer does, naming a lifting measure by its title."""
    reasons = []
    for index, floor in floors:
        lifted = [titles[m] for m in sorted(titles) if m in floor.lifted_by]
        template = floor.rationale
        if lifted:
            template = (
                f"{floor.rationale} This floor no longer holds: a measure that lifts it is "
                f"counted ({'; '.join(lifted)})."
            )
        reasons.append(
            context.reason(
                f"{risk.id}.floor{index + 1}",
                "floor",
                template,
                floor.legal,
                condition=floor.when,
                pull="none" if lifted else "up",
            )
        )
    return reasons


def _start_reason(inherent: Rating) -> Reason:
    answers: dict[str, str] = {}
    legal: dict[str, None] = {}
    for reason in inherent.because:
        answers.update(reason.answers)
        legal.update(dict.fromkeys(reason.legal))
    return Reason(
        rule="inherent",
        axis="level",
        text=(
            f"starts from the inherent rating, likelihood {inherent.likelihood} and severity "
            f"{inherent.severity}, for the reasons given before measures"
        ),
        answers=answers,
        legal=tuple(legal),
    )
