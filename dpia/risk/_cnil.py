"""The CNIL PIA method: ratings read from the author's and the evaluator's gauges, not from rules.

A PIA made with the CNIL method (questionnaire `cnil-pia`) already carries its judgement: the
author estimates the severity and the likelihood of each of the three data-security risks on
the 1-4 gauges, with the existing or planned measures counted, and the evaluator may re-estimate
both once the action plan is taken into account. This module turns those estimates into the same
`RiskReport` every other assessment has, so that the document, the archive and the app need no
second path; the combined level comes from dpia's one risk matrix (`level_of`).

The method file (`<questionnaire>.risks.yaml` with `method: cnil-pia`) names the feared events
and the questions they read; `load_cnil_method` checks every name against the questionnaire.
"""

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .._assessment import Assessment
from .._errors import CatalogueError, Problem
from .._source import Source
from .._validation import parse_model
from ..questionnaire import Questionnaire
from ._report import (
    CompletenessItem,
    HeadlineRating,
    MeasureResult,
    Rating,
    Reason,
    RiskReport,
    RiskResult,
    ScreeningResult,
)
from ._scales import SCALE, Level, level_of, level_rank

__all__ = ["CNIL_METHOD", "CnilMethod", "FearedEvent", "assess_cnil", "load_cnil_method"]

CNIL_METHOD = "cnil-pia"
_ID = r"^[a-z][a-z0-9_]{0,63}$"


class _Frozen(BaseModel):
    # Validator built on first use: a command validates few of these models, and one
    # held by another is validated within it, so building each at import is wasted.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class FearedEvent(_Frozen):
    """One of the method's three risks and the prefix of the questions that describe it."""

    id: Annotated[str, Field(pattern=_ID)]
    title: Annotated[str, Field(min_length=1)]
    description: Annotated[str, Field(min_length=1)]
    cnil_item: Annotated[str, Field(pattern=r"^3\.[2-4]$")]
    prefix: Annotated[str, Field(pattern=_ID)]
    legal: tuple[str, ...] = ()

    def question(self, part: str) -> str:
        return f"{self.prefix}_{part}"


class MeasureColumns(_Frozen):
    """Where the measures are: a table question and the columns the method reads."""

    table: str
    number: str
    title: str
    description: str
    evaluation: str
    action_owner: str
    action_due: str


class CnilMethod(_Frozen):
    method: Literal["cnil-pia"]
    questionnaire: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,63}@\d+\.\d+(\.\d+)?$")]
    gauge_values: dict[str, Annotated[int, Field(ge=1, le=4)]]
    feared_events: Annotated[tuple[FearedEvent, ...], Field(min_length=1)]
    measures: MeasureColumns


_EVENT_QUESTIONS: dict[str, tuple[str, ...]] = {
    "impacts": ("table",),
    "threats": ("table",),
    "sources": ("table",),
    "controls": ("table",),
    "severity": ("single_choice",),
    "severity_reason": ("long_text",),
    "likelihood": ("single_choice",),
    "likelihood_reason": ("long_text",),
    "evaluation": ("single_choice",),
    "evaluation_comment": ("long_text",),
    "action_plan": ("long_text",),
    "corrected_severity": ("single_choice",),
    "corrected_likelihood": ("single_choice",),
}


def load_cnil_method(source: Source, questionnaire: Questionnaire) -> CnilMethod:
    """Validate a method file against the questionnaire whose answers it reads."""
    method, problems = parse_model(source, CnilMethod)
    if method is None:
        raise CatalogueError(problems)
    problems = []
    if method.questionnaire != questionnaire.ref:
        problems.append(
            source.problem(
                ("questionnaire",),
                f"method is for {method.questionnaire}, questionnaire is {questionnaire.ref}",
            )
        )
    types = {q.id: q for _, q in questionnaire.questions()}
    for index, event in enumerate(method.feared_events):
        for part, kinds in _EVENT_QUESTIONS.items():
            where = ("feared_events", index, "prefix")
            problems.extend(_expect(source, where, types, event.question(part), kinds))
        for part in ("severity", "likelihood", "corrected_severity", "corrected_likelihood"):
            question = types.get(event.question(part))
            options = {o.value for o in getattr(question, "options", ())}
            if question is not None and options != set(method.gauge_values):
                problems.append(
                    source.problem(
                        ("gauge_values",),
                        f"the options of {question.id} ({', '.join(sorted(options))}) are not the "
                        "gauge values",
                    )
                )
    columns = method.measures
    problems.extend(_expect(source, ("measures", "table"), types, columns.table, ("table",)))
    table = types.get(columns.table)
    known = {c.id for c in getattr(table, "columns", ())}
    for field in ("number", "title", "description", "evaluation", "action_owner", "action_due"):
        name = getattr(columns, field)
        if table is not None and name not in known:
            problems.append(
                source.problem(("measures", field), f"no column {name!r} in {columns.table}")
            )
    if problems:
        raise CatalogueError(problems)
    return method


def _expect(
    source: Source,
    path: tuple[str | int, ...],
    types: dict[str, Any],
    question_id: str,
    kinds: tuple[str, ...],
) -> list[Problem]:
    question = types.get(question_id)
    if question is None:
        return [source.problem(path, f"the questionnaire has no question {question_id!r}")]
    if question.type not in kinds:
        return [
            source.problem(
                path, f"question {question_id!r} is {question.type}; expected {' or '.join(kinds)}"
            )
        ]
    return []


def assess_cnil(
    questionnaire: Questionnaire, assessment: Assessment, method: CnilMethod, *, as_of: dt.date
) -> RiskReport:
    """The report of a CNIL PIA: pure, like `assess`; the same answers give the same report."""
    answers = assessment.answers
    measures = _measure_rows(answers, method.measures)
    risks: list[RiskResult] = []
    missing: list[CompletenessItem] = []
    for event in method.feared_events:
        rated = _rate(event, answers, method, questionnaire, measures)
        if rated is None:
            missing.append(
                CompletenessItem(
                    id=f"{event.id}_not_estimated",
                    article="GDPR Art. 35(7)(c)",
                    text=f"{event.title}: the severity and likelihood are not both estimated yet, "
                    "so this risk is not rated",
                )
            )
        else:
            risks.append(rated)
    overall_inherent = _highest(r.inherent.level for r in risks)
    overall_residual = _highest(r.residual.level for r in risks)
    high = [r.title for r in risks if r.residual.level == "high"]
    prior = bool(high)
    if prior:
        note = (
            "Residual risk stays high for: " + "; ".join(high) + ". Consult the supervisory "
            "authority before processing starts (GDPR Art. 36(1)) and do not start meanwhile."
        )
    elif risks:
        note = "No residual risk is high, so prior consultation under GDPR Art. 36 is not required."
    else:
        note = "No risk is rated yet, so whether prior consultation is needed cannot be said."
    not_screened = Reason(
        rule="cnil_method",
        axis="finding",
        text="the CNIL PIA method has no screening step; this record is a PIA that was carried "
        "out, and it does not say whether one was required",
        legal=("GDPR Art. 35(1)",),
    )
    return RiskReport(
        questionnaire=questionnaire.ref,
        assessment_id=assessment.meta.id,
        as_of=as_of,
        headline={
            r.id: HeadlineRating(
                level=r.residual.level,
                because=(*r.inherent.because[:2], *r.residual.because[:1]),
                risk=r.id,
            )
            for r in risks
        },
        dpia_required="not_screened",
        screening=ScreeningResult(
            dpia_required="not_screened",
            art35_3=(),
            wp248=(),
            national_lists=(),
            because=(not_screened,),
        ),
        stop=False,
        stop_findings=(),
        overall_inherent=overall_inherent,
        overall_residual=overall_residual,
        overall_residual_at_start=overall_residual,
        prior_consultation_required=prior,
        prior_consultation_note=note,
        risks=tuple(risks),
        mitigations=tuple(_measure_results(measures, method, risks)),
        legal_exposure=(),
        completeness=tuple(missing),
        review_due=None,
    )


def _gauge(value: Any, method: CnilMethod) -> int | None:
    return method.gauge_values.get(value) if isinstance(value, str) else None


def _rate(
    event: FearedEvent,
    answers: dict[str, Any],
    method: CnilMethod,
    questionnaire: Questionnaire,
    measures: list[dict[str, Any]],
) -> RiskResult | None:
    severity = _gauge(answers.get(event.question("severity")), method)
    likelihood = _gauge(answers.get(event.question("likelihood")), method)
    if severity is None or likelihood is None:
        return None
    shown = {
        event.question(part): questionnaire.question(event.question(part)).display(
            answers.get(event.question(part))
        )
        for part in ("severity", "likelihood", "corrected_severity", "corrected_likelihood")
    }
    because = [
        _estimate(event, "severity", severity, answers, shown),
        _estimate(event, "likelihood", likelihood, answers, shown),
        _matrix(likelihood, severity),
    ]
    inherent = Rating(
        likelihood=likelihood,
        severity=severity,
        level=level_of(likelihood, severity),
        because=tuple(because),
    )
    corrected_severity = _gauge(answers.get(event.question("corrected_severity")), method)
    corrected_likelihood = _gauge(answers.get(event.question("corrected_likelihood")), method)
    verdict = answers.get(event.question("evaluation"))
    if corrected_severity is not None and corrected_likelihood is not None:
        residual_because = [
            Reason(
                rule=event.question("evaluation"),
                axis="measure",
                text=(
                    f"the evaluator re-estimated the risk with the action plan: severity "
                    f"{corrected_severity} ({SCALE[corrected_severity]}), likelihood "
                    f"{corrected_likelihood} ({SCALE[corrected_likelihood]})"
                ),
                answers={
                    name: shown[name]
                    for name in (
                        event.question("corrected_severity"),
                        event.question("corrected_likelihood"),
                    )
                },
                legal=event.legal,
                pull="down"
                if corrected_likelihood < likelihood or corrected_severity < severity
                else "none",
            ),
            _matrix(corrected_likelihood, corrected_severity),
        ]
        residual = Rating(
            likelihood=corrected_likelihood,
            severity=corrected_severity,
            level=level_of(corrected_likelihood, corrected_severity),
            because=tuple(residual_because),
        )
    else:
        why = (
            "the evaluator has not re-estimated this risk"
            if verdict is None
            else "the evaluator did not re-estimate both gauges"
        )
        residual = Rating(
            likelihood=likelihood,
            severity=severity,
            level=inherent.level,
            because=(
                Reason(
                    rule="not_reestimated",
                    axis="measure",
                    text=f"{why}, so the residual rating is the author's estimate",
                ),
                _matrix(likelihood, severity),
            ),
        )
    controls = [
        _normal(row.get("entry", "")) for row in answers.get(event.question("controls")) or []
    ]
    acting = [
        _measure_id(row, index, method.measures)
        for index, row in enumerate(measures)
        if _normal(row.get(method.measures.title, "")) in controls
    ]
    return RiskResult(
        id=event.id,
        title=event.title,
        family=f"CNIL {event.cnil_item}",
        kind="event",
        description=event.description,
        inherent=inherent,
        residual=residual,
        measures=tuple(acting),
    )


def _estimate(
    event: FearedEvent,
    axis: Literal["severity", "likelihood"],
    value: int,
    answers: dict[str, Any],
    shown: dict[str, str],
) -> Reason:
    reason = answers.get(event.question(f"{axis}_reason")) or ""
    text = f"the author estimates the {axis} as {value} ({SCALE[value]})"
    if reason.strip():
        text += f": {_one_line(reason)}"
    return Reason(
        rule=event.question(axis),
        axis=axis,
        text=text,
        answers={event.question(axis): shown[event.question(axis)]},
        legal=event.legal,
        pull="up",
    )


def _matrix(likelihood: int, severity: int) -> Reason:
    level = level_of(likelihood, severity)
    return Reason(
        rule="matrix",
        axis="level",
        text=(
            f"likelihood {likelihood} ({SCALE[likelihood]}) with severity {severity} "
            f"({SCALE[severity]}) is {level} in the risk matrix"
        ),
    )


def _one_line(text: str) -> str:
    """Imported justifications keep their lists and emphasis; a reason is read as one sentence."""
    flat = re.sub(r"\*\*|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)", "", text)
    return " ".join(flat.split())


def _normal(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _measure_rows(answers: dict[str, Any], columns: MeasureColumns) -> list[dict[str, Any]]:
    rows = answers.get(columns.table) or []
    return [row for row in rows if isinstance(row, dict)]


def _measure_id(row: dict[str, Any], index: int, columns: MeasureColumns) -> str:
    number = row.get(columns.number)
    return f"measure_{number}" if isinstance(number, int) else f"measure_row_{index + 1}"


def _measure_results(
    rows: list[dict[str, Any]], method: CnilMethod, risks: list[RiskResult]
) -> list[MeasureResult]:
    columns = method.measures
    results = []
    for index, row in enumerate(rows):
        measure_id = _measure_id(row, index, columns)
        verdict = row.get(columns.evaluation)
        note = "Listed in the PIA as an existing or planned measure"
        if verdict:
            note += f"; evaluated as {verdict.replace('_', ' ')}"
        results.append(
            MeasureResult(
                id=measure_id,
                title=row.get(columns.title) or f"Measure {index + 1}",
                description=row.get(columns.description) or "",
                status="planned",
                risks=tuple(r.id for r in risks if measure_id in r.measures),
                owner=row.get(columns.action_owner) or None,
                due=row.get(columns.action_due),
                note=note + ".",
            )
        )
    return results


def _highest(levels: Any) -> Level:
    ranked = sorted(levels, key=level_rank)
    return ranked[-1] if ranked else "low"
