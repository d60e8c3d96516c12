"""Start-up: what a user waits for before a command does anything, as whole processes.

`dpia --help` is the floor of every command: the interpreter, `import dpia.cli`, argparse. It
is set beside `python -c pass` (the interpreter alone) and beside importing the four libraries
the questionnaire and the document need (python-docx, pydantic, Jinja2, PyYAML), which is what
a command that used them all would pay at the least. `dpia validate` reads the questionnaire,
kept compiled in the cache folder after the first run; it has no target yet. `dpia score` of the
largest example is timed without a cache (an empty `DPIA_CACHE_DIR` each run: everything parsed,
checked and written to the cache) and with the questionnaire and catalogue kept compiled by an
earlier run, as every run after the first.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks._cache_dirs import cache_environment, empty_cache, warm_cache
from benchmarks._harness import Baseline, Case, Target

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRE = ROOT / "questionnaires" / "telemetry-for-ai.yaml"
_SCRIPT = Path(sys.executable).with_name("dpia")
DPIA = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "dpia"]
ISSUE = (
    "issue 18, point 1: `dpia --help` ≤ 0.3 s here; the issue measured 1.1 s as 32× "
    "`python -c pass` (34 ms) and 5.6× the import (0.2 s), so 0.3 s is 9× and 1.5×"
)


def _process(command: Sequence[str], cache: Callable[[], Path] | None = None) -> Callable[[], None]:
    def run() -> None:
        environment = None if cache is None else cache_environment(cache())
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=environment)

    return run


def cases() -> list[Case]:
    bare = Baseline("python -c pass", _process([sys.executable, "-c", "pass"]))
    stack = Baseline(
        "python: import docx, pydantic, jinja2, yaml",
        _process([sys.executable, "-c", "import docx, pydantic, jinja2, yaml"]),
    )
    validate = [*DPIA, "validate", str(QUESTIONNAIRE)]
    example = max((ROOT / "examples").glob("*.yaml"), key=lambda path: path.stat().st_size)
    score = [*DPIA, "score", str(example)]
    warm = warm_cache()
    return [
        Case("dpia --help", _process([*DPIA, "--help"]), 30, bare, Target(9, 0.3, ISSUE)),
        Case("dpia --help", _process([*DPIA, "--help"]), 20, stack, Target(1.5, source=ISSUE)),
        Case(f"dpia validate {QUESTIONNAIRE.name}", _process(validate), 10, stack),
        Case(f"dpia score {example.name}, without cache", _process(score, empty_cache), 7,
             stack),
        Case(f"dpia score {example.name}, warm cache", _process(score, lambda: warm), 7, stack),
    ]  # fmt: skip
