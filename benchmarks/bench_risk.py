"""The risk engine: `assess` on each example programme, the cost behind `dpia score`, the risk
page of the app and every document build.

The questionnaire, the catalogue and the answers are loaded once in `cases()`, so the timings are
the rating alone: screening, inherent and residual ratings, measure ranking, stop findings,
legal exposure and completeness. The target is absolute (1 ms on every example, issue 18 point
2). No library does the rating for us; beside each figure stands what pydantic alone takes to
build the objects of the same report (each distinct model once, from its finished field
values, bottom up), the part of `assess` that is the report's models being made and checked.

Before its first rating a process also pays for reading the catalogue and the answers; those
phases come first, the catalogue beside PyYAML parsing the same file: as a new process without
a cache (every condition parsed and checked, the entry written), as a new process with the
catalogue kept compiled in the cache folder (every condition made ready from its kept tree, as
the first rating needs it), and again in the same process. Reading the questionnaire is in the
questionnaire area.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from benchmarks._cache_dirs import as_new_process, empty_cache, in_cache, warm_cache
from benchmarks._harness import Baseline, Case, Table, Target, readable
from dpia import load_answers
from dpia._conditions import _checked, _checked_text
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia._source import read_source
from dpia.risk import _engine as engine
from dpia.risk import assess, catalogue_for
from dpia.risk._context import Context
from dpia.risk._exposure import exposure
from dpia.risk._loader import _expressions, catalogue_path, load_catalogue
from dpia.risk._rating import rate_inherent, rate_views
from dpia.risk._screening import screen

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 29)
TARGET = Target(seconds=0.001, source="issue 18, point 2: `assess` ≤ 1 ms median on every example")


def _phases() -> list[Case]:
    largest = max(sorted((ROOT / "examples").glob("*.yaml")), key=lambda p: p.stat().st_size)
    questionnaire = questionnaire_for(questionnaire_ref_of(largest))
    path = catalogue_path(questionnaire)
    parse = Baseline(f"PyYAML: parse {path.name}", lambda: read_source(path))
    expressions = list(_expressions(catalogue_for(questionnaire)))

    def as_new_process_reads() -> None:
        as_new_process()
        load_catalogue(path, questionnaire)
        # What the first rating needs: every condition and rationale ready to run.
        for _where, expression, kind in expressions:
            (_checked if kind == "when" else _checked_text)(expression)

    def load_again() -> None:
        load_catalogue(path, questionnaire)

    warm = warm_cache()
    return [
        Case(f"phase: read and check {path.name}, as a new process without cache",
             in_cache(empty_cache, as_new_process_reads), 10, parse),
        Case(f"phase: read {path.name} kept compiled, as a new process",
             in_cache(lambda: warm, as_new_process_reads), 10, parse),
        Case(f"phase: read {path.name} kept compiled again, in the process",
             in_cache(lambda: warm, load_again), 10, parse),
        Case(f"phase: read and check the answers of {largest.name}",
             lambda: load_answers(largest, questionnaire), 20),
    ]  # fmt: skip


def cases() -> list[Case]:
    found = _phases()
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        questionnaire = questionnaire_for(questionnaire_ref_of(path))
        catalogue = catalogue_for(questionnaire)
        assessment = load_answers(path, questionnaire).assessment

        def run(questionnaire=questionnaire, assessment=assessment, catalogue=catalogue) -> object:
            return assess(questionnaire, assessment, as_of=AS_OF, catalogue=catalogue)

        objects = _report_objects(run())
        built = Baseline(f"pydantic: build its {len(objects)} report objects", objects.build)
        found.append(Case(f"assess {path.stem}", run, 100, built, TARGET))
    return found


class _ReportObjects:
    """Every distinct model of a report, children first, each with its finished field values:
    a model held in a field is named by its place in the list, so building the list again
    makes the same objects in the same nesting, and only pydantic's work is timed."""

    def __init__(self) -> None:
        self.steps: list[tuple[type[BaseModel], dict[str, Any], list[tuple[str, Any]]]] = []
        self._placed: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.steps)

    def place(self, model: BaseModel) -> int:
        if id(model) not in self._placed:
            plain: dict[str, Any] = {}
            nested: list[tuple[str, Any]] = []
            for name in type(model).model_fields:
                value = getattr(model, name)
                shape = self._shape(value)
                if shape is None:
                    plain[name] = value
                else:
                    nested.append((name, shape))
            self._placed[id(model)] = len(self.steps)
            self.steps.append((type(model), plain, nested))
        return self._placed[id(model)]

    def _shape(self, value: Any) -> Any:
        if isinstance(value, BaseModel):
            return ("model", self.place(value))
        if isinstance(value, tuple) and any(isinstance(v, BaseModel) for v in value):
            return ("tuple", tuple(self.place(v) for v in value))
        if isinstance(value, dict) and any(isinstance(v, BaseModel) for v in value.values()):
            return ("dict", {key: self.place(v) for key, v in value.items()})
        return None

    def build(self) -> BaseModel:
        built: list[BaseModel] = []
        for model, plain, nested in self.steps:
            fields = dict(plain)
            for name, (kind, where) in nested:
                if kind == "model":
                    fields[name] = built[where]
                elif kind == "tuple":
                    fields[name] = tuple(built[i] for i in where)
                else:
                    fields[name] = {key: built[i] for key, i in where.items()}
            built.append(model(**fields))
        return built[-1]


def _report_objects(report: BaseModel) -> _ReportObjects:
    objects = _ReportObjects()
    objects.place(report)
    if objects.build() != report:
        raise AssertionError("the rebuilt report differs from the one assess made")
    return objects


_PHASE_RUNS = 30


def _phase_steps(questionnaire: Any, assessment: Any, catalogue: Any) -> list[tuple[str, Callable]]:
    """The steps of `assess` in its order, each reading what the steps before it left in
    `found`; the first builds the context, whose caches then serve the later steps, as in
    `assess` itself."""
    found: dict[str, Any] = {}
    rated = assess(questionnaire, assessment, as_of=AS_OF, catalogue=catalogue)

    def context() -> None:
        found["context"] = Context(questionnaire, assessment, AS_OF, catalogue.source_for)
        found["involved"] = set(found["context"].jurisdictions(catalogue.inputs.jurisdictions))

    def screening() -> None:
        screen(catalogue, found["context"], found["involved"])

    def inherent() -> None:
        found["inherent"] = {r.id: rate_inherent(r, found["context"]) for r in catalogue.risks}

    def statuses() -> None:
        found["statuses"] = engine._statuses(catalogue, found["context"])
        found["views"] = engine._views(catalogue, found["context"], found["statuses"])

    def residual() -> None:
        views = found["views"]
        lengths = {name: len(view) for name, view in views.items()}
        for risk in catalogue.risks:
            rate_views(risk, found["inherent"][risk.id], views["all"], lengths, found["context"])

    def measures() -> None:
        context = found["context"]
        risks, statuses, views = list(rated.risks), found["statuses"], found["views"]
        engine._measure_results(catalogue, context, statuses, risks, views)

    def findings() -> None:
        context = found["context"]
        engine._stop_findings(catalogue, context)
        engine._ai_act(catalogue, context, exposure(catalogue, context, found["involved"]))

    return [
        ("answers read into the rules' context (visibility, scope)", context),
        ("screening: Art. 35(3), WP248, national lists", screening),
        ("inherent ratings of every risk", inherent),
        ("status of every measure, and the four views", statuses),
        ("residual ratings in every view", residual),
        ("measure results and the ranking of recommendations", measures),
        ("stop findings, legal exposure, AI Act", findings),
    ]


def _assess_phases() -> Iterator[tuple[str, ...]]:
    largest = max(sorted((ROOT / "examples").glob("*.yaml")), key=lambda p: p.stat().st_size)
    questionnaire = questionnaire_for(questionnaire_ref_of(largest))
    catalogue = catalogue_for(questionnaire)
    assessment = load_answers(largest, questionnaire).assessment
    durations: dict[str, list[float]] = {}
    for _ in range(_PHASE_RUNS):
        for name, step in _phase_steps(questionnaire, assessment, catalogue):
            start = time.perf_counter()
            step()
            durations.setdefault(name, []).append(time.perf_counter() - start)
    whole = []
    for _ in range(_PHASE_RUNS):
        start = time.perf_counter()
        assess(questionnaire, assessment, as_of=AS_OF, catalogue=catalogue)
        whole.append(time.perf_counter() - start)
    total = sum(statistics.median(times) for times in durations.values())
    for name, times in durations.items():
        median = statistics.median(times)
        yield (name, readable(median), f"{median / total:.0%}")
    yield ("sum of the phases", readable(total), "")
    yield (f"assess {largest.stem}, whole", readable(statistics.median(whole)), "")


def tables() -> list[Table]:
    return [
        Table(
            "assess phase by phase, on the largest example",
            ("phase", "median", "share"),
            _assess_phases,
            (
                "each phase reads what the phases before it left, in assess's order; the "
                "measure phase is given the risk results of a report built before the timing",
            ),
        )
    ]
