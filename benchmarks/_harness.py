"""What a benchmark is, how it is timed and how it is judged.

A figure is only worth reading beside what the libraries underneath cost on the same machine at
the same moment: the machine is shared, and a run that is slow because a test suite is running
next to it is slow for the baseline too. So a `Case` with a `Baseline` is timed in alternation,
case, baseline, baseline, case, ..., both medians come from the same minutes, and the target
is a ratio between them. Some targets are absolute (`dpia --help` within 0.3 s here); those are
judged on the case's own median and are only as steady as the machine.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

__all__ = ["Baseline", "Case", "Result", "Table", "Target", "Timing", "measure", "readable"]


@dataclass(frozen=True)
class Target:
    """At most `ratio` times the baseline, and/or at most `seconds`; `source` says who set it."""

    ratio: float | None = None
    seconds: float | None = None
    source: str = ""

    def describe(self) -> str:
        parts = []
        if self.ratio is not None:
            parts.append(f"≤ {self.ratio:g}×")
        if self.seconds is not None:
            parts.append(f"≤ {readable(self.seconds)}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Baseline:
    """The same work done by the libraries dpia builds on, without dpia."""

    name: str
    run: Callable[[], object]


@dataclass(frozen=True)
class Case:
    """One figure: a zero-argument callable whose set-up is already done, timed `runs` times.

    `warm=False` skips the untimed first run, for a case too long to run twice.
    """

    name: str
    run: Callable[[], object]
    runs: int
    baseline: Baseline | None = None
    target: Target | None = None
    warm: bool = True


@dataclass(frozen=True)
class Timing:
    """Seconds per run."""

    median: float
    p90: float
    min: float
    runs: int

    @classmethod
    def of(cls, durations: Sequence[float]) -> Timing:
        ordered = sorted(durations)
        nearest_rank = max(math.ceil(0.9 * len(ordered)) - 1, 0)
        return cls(statistics.median(ordered), ordered[nearest_rank], ordered[0], len(ordered))


@dataclass(frozen=True)
class Result:
    """A case's timing, its baseline's from the same run, and the verdict on its target."""

    name: str
    timing: Timing
    baseline: str | None = None
    baseline_timing: Timing | None = None
    target: Target | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline_timing is None or self.baseline_timing.median <= 0:
            return None
        return self.timing.median / self.baseline_timing.median

    @property
    def met(self) -> bool | None:
        """True or False against the target; None when the issue sets no target for it."""
        if self.target is None:
            return None
        checks = []
        if self.target.ratio is not None:
            checks.append(self.ratio is not None and self.ratio <= self.target.ratio)
        if self.target.seconds is not None:
            checks.append(self.timing.median <= self.target.seconds)
        return all(checks) if checks else None


@dataclass(frozen=True)
class Table:
    """A scaling table: a title, column headings, and rows produced (and timed) when asked."""

    title: str
    columns: tuple[str, ...]
    rows: Callable[[], Iterator[tuple[str, ...]]]
    notes: tuple[str, ...] = field(default=())


def _once(run: Callable[[], object]) -> float:
    start = time.perf_counter_ns()
    run()
    return (time.perf_counter_ns() - start) / 1e9


def measure(case: Case) -> Result:
    """Time a case (and its baseline, alternately) after one untimed run of each.

    The untimed run takes what only happens once in a process (imports, caches, lazy set-up);
    alternating the order each round spreads a burst of load over both sides.
    """
    if case.warm:
        case.run()
    if case.baseline is None:
        timing = Timing.of([_once(case.run) for _ in range(case.runs)])
        return Result(case.name, timing, target=case.target)
    if case.warm:
        case.baseline.run()
    mine: list[float] = []
    theirs: list[float] = []
    for round_number in range(case.runs):
        if round_number % 2:
            theirs.append(_once(case.baseline.run))
            mine.append(_once(case.run))
        else:
            mine.append(_once(case.run))
            theirs.append(_once(case.baseline.run))
    return Result(case.name, Timing.of(mine), case.baseline.name, Timing.of(theirs), case.target)


def readable(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"
