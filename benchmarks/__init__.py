"""Timings of the operations users wait for, run with `python -m benchmarks` (or `make bench`).

Each `bench_<area>.py` module defines `cases()`, returning `(name, zero-argument callable,
repetitions)` triples; setup belongs in `cases()` so that only the callable is timed. The
numbers are for comparing one commit with the next on the same machine, never for tests: no
test asserts a duration.
"""
