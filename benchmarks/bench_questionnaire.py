"""The questionnaire engine: reading and checking the questionnaire, and checking answers.

These are the costs behind `dpia validate`, `dpia check-answers`, the wizard's first page and
every rerun that recomputes which questions are shown. Loading is set beside parsing the same
YAML alone (PyYAML, what any reader of the file pays); issue 18 sets its target on the process
(`dpia validate` in the cli area), not here. Loading is timed as a new process without a cache
(every condition parsed and checked, the entry written), as a new process with the
questionnaire kept compiled in the cache folder, and again in the same process.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks._cache_dirs import as_new_process, empty_cache, in_cache, warm_cache
from benchmarks._harness import Baseline, Case
from dpia import load_answers, load_questionnaire
from dpia._conditions import _checked
from dpia._library import questionnaire_ref_of
from dpia._source import read_source
from dpia.questionnaire._loader import _conditions

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

    def load_new() -> None:
        as_new_process()
        loaded = load_questionnaire(QUESTIONNAIRE)
        # What the first page needs: every condition ready to run.
        for expression in _conditions(loaded):
            _checked(expression)

    warm = warm_cache()
    return [
        Case(f"load and validate {QUESTIONNAIRE.name}, as a new process without cache",
             in_cache(empty_cache, load_new), 10, parse),
        Case(f"load {QUESTIONNAIRE.name} kept compiled, as a new process",
             in_cache(lambda: warm, load_new), 20, parse),
        Case(f"load {QUESTIONNAIRE.name} kept compiled again, in the process",
             in_cache(lambda: warm, lambda: load_questionnaire(QUESTIONNAIRE)), 20, parse),
        Case(f"check answers {answers_path.name}",
             lambda: load_answers(answers_path, questionnaire, require_complete=True), 50),
        Case(f"visibility of every question for {answers_path.name}",
             lambda: questionnaire.visibility(answers), 200),
    ]  # fmt: skip
