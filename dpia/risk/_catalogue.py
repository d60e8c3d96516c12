"""The risk catalogue: screening criteria, risks and their rules, measures, stop findings, legal
obligations with their penalties, and completeness checks. All of it is data a DPO can edit.

The file sits next to its questionnaire (`<questionnaire id>.risks.yaml`). Its conditions use the
same safe language as the questionnaire and may read any question id; rationales are short text
templates that quote answers as the reader sees them (`{{ captured_data }}`).
"""

import datetime as dt
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._scales import Level

__all__ = [
    "AiActClass",
    "Catalogue",
    "CompletenessCheck",
    "Criterion",
    "Floor",
    "Inputs",
    "LegalSource",
    "Measure",
    "MeasureEffect",
    "Obligation",
    "Penalty",
    "Risk",
    "Rule",
    "Screening",
    "Statement",
    "StopFinding",
]

_ID = r"^[a-z][a-z0-9_]{0,63}$"
Scale = Annotated[int, Field(ge=1, le=4)]


class _Frozen(BaseModel):
    # Validator built on first use: a command validates few of these models, and one
    # held by another is validated within it, so building each at import is wasted.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class _Dated(_Frozen):
    applies_from: dt.date | None = Field(None, description="Law in force from this date.")
    applies_until: dt.date | None = Field(None, description="Law in force until this date.")

    def in_force(self, as_of: dt.date) -> bool:
        if self.applies_from is not None and as_of < self.applies_from:
            return False
        return self.applies_until is None or as_of <= self.applies_until


class Criterion(_Dated):
    """A screening reason: an Art. 35(3) trigger, a WP248 criterion or a national-list entry."""

    id: Annotated[str, Field(pattern=_ID)]
    title: Annotated[str, Field(min_length=1)]
    when: str
    rationale: str = ""
    legal: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = Field(
        (), description="National lists only: the jurisdiction codes whose list this is."
    )


class Screening(_Frozen):
    art35_3: tuple[Criterion, ...] = ()
    wp248: Annotated[tuple[Criterion, ...], Field(min_length=1)]
    national_lists: tuple[Criterion, ...] = ()
    wp248_required_at: Annotated[int, Field(ge=1, le=9)] = 2


class Rule(_Dated):
    """When `when` holds, the risk's likelihood and severity are at least these values, then
    raised by the `raise_` steps; the rationale says why in the reader's words."""

    id: Annotated[str, Field(pattern=_ID)]
    when: str
    likelihood: Scale | None = None
    severity: Scale | None = None
    raise_likelihood: Annotated[int, Field(ge=1, le=3)] | None = None
    raise_severity: Annotated[int, Field(ge=1, le=3)] | None = None
    rationale: Annotated[str, Field(min_length=1)]
    legal: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _moves_something(self) -> "Rule":
        if not any((self.likelihood, self.severity, self.raise_likelihood, self.raise_severity)):
            raise ValueError(
                "a rule must set or raise likelihood or severity "
                "(likelihood, severity, raise_likelihood, raise_severity)"
            )
        return self


class Floor(_Dated):
    """A lower bound on the residual rating that no measure can go below, unless one of the
    measures in `lifted_by` is counted: a floor that holds only while a safeguard is missing
    lifts when that safeguard is in place, planned or, in the "if all" view, recommended.

    `level` keeps the residual level at least that high: likelihood stays at the lowest value
    that reaches the level at the risk's inherent severity (severity comes from the rules,
    so the bound is known before any measure is counted)."""

    when: str
    likelihood: Scale | None = None
    severity: Scale | None = None
    level: Level | None = None
    lifted_by: tuple[Annotated[str, Field(pattern=_ID)], ...] = Field(
        (), description="Measure ids; any one of them counted lifts the floor."
    )
    rationale: Annotated[str, Field(min_length=1)]
    legal: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _bounds_something(self) -> "Floor":
        if not any((self.likelihood, self.severity, self.level)):
            raise ValueError("a floor must set likelihood, severity or level")
        return self


class Statement(_Frozen):
    """A text that holds for some answers: what the answers say about a measure in place
    (shown beside the general description, which says what the measure is, not what was done),
    or a risk told for the people and the capture of a programme."""

    when: str | None = Field(None, description="Say this only when the condition holds.")
    text: Annotated[str, Field(min_length=1, description="A text template quoting answers.")]
    title: str = Field(
        "", description="A risk narrative only: the risk's title for these people or data."
    )


class Risk(_Frozen):
    id: Annotated[str, Field(pattern=_ID)]
    title: Annotated[str, Field(min_length=1)]
    family: Annotated[str, Field(pattern=r"^R\d{1,2}$", description="Brief §6 family, R1-R14.")]
    kind: Literal["design", "event"] = Field(
        description="design: a deliberate choice of the processing; event: accidental or unlawful."
    )
    description: Annotated[str, Field(min_length=1)]
    narratives: tuple[Statement, ...] = Field(
        (),
        description="The risk told for other people or other captures (customers rather than "
        "staff, timing rather than content): the first that holds replaces the description.",
    )
    rules: Annotated[tuple[Rule, ...], Field(min_length=1)]
    floors: tuple[Floor, ...] = ()


class MeasureEffect(_Frozen):
    risk: Annotated[str, Field(pattern=_ID)]
    axis: Literal["likelihood", "severity"]
    steps: Annotated[int, Field(ge=1, le=3)] = 1


class Measure(_Frozen):
    id: Annotated[str, Field(pattern=_ID)]
    title: Annotated[str, Field(min_length=1)]
    description: Annotated[str, Field(min_length=1)]
    kind: Annotated[str, Field(pattern=_ID)] | None = Field(
        None,
        description=(
            "Measures of the same kind lowering the same axis of a risk count once, with the "
            "steps of the strongest; without a kind a measure is a kind of its own."
        ),
    )
    reduces: tuple[MeasureEffect, ...] = ()
    applicable_when: str | None = Field(None, description="Recommend only when this holds.")
    follows_from: Literal["prior_consultation"] | None = Field(
        None,
        description=(
            "A duty that follows from the ratings rather than from the answers: recommended "
            "only where the report finds it (prior consultation required), not applicable "
            "elsewhere. Such a measure lowers no rating."
        ),
    )
    implemented_when: str | None = Field(None, description="Answers that show it in place.")
    legal: tuple[str, ...] = ()
    in_place: tuple[Statement, ...] = Field(
        (), description="What the answers say when the measure is in place, each when it holds."
    )

    @model_validator(mode="after")
    def _follows_without_effects(self) -> "Measure":
        if self.follows_from and self.reduces:
            raise ValueError(
                f"a measure that follows from the ratings ({self.follows_from}) cannot also "
                "lower them: drop `reduces` or `follows_from`"
            )
        return self

    @cached_property
    def effects_by_risk(self) -> dict[str, tuple[MeasureEffect, ...]]:
        """Its effects grouped by risk, in catalogue order: every view of every risk asks which
        of a measure's effects act on that risk, for each measure counted."""
        grouped: dict[str, list[MeasureEffect]] = {}
        for effect in self.reduces:
            grouped.setdefault(effect.risk, []).append(effect)
        return {risk: tuple(effects) for risk, effects in grouped.items()}


class StopFinding(_Dated):
    """A finding that no measure or consultation can balance: the programme must change (its
    design, or a step it skipped) before it may go on."""

    id: Annotated[str, Field(pattern=_ID)]
    verdict: Literal["prohibited", "do_not_proceed"]
    when: str
    reason: Annotated[str, Field(min_length=1)]
    legal: tuple[str, ...] = ()


class Penalty(_Frozen):
    """A statutory maximum: the greater of `fixed` and `turnover_share` of worldwide turnover,
    plus `per_person` for each person monitored in the jurisdiction."""

    id: Annotated[str, Field(pattern=_ID)]
    label: Annotated[str, Field(min_length=1)]
    formula: Annotated[str, Field(min_length=1, description="The rule in words, with its source.")]
    currency: Literal["EUR", "USD", "GBP"]
    fixed: Annotated[float, Field(ge=0)] = 0
    turnover_share: Annotated[float, Field(ge=0, le=1)] = 0
    per_person: Annotated[float, Field(ge=0)] = 0
    legal: tuple[str, ...] = ()


class Obligation(_Dated):
    id: Annotated[str, Field(pattern=_ID)]
    jurisdiction: Annotated[str, Field(description="A jurisdiction code, or EU for the Union.")]
    law: Annotated[str, Field(min_length=1)]
    title: Annotated[str, Field(min_length=1)]
    applies_when: str
    met_when: str | None = Field(None, description="Answers showing compliance; none: a duty.")
    gap: str = Field("", description="What is missing when the obligation is not met.")
    gap_level: Level = "medium"
    penalty: str | None = Field(None, description="Id of the penalty that applies to a breach.")
    deadline: str = ""
    legal: tuple[str, ...] = ()
    section: Annotated[str, Field(pattern=_ID)] | None = Field(
        None,
        description="A prose template the document shows as a section of its own wherever the "
        "obligation applies (the CCPA risk assessment, which the DPIA also serves as).",
    )
    recorded_in: Literal["dpo_advice", "decision", "workers_representatives"] | None = Field(
        None,
        description="The part of the sign-off record that evidences the obligation: until it is "
        "recorded, answers that show it met make it a duty still to document, not met.",
    )


class AiActClass(_Dated):
    """How the AI Act classes the system, and the duties that follow: reported as AI Act duties,
    never as a GDPR risk level, because a high-risk AI system is not a high residual risk."""

    id: Annotated[str, Field(pattern=_ID)]
    classification: Literal["prohibited", "high_risk", "transparency", "general_purpose"]
    title: Annotated[str, Field(min_length=1)]
    when: str
    rationale: Annotated[str, Field(min_length=1)]
    duties: tuple[Annotated[str, Field(pattern=_ID)], ...] = Field(
        (), description="Ids of the obligations this classification brings."
    )
    legal: tuple[str, ...] = ()


class CompletenessCheck(_Frozen):
    id: Annotated[str, Field(pattern=_ID)]
    article: Annotated[str, Field(min_length=1)]
    missing_when: str
    text: Annotated[str, Field(min_length=1)]


class Inputs(_Frozen):
    """The questions the engine reads directly, for jurisdictions, headcounts and turnover."""

    jurisdictions: str = Field(description="multi_choice question listing the jurisdictions.")
    headcount_table: str = Field(description="table question with one row per jurisdiction.")
    headcount_jurisdiction_column: str = "jurisdiction"
    headcount_column: str = "headcount"
    turnover: str = Field(description="number question: worldwide annual turnover.")
    next_review: str | None = Field(
        None, description="date question: the next review (Art. 35(11))."
    )
    review_interval_months: str | None = Field(
        None, description="integer question: months between reviews, used when no date is given."
    )
    review_owner: str | None = Field(
        None, description="text question: who keeps the assessment under review (Art. 35(11))."
    )
    planned_start: str | None = Field(
        None, description="date question: when processing starts, to date the planned measures."
    )
    processing_started: str | None = Field(
        None, description="boolean question: processing already runs."
    )
    gdpr_applies: str | None = Field(
        None,
        description="A condition: the GDPR (or the UK GDPR) applies to the programme. Without "
        "it the GDPR is taken to apply.",
    )


class Headline(_Frozen):
    chilling_effect: Annotated[str, Field(description="Risk id rated as the chilling effect.")]
    consent_gap: Annotated[str, Field(description="Risk id rated as the consent gap.")]


class LegalSource(_Dated):
    """A body of law tied to places: a citation starting with `prefix` is shown only when
    `applies_when` holds (a German statute only with staff in Germany, the GDPR only where it
    applies) and, where dates are given, only under the law in force on the assessment's law
    date. The ratings never depend on it; it keeps citations true to the programme."""

    prefix: Annotated[str, Field(min_length=2)]
    applies_when: str


class Catalogue(_Frozen):
    questionnaire: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,63}@\d+\.\d+(\.\d+)?$")]
    inputs: Inputs
    headline: Headline
    screening: Screening
    risks: Annotated[tuple[Risk, ...], Field(min_length=1)]
    measures: tuple[Measure, ...] = ()
    stop_findings: tuple[StopFinding, ...] = ()
    penalties: tuple[Penalty, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    ai_act: tuple[AiActClass, ...] = ()
    completeness: tuple[CompletenessCheck, ...] = ()
    legal_sources: tuple[LegalSource, ...] = Field(
        (), description="Citations shown only where their law applies to the programme."
    )

    def risk(self, risk_id: str) -> Risk:
        for risk in self.risks:
            if risk.id == risk_id:
                return risk
        raise KeyError(risk_id)

    def measure(self, measure_id: str) -> Measure:
        for measure in self.measures:
            if measure.id == measure_id:
                return measure
        raise KeyError(measure_id)

    def source_for(self, citation: str) -> LegalSource | None:
        """The body of law a citation belongs to, if the catalogue ties one to places; looked
        up once per citation, since every rating of every assessment cites the same laws."""
        known = self._citation_sources
        if citation not in known:
            known[citation] = next(
                (s for s in self.legal_sources if citation.startswith(s.prefix)), None
            )
        return known[citation]

    @cached_property
    def _citation_sources(self) -> dict[str, LegalSource | None]:
        return {}

    def penalty(self, penalty_id: str) -> Penalty:
        for penalty in self.penalties:
            if penalty.id == penalty_id:
                return penalty
        raise KeyError(penalty_id)
