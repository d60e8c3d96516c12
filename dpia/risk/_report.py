"""The risk report: what `assess` returns, what `dpia score --json` prints, what the document shows.

Every rating carries `because`: the reasons that set it, each naming the rule, the answers that
made it fire and the law it rests on. Nothing in the report is rated without a reason.
"""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ._scales import Level

__all__ = [
    "AiActResult",
    "CompletenessItem",
    "HeadlineRating",
    "JurisdictionExposure",
    "MeasureEffectResult",
    "MeasureResult",
    "ObligationResult",
    "PenaltyMaximum",
    "Rating",
    "Reason",
    "RiskReport",
    "RiskResult",
    "ScreeningResult",
    "StopResult",
]

DpiaRequired = Literal["required", "likely", "not_required", "not_screened"]


class _Frozen(BaseModel):
    # Validator built on first use: a command validates few of these models, and one
    # held by another is validated within it, so building each at import is wasted.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Reason(_Frozen):
    """One reason behind a rating: the rule, the axis it moved, the answers and the law."""

    rule: str
    axis: Literal["likelihood", "severity", "level", "floor", "measure", "finding"]
    text: str
    answers: dict[str, str] = Field(
        default_factory=dict, description="Question id → the answer as shown to the reader."
    )
    legal: tuple[str, ...] = ()
    pull: Literal["up", "down", "none"] = Field(
        "none",
        description="Which way the reason moves the rating: up (a rule that raises an axis, a "
        "floor that keeps it up, a finding), down (a measure that lowers an axis, or no rule "
        "raising it at all), or none (how the result follows, such as the risk matrix).",
    )


class Rating(_Frozen):
    likelihood: int
    severity: int
    level: Level
    because: tuple[Reason, ...]


class MeasureEffectResult(_Frozen):
    """What one measure changes on one axis of one risk: exactly the step it makes when it is
    counted after the measures before it (in place, then planned by due date, then
    recommended), never more than its catalogue steps, never below the floor, and once per kind.
    """

    measure: str
    status: Literal["implemented", "planned", "recommended"]
    axis: Literal["likelihood", "severity"]
    steps: int = Field(description="The steps the catalogue gives the measure on this axis.")
    before: int = Field(description="The axis before this measure is counted.")
    after: int = Field(description="The axis once this measure is counted.")
    credited: int = Field(description="before - after: the change it makes, 0 to steps.")
    note: str = Field("", description="Why the change is less than the steps, if it is.")


class RiskResult(_Frozen):
    id: str
    title: str
    family: str
    kind: Literal["design", "event"]
    description: str
    inherent: Rating
    residual: Rating = Field(description="After the plan: measures in place and planned.")
    residual_now: Rating | None = Field(
        None,
        description="Now: measures in place only. None when the scoring method does not rate "
        "this view (the CNIL PIA method).",
    )
    residual_if_all: Rating | None = Field(
        None,
        description="If every recommended measure were adopted as well. None when the scoring "
        "method does not rate this view (the CNIL PIA method).",
    )
    measures: tuple[str, ...] = Field((), description="Measures in place or planned against it.")
    effects: tuple[MeasureEffectResult, ...] = Field(
        (), description="The change each counted measure makes, in the order they are counted."
    )

    def changes(self) -> dict[str, tuple[str, ...]]:
        """What each measure in place or planned changed, as "L 3→2": empty for a measure
        whose kind was already counted or whose axis was at its floor or lowest value, so the
        document and the app credit it no nominal step."""
        changed: dict[str, list[str]] = {measure: [] for measure in self.measures}
        for effect in self.effects:
            if effect.measure in changed and effect.credited:
                axis = "L" if effect.axis == "likelihood" else "S"
                changed[effect.measure].append(f"{axis} {effect.before}→{effect.after}")
        return {measure: tuple(steps) for measure, steps in changed.items()}


class MeasureResult(_Frozen):
    id: str
    title: str
    description: str
    status: Literal["implemented", "planned", "recommended", "not_applicable"]
    risks: tuple[str, ...]
    owner: str | None = None
    due: dt.date | None = None
    note: str = ""
    gain: int = Field(0, description="Residual risk points this measure would remove if adopted.")
    because: tuple[Reason, ...] = ()
    legal: tuple[str, ...] = ()
    kind: str = Field("", description="Measures of one kind on the same axis count once.")
    due_after_start: bool = Field(
        False,
        description="Planned, but due after processing starts (or processing already runs): "
        "not counted when prior consultation is decided.",
    )
    in_place: tuple[str, ...] = Field(
        (),
        description="In place: what the answers say about it, in the reader's words. The "
        "description says what the measure is in general, never what this programme does.",
    )


class ScreeningResult(_Frozen):
    dpia_required: DpiaRequired
    art35_3: tuple[Reason, ...]
    wp248: tuple[Reason, ...]
    national_lists: tuple[Reason, ...]
    because: tuple[Reason, ...]


class StopResult(_Frozen):
    id: str
    verdict: Literal["prohibited", "do_not_proceed"]
    reason: str
    answers: dict[str, str]
    legal: tuple[str, ...]
    consultation_can_cure: bool


class HeadlineRating(_Frozen):
    level: Level
    because: tuple[Reason, ...]
    risk: str | None = Field(
        None, description="The risk whose residual level (after the plan) this headline is."
    )


class PenaltyMaximum(_Frozen):
    label: str
    formula: str
    currency: str
    maximum: float
    basis: str = Field(description="The inputs used: turnover, headcount.")
    legal: tuple[str, ...] = ()


class ObligationResult(_Frozen):
    id: str
    law: str
    title: str
    status: Literal["met", "gap", "duty"]
    gap: str
    answers: dict[str, str] = Field(default_factory=dict)
    gap_level: Level
    deadline: str
    legal: tuple[str, ...]
    penalty: PenaltyMaximum | None
    section: str = Field("", description="Prose template shown as a section where it applies.")


class JurisdictionExposure(_Frozen):
    jurisdiction: str
    label: str
    headcount: int
    obligations: tuple[ObligationResult, ...]
    statutory_maximum: dict[str, float] = Field(
        description="Highest single statutory maximum per currency; a ceiling, not a forecast."
    )


class AiActResult(_Frozen):
    """An AI Act classification that applies, with the reason from the answers and the duties
    it brings. It is not a risk level: prior consultation follows from the GDPR residual risk."""

    id: str
    classification: Literal["prohibited", "high_risk", "transparency", "general_purpose"]
    title: str
    reason: str
    answers: dict[str, str] = Field(default_factory=dict)
    legal: tuple[str, ...] = ()
    duties: tuple[ObligationResult, ...] = ()


class CompletenessItem(_Frozen):
    id: str
    article: str
    text: str


class RiskReport(_Frozen):
    questionnaire: str
    assessment_id: str | None
    as_of: dt.date
    headline: dict[str, HeadlineRating]
    dpia_required: DpiaRequired
    screening: ScreeningResult
    stop: bool
    stop_findings: tuple[StopResult, ...]
    overall_inherent: Level
    overall_residual: Level = Field(description="After the plan: measures in place and planned.")
    overall_residual_now: Level | None = Field(
        None,
        description="Now: measures in place only. None when the scoring method does not rate "
        "this view (the CNIL PIA method).",
    )
    overall_residual_if_all: Level | None = Field(
        None,
        description="If every recommendation were adopted. None when the scoring method does "
        "not rate this view (the CNIL PIA method).",
    )
    overall_residual_at_start: Level | None = Field(
        None,
        description="When processing starts: measures in place and those planned before the "
        "start. Prior consultation is decided on this view. None when the scoring method does "
        "not rate it; the CNIL PIA method sets it to overall_residual.",
    )
    prior_consultation_required: bool
    prior_consultation_note: str
    risks: tuple[RiskResult, ...]
    mitigations: tuple[MeasureResult, ...]
    legal_exposure: tuple[JurisdictionExposure, ...]
    ai_act: tuple[AiActResult, ...] = Field(
        (), description="AI Act classifications that apply and the duties they bring."
    )
    completeness: tuple[CompletenessItem, ...]
    review_due: dt.date | None = Field(
        None, description="When the assessment is next reviewed (GDPR Art. 35(11)), if answered."
    )
    review_owner: str | None = Field(
        None, description="Who keeps the assessment under review (GDPR Art. 35(11)), if answered."
    )
    gdpr_applies: bool = Field(
        True, description="The GDPR or the UK GDPR applies: the document is framed by its Art. 35."
    )
