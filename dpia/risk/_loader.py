"""Load a risk catalogue and check it against the questionnaire whose answers it reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .._compiled import compiled_model, entry_key, keep_compiled, source_bytes
from .._conditions import check_condition, check_text
from .._errors import CatalogueError, ConditionError, Problem, SourceError
from .._library import questionnaire_dir
from .._source import Source, read_source
from .._validation import parse_model
from ..questionnaire import Questionnaire
from ._catalogue import Catalogue

__all__ = ["catalogue_for", "catalogue_from_source", "catalogue_path", "load_catalogue"]

PathParts = tuple[str | int, ...]


def catalogue_path(questionnaire: Questionnaire) -> Path:
    return questionnaire_dir() / f"{questionnaire.id}.risks.yaml"


_CACHE: dict[tuple[Path, int, str], Catalogue] = {}


def catalogue_for(questionnaire: Questionnaire) -> Catalogue:
    """The catalogue next to the questionnaire file, loaded once per file change."""
    path = catalogue_path(questionnaire)
    if not path.is_file():
        raise SourceError(f"no risk catalogue for {questionnaire.ref}: expected {path}")
    key = (path, path.stat().st_mtime_ns, questionnaire.ref)
    if key not in _CACHE:
        _CACHE[key] = load_catalogue(path, questionnaire)
    return _CACHE[key]


def load_catalogue(path: str | Path, questionnaire: Questionnaire) -> Catalogue:
    """Read the catalogue and check it against `questionnaire`; raises CatalogueError.

    A catalogue checked before against the same questionnaire by the same code comes from the
    disk cache (`dpia._compiled`), under a key made of both: an edit to either checks it again.
    """
    raw = source_bytes(path)
    if raw is None:
        return catalogue_from_source(read_source(path), questionnaire)
    key = entry_key("catalogue", raw, questionnaire.model_dump_json().encode())
    kept = compiled_model(key, Catalogue)
    if kept is not None:
        return kept
    catalogue = catalogue_from_source(read_source(raw, name=str(path)), questionnaire)
    expressions = list(_expressions(catalogue))
    conditions = [expression for _path, expression, kind in expressions if kind == "when"]
    templates = [expression for _path, expression, kind in expressions if kind == "text"]
    keep_compiled(key, catalogue, conditions, templates)
    return catalogue


def catalogue_from_source(source: Source, questionnaire: Questionnaire) -> Catalogue:
    catalogue, problems = parse_model(source, Catalogue)
    if catalogue is None:
        raise CatalogueError(problems)
    problems = _cross_checks(source, catalogue, questionnaire)
    if problems:
        raise CatalogueError(problems)
    return catalogue


def _expressions(catalogue: Catalogue) -> Iterator[tuple[PathParts, str, str]]:
    """Every condition (`when`) and text template in the catalogue, with its path."""
    for group in ("art35_3", "wp248", "national_lists"):
        for i, criterion in enumerate(getattr(catalogue.screening, group)):
            base: PathParts = ("screening", group, i)
            yield (*base, "when"), criterion.when, "when"
            yield (*base, "rationale"), criterion.rationale, "text"
    for r, risk in enumerate(catalogue.risks):
        for i, rule in enumerate(risk.rules):
            yield ("risks", r, "rules", i, "when"), rule.when, "when"
            yield ("risks", r, "rules", i, "rationale"), rule.rationale, "text"
        for i, floor in enumerate(risk.floors):
            yield ("risks", r, "floors", i, "when"), floor.when, "when"
            yield ("risks", r, "floors", i, "rationale"), floor.rationale, "text"
        for i, narrative in enumerate(risk.narratives):
            if narrative.when:
                yield ("risks", r, "narratives", i, "when"), narrative.when, "when"
            yield ("risks", r, "narratives", i, "text"), narrative.text, "text"
    for m, measure in enumerate(catalogue.measures):
        if measure.applicable_when:
            yield ("measures", m, "applicable_when"), measure.applicable_when, "when"
        if measure.implemented_when:
            yield ("measures", m, "implemented_when"), measure.implemented_when, "when"
        for n, statement in enumerate(measure.in_place):
            if statement.when:
                yield ("measures", m, "in_place", n, "when"), statement.when, "when"
            yield ("measures", m, "in_place", n, "text"), statement.text, "text"
    for s, finding in enumerate(catalogue.stop_findings):
        yield ("stop_findings", s, "when"), finding.when, "when"
        yield ("stop_findings", s, "reason"), finding.reason, "text"
    for a, item in enumerate(catalogue.ai_act):
        yield ("ai_act", a, "when"), item.when, "when"
        yield ("ai_act", a, "rationale"), item.rationale, "text"
    for o, obligation in enumerate(catalogue.obligations):
        yield ("obligations", o, "applies_when"), obligation.applies_when, "when"
        if obligation.met_when:
            yield ("obligations", o, "met_when"), obligation.met_when, "when"
        yield ("obligations", o, "gap"), obligation.gap, "text"
    for c, check in enumerate(catalogue.completeness):
        yield ("completeness", c, "missing_when"), check.missing_when, "when"
        yield ("completeness", c, "text"), check.text, "text"
    for n, legal_source in enumerate(catalogue.legal_sources):
        yield ("legal_sources", n, "applies_when"), legal_source.applies_when, "when"
    if catalogue.inputs.gdpr_applies:
        yield ("inputs", "gdpr_applies"), catalogue.inputs.gdpr_applies, "when"


def _cross_checks(
    source: Source, catalogue: Catalogue, questionnaire: Questionnaire
) -> list[Problem]:
    problems: list[Problem] = []
    if catalogue.questionnaire != questionnaire.ref:
        problems.append(
            source.problem(
                ("questionnaire",),
                f"catalogue is for {catalogue.questionnaire}, questionnaire is {questionnaire.ref}",
            )
        )
    names = set(questionnaire.question_ids())
    for path, expression, kind in _expressions(catalogue):
        try:
            if kind == "when":
                check_condition(expression, names)
            else:
                check_text(expression, names)
        except ConditionError as exc:
            problems.append(source.problem(path, str(exc)))

    def unique(group: str, items: Any) -> set[str]:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                problems.append(source.problem((group, i, "id"), f"id {item.id!r} is used twice"))
            seen.add(item.id)
        return seen

    risk_ids = unique("risks", catalogue.risks)
    measure_ids = unique("measures", catalogue.measures)
    unique("stop_findings", catalogue.stop_findings)
    penalty_ids = unique("penalties", catalogue.penalties)
    obligation_ids = unique("obligations", catalogue.obligations)
    unique("ai_act", catalogue.ai_act)
    unique("completeness", catalogue.completeness)
    for a, item in enumerate(catalogue.ai_act):
        for d, duty in enumerate(item.duties):
            if duty not in obligation_ids:
                problems.append(
                    source.problem(("ai_act", a, "duties", d), f"unknown obligation {duty!r}")
                )
    rule_ids: set[str] = set()
    for r, risk in enumerate(catalogue.risks):
        for i, rule in enumerate(risk.rules):
            if rule.id in rule_ids:
                path = ("risks", r, "rules", i, "id")
                problems.append(source.problem(path, f"rule id {rule.id!r} is used twice"))
            rule_ids.add(rule.id)

    for field in ("chilling_effect", "consent_gap"):
        if getattr(catalogue.headline, field) not in risk_ids:
            problems.append(
                source.problem(("headline", field), f"no risk with id {field!r} in risks")
            )
    for m, measure in enumerate(catalogue.measures):
        seen_axes: set[tuple[str, str]] = set()
        for e, effect in enumerate(measure.reduces):
            if effect.risk not in risk_ids:
                problems.append(
                    source.problem(
                        ("measures", m, "reduces", e, "risk"),
                        f"unknown risk {effect.risk!r}; risks: {', '.join(sorted(risk_ids))}",
                    )
                )
            if (effect.risk, effect.axis) in seen_axes:
                problems.append(
                    source.problem(
                        ("measures", m, "reduces", e),
                        f"the measure already lowers the {effect.axis} of {effect.risk!r}",
                    )
                )
            seen_axes.add((effect.risk, effect.axis))
    problems.extend(_floor_checks(source, catalogue, measure_ids))
    codes = {j.code for j in questionnaire.jurisdictions} | {"EU", "UK", "US"}
    for o, obligation in enumerate(catalogue.obligations):
        if obligation.penalty is not None and obligation.penalty not in penalty_ids:
            problems.append(
                source.problem(
                    ("obligations", o, "penalty"), f"unknown penalty {obligation.penalty!r}"
                )
            )
        if obligation.jurisdiction not in codes:
            problems.append(
                source.problem(
                    ("obligations", o, "jurisdiction"),
                    f"unknown jurisdiction {obligation.jurisdiction!r}",
                )
            )
    for n, criterion in enumerate(catalogue.screening.national_lists):
        for code in criterion.jurisdictions:
            if code not in codes:
                path = ("screening", "national_lists", n, "jurisdictions")
                problems.append(source.problem(path, f"unknown jurisdiction {code!r}"))
    problems.extend(_input_checks(source, catalogue, questionnaire))
    return problems


def _floor_checks(source: Source, catalogue: Catalogue, measure_ids: set[str]) -> list[Problem]:
    """A measure that lifts a floor must lower the risk on the floor's axes, so that lifting it
    is part of that measure's credited effect."""
    problems: list[Problem] = []
    for r, risk in enumerate(catalogue.risks):
        for f, floor in enumerate(risk.floors):
            axes = [axis for axis in ("likelihood", "severity") if getattr(floor, axis)]
            if floor.level and "likelihood" not in axes:
                axes.append("likelihood")
            for i, measure_id in enumerate(floor.lifted_by):
                path = ("risks", r, "floors", f, "lifted_by", i)
                if measure_id not in measure_ids:
                    problems.append(source.problem(path, f"unknown measure {measure_id!r}"))
                    continue
                measure = catalogue.measure(measure_id)
                lowered = {e.axis for e in measure.reduces if e.risk == risk.id}
                missing = [axis for axis in axes if axis not in lowered]
                if missing:
                    problems.append(
                        source.problem(
                            path,
                            f"{measure_id!r} does not lower the {' and '.join(missing)} of "
                            f"{risk.id!r}, so it cannot lift this floor",
                        )
                    )
    return problems


def _input_checks(
    source: Source, catalogue: Catalogue, questionnaire: Questionnaire
) -> list[Problem]:
    problems: list[Problem] = []
    expected = {
        "jurisdictions": ("multi_choice",),
        "headcount_table": ("table",),
        "turnover": ("number", "integer"),
        "next_review": ("date",),
        "review_interval_months": ("integer",),
        "planned_start": ("date",),
        "processing_started": ("boolean",),
        "review_owner": ("text",),
    }
    for field, kinds in expected.items():
        question_id = getattr(catalogue.inputs, field)
        if question_id is None:
            continue
        try:
            question = questionnaire.question(question_id)
        except KeyError:
            problems.append(source.problem(("inputs", field), f"no question {question_id!r}"))
            continue
        if question.type not in kinds:
            problems.append(
                source.problem(
                    ("inputs", field),
                    f"question {question_id!r} is {question.type}; expected {' or '.join(kinds)}",
                )
            )
    return problems
