"""The risk engine: `assess` on each example programme, the cost behind `dpia score`, the risk
page of the app and every document build.

The questionnaire, the catalogue and the answers are loaded once in `cases()`, so the timings are
the rating alone: screening, inherent and residual ratings, measure ranking, stop findings,
legal exposure and completeness. The target is absolute (1 ms on every example, issue 18 point
2): no library does this work for us, so there is no baseline to set it beside.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from benchmarks._harness import Case, Target
from dpia import load_answers
from dpia._library import questionnaire_for, questionnaire_ref_of
from dpia.risk import assess, catalogue_for

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 29)
TARGET = Target(seconds=0.001, source="issue 18, point 2: `assess` ≤ 1 ms median on every example")


def cases() -> list[Case]:
    found = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        questionnaire = questionnaire_for(questionnaire_ref_of(path))
        catalogue = catalogue_for(questionnaire)
        assessment = load_answers(path, questionnaire).assessment

        def run(questionnaire=questionnaire, assessment=assessment, catalogue=catalogue) -> object:
            return assess(questionnaire, assessment, as_of=AS_OF, catalogue=catalogue)

        found.append(Case(f"assess {path.stem}", run, 100, target=TARGET))
    return found
