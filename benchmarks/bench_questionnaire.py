"""The questionnaire engine: reading and checking the questionnaire, and checking answers.

These are the costs behind `dpia validate`, `dpia check-answers`, the wizard's first page and
every rerun that recomputes which questions are shown. Loading is set beside parsing the same
YAML alone (PyYAML, what any reader of the file pays); issue 18 sets its target on the process
(`dpia validate` in the cli area) and on the compile cache of a later round, not here.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks._harness import Baseline, Case
from dpia import load_answers, load_questionnaire
from dpia._conditions import _checked
from dpia._library import questionnaire_ref_of
from dpia._source import read_source

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "questionnaires" / "telemetry-for-ai.yaml"
QUESTIONNAIRE = REAL if REAL.is_file() else ROOT / "tests" / "fixtures" / "mini.yaml"
_EXAMPLES = sorted((ROOT / "examples").glob("*.yaml")) if REAL.is_file() else []


def _answers_and_questionnaire() -> tuple[Path, Path]:
    """The largest example that answers the questionnaire timed here, or the test fixture."""
    questionnaire = load_questionnaire(QUESTIONNAIRE)
    matching = [path for path in _EXAMPLES if questionnaire_ref_of(path) == questionnaire.ref]
    if matching:
        return max(matching, key=lambda path: path.stat().st_size), QUESTIONNAIRE
    fixtures = ROOT / "tests" / "fixtures"
    return fixtures / "answers" / "all-types.yaml", fixtures / "all-types.yaml"


def cases() -> list[Case]:
    answers_path, answers_questionnaire = _answers_and_questionnaire()
    questionnaire = load_questionnaire(answers_questionnaire)
    answers = load_answers(answers_path, questionnaire).assessment.answers
    parse = Baseline(f"PyYAML: parse {QUESTIONNAIRE.name}", lambda: read_source(QUESTIONNAIRE))

    def load_cold() -> None:
        # A fresh process: every condition is parsed and compiled again.
        _checked.cache_clear()
        load_questionnaire(QUESTIONNAIRE)

    return [
        Case(f"load and validate {QUESTIONNAIRE.name}", lambda: load_questionnaire(QUESTIONNAIRE),
             20, parse),
        Case(f"load and validate {QUESTIONNAIRE.name}, conditions uncompiled", load_cold, 10,
             parse),
        Case(f"check answers {answers_path.name}",
             lambda: load_answers(answers_path, questionnaire, require_complete=True), 50),
        Case(f"visibility of every question for {answers_path.name}",
             lambda: questionnaire.visibility(answers), 200),
    ]  # fmt: skip
