"""Run every `benchmarks/bench_*.py` case and print a table (or JSON) of its timings.

Each case runs once untimed (imports, caches and lazy set-up land there, not in the numbers),
then `repetitions` times. The median is the figure to compare; p90 shows how bad a slow run
gets; min is the closest to the cost without noise from the rest of the machine.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import pkgutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import benchmarks

__all__ = ["Timing", "collect", "main", "measure"]

Case = tuple[str, Callable[[], object], int]


@dataclass(frozen=True)
class Timing:
    """Seconds per run of one case."""

    name: str
    median: float
    p90: float
    min: float
    runs: int


def collect(only: str = "") -> list[Case]:
    """Every case of every bench module, named `<area>/<case>`, keeping those containing `only`.

    Set-up lives in `cases()` and can be heavy (the archive builds databases of 100,000
    versions), so an `only` with a slash (`questionnaire/`) skips the other areas unopened.
    """
    found: list[Case] = []
    for module_info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda m: m.name):
        if not module_info.name.startswith("bench_"):
            continue
        area = module_info.name.removeprefix("bench_")
        if only and not _may_match(area, only):
            continue
        module = importlib.import_module(f"benchmarks.{module_info.name}")
        for entry in module.cases():
            name, run, repetitions = _checked_case(module_info.name, entry)
            full_name = f"{area}/{name}"
            if only in full_name:
                found.append((full_name, run, repetitions))
    return found


def _may_match(area: str, only: str) -> bool:
    prefix, slash, _ = only.partition("/")
    return not slash or prefix in area


def _checked_case(module: str, entry: object) -> Case:
    if not (isinstance(entry, tuple) and len(entry) == 3):
        raise SystemExit(f"benchmarks/{module}.py: cases() must return (name, callable, runs)")
    name, run, repetitions = entry
    if not isinstance(name, str) or not callable(run):
        raise SystemExit(f"benchmarks/{module}.py: case {name!r} needs a name and a callable")
    if not isinstance(repetitions, int) or repetitions < 1:
        raise SystemExit(f"benchmarks/{module}.py: case {name!r}: runs must be a whole number >= 1")
    return name, run, repetitions


def measure(name: str, run: Callable[[], object], repetitions: int) -> Timing:
    run()
    durations: list[float] = []
    for _ in range(repetitions):
        start = time.perf_counter_ns()
        run()
        durations.append((time.perf_counter_ns() - start) / 1e9)
    durations.sort()
    nearest_rank = max(math.ceil(0.9 * len(durations)) - 1, 0)
    return Timing(
        name=name,
        median=statistics.median(durations),
        p90=durations[nearest_rank],
        min=durations[0],
        runs=repetitions,
    )


def _readable(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _table(timings: Sequence[Timing]) -> str:
    header = ("case", "median", "p90", "min", "runs")
    rows = [
        (t.name, _readable(t.median), _readable(t.p90), _readable(t.min), str(t.runs))
        for t in timings
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        figures = (cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))
        lines.append("  ".join([row[0].ljust(widths[0]), *figures]))
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Time dpia's slow paths."
    )
    parser.add_argument(
        "--json", action="store_true", help="print JSON (times in seconds) instead of a table"
    )
    parser.add_argument(
        "--only", default="", metavar="SUBSTRING", help="run only cases whose name contains this"
    )
    args = parser.parse_args(argv)
    cases = collect(args.only)
    if not cases:
        print(f"no benchmark case matches {args.only!r}", file=sys.stderr)
        return 1
    timings = []
    for name, run, repetitions in cases:
        if not args.json:
            print(f"running {name} ({repetitions} runs)", file=sys.stderr)
        timings.append(measure(name, run, repetitions))
    if args.json:
        print(json.dumps([asdict(t) for t in timings], indent=2))
    else:
        print(_table(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
