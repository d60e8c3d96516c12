"""The risk engine: `assess` on each example programme, the cost behind `dpia score`, the risk
page of the app and every document build.

The questionnaire, the catalogue and the answers are loaded once in `cases()`, so the timings are
the rating alone: screening, inherent and residual ratings, measure ranking, stop findings,
legal exposure and completeness. The target is absolute (1 ms on every example, issue 18 point
2): no library does this work for us, so there is no baseline to set it beside.

Before its first rating a process also pays for reading the catalogue and the answers; those
phases come first, the catalogue beside PyYAML parsing the same file: as a new process without
a cache (every condition parsed and checked, the entry written), as a new process with the
catalogue kept compiled in the cache folder (every condition made ready from its kept tree, as
the first rating needs it), and again in the same process. Reading the questionnaire is in the
questionnaire area.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from benchmarks._cache_dirs import as_new_process, empty_cache, in_cache, warm_cache
from benchmarks._harness import Baseline, Case, Target
from dpia import load_answers
from dpia._conditions import _checked, _checked_text
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia._source import read_source
from dpia.risk import assess, catalogue_for
from dpia.risk._loader import _expressions, catalogue_path, load_catalogue

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

        found.append(Case(f"assess {path.stem}", run, 100, target=TARGET))
    return found
