"""The risk report: what `assess` returns, what `dpia score --json` prints, what the document shows.

Every rating carries `because`: the reasons that set it, each naming the rule, the answers that
made it fire and the law it rests on. Nothing in the report is rated without a reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ._scales import Level

__all__ = [
    "CompletenessItem",
    "HeadlineRating",
    "JurisdictionExposure",
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
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reason(_Frozen):
    """One reason behind a rating: the rule, the axis it moved, the answers and the law."""

    rule: str
    axis: Literal["likelihood", "severity", "level", "floor", "measure", "finding"]
    text: str
    answers: dict[str, str] = Field(
        default_factory=dict, description="Question id → the answer as shown to the reader."
    )
    legal: tuple[str, ...] = ()


class Rating(_Frozen):
    likelihood: int
    severity: int
    level: Level
    because: tuple[Reason, ...]


class RiskResult(_Frozen):
    id: str
    title: str
    family: str
    kind: Literal["design", "event"]
    description: str
    inherent: Rating
    residual: Rating
    measures: tuple[str, ...] = Field((), description="Measures in place or planned against it.")


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


class JurisdictionExposure(_Frozen):
    jurisdiction: str
    label: str
    headcount: int
    obligations: tuple[ObligationResult, ...]
    statutory_maximum: dict[str, float] = Field(
        description="Highest single statutory maximum per currency; a ceiling, not a forecast."
    )


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
    overall_residual: Level
    prior_consultation_required: bool
    prior_consultation_note: str
    risks: tuple[RiskResult, ...]
    mitigations: tuple[MeasureResult, ...]
    legal_exposure: tuple[JurisdictionExposure, ...]
    completeness: tuple[CompletenessItem, ...]
    review_due: dt.date | None = Field(
        None, description="When the assessment is next reviewed (GDPR Art. 35(11)), if answered."
    )
