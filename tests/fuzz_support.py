"""What every fuzzed input must get: accepted, or refused with a clear message, in bounded time.

Each surface runs its input through `outcome`, which sorts it into one of four bins:

- accepted: the step finished;
- refused: it raised one of dpia's own errors whose message names a place to change (a file,
  field, option or limit) and is no traceback;
- traceback: anything else escaped, or a refusal said nothing usable;
- over-limit: the step took longer than `SECONDS` or the process grew past `PEAK_MIB`.

The suite fails on the last two. `FUZZ_EXAMPLES` sets the examples per surface (30 in the
default suite; `make fuzz` runs 1,000 on each of ten surfaces and prints the tally).
"""

from __future__ import annotations

import os
import resource
import time
import traceback
from collections import Counter
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings

from dpia import DPIAError
from dpia._errors import ValidationFailed

__all__ = ["PEAK_MIB", "SECONDS", "TALLY", "fuzzed", "outcome"]

SECONDS = 20.0
PEAK_MIB = 1536
TALLY: Counter[str] = Counter()
FAULTS: list[str] = []


def fuzzed(test: Callable[..., Any]) -> Callable[..., Any]:
    """The settings every fuzz surface runs under."""
    return settings(
        max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                               HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )(test)  # fmt: skip


def _names_something(message: str) -> bool:
    """A refusal must be a sentence about the input, not a bare exception name or a traceback."""
    text = message.strip()
    return len(text) >= 12 and "Traceback" not in text and " " in text


def outcome(surface: str, step: Callable[[], Any]) -> str:
    """Run one fuzzed input through `step` and record its bin; returns the bin."""
    started = time.monotonic()
    verdict = "accepted"
    try:
        step()
    except ValidationFailed as exc:
        problems = [p for p in exc.problems if p.severity == "error"]
        usable = problems and all(_names_something(str(p)) and p.message for p in problems)
        verdict = "refused" if usable else "traceback"
        if not usable:
            FAULTS.append(f"{surface}: refusal without a message: {exc!r}")
    except DPIAError as exc:
        verdict = "refused" if _names_something(str(exc)) else "traceback"
        if verdict == "traceback":
            FAULTS.append(f"{surface}: refusal without a message: {exc!r}")
    except Exception:
        verdict = "traceback"
        FAULTS.append(f"{surface}: {traceback.format_exc(limit=-3)}")
    elapsed = time.monotonic() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if elapsed > SECONDS or peak_mib > PEAK_MIB:
        FAULTS.append(f"{surface}: {elapsed:.1f} s, peak {peak_mib:.0f} MiB")
        verdict = "over-limit"
    TALLY[verdict] += 1
    TALLY[f"{surface}:{verdict}"] += 1
    return verdict
