"""Run every `benchmarks/bench_*.py` module: figures beside their baselines, then scaling tables.

Each module defines `cases()`, a list of `Case`, and may define `tables()`, a list of `Table`.
Set-up belongs in `cases()` and `tables()`, never in the timed callables. `--only` keeps the
figures and tables whose name contains a text (`--only archive/` opens no other module).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from types import ModuleType

import benchmarks
from benchmarks._bytecode import compile_dpia
from benchmarks._harness import Case, Result, Table, measure, readable

__all__ = ["main"]


def _modules(only: str) -> Iterator[tuple[str, ModuleType]]:
    for info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda m: m.name):
        if not info.name.startswith("bench_"):
            continue
        area = info.name.removeprefix("bench_")
        prefix, slash, _ = only.partition("/")
        if slash and prefix not in area:
            continue
        yield area, importlib.import_module(f"benchmarks.{info.name}")


def _checked(area: str, entry: object) -> Case:
    if not isinstance(entry, Case):
        raise SystemExit(f"benchmarks/bench_{area}.py: cases() must return Case objects")
    if entry.runs < 1:
        raise SystemExit(f"benchmarks/bench_{area}.py: {entry.name!r}: runs must be >= 1")
    return entry


def _verdict(result: Result) -> str:
    return {True: "met", False: "NOT MET", None: "no target"}[result.met]


def _figures(results: Sequence[tuple[str, Result]]) -> str:
    header = ("figure", "median", "baseline (same run)", "median", "ratio", "target", "verdict")
    rows = [
        (
            f"{area}/{r.name}",
            readable(r.timing.median),
            r.baseline or "—",
            readable(r.baseline_timing.median) if r.baseline_timing else "—",
            f"{r.ratio:.2f}×" if r.ratio is not None else "—",
            r.target.describe() if r.target else "—",
            _verdict(r),
        )
        for area, r in results
    ]
    return _grid(header, rows, right={1, 3, 4})


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = (
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        return "  ".join(cells).rstrip()

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def _sources(results: Sequence[tuple[str, Result]]) -> list[str]:
    seen: dict[str, None] = {}
    for _, result in results:
        if result.target and result.target.source:
            seen.setdefault(result.target.source)
    return list(seen)


def _machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.python_implementation()} {platform.python_version()} on {platform.system()}, "
        f"{os.cpu_count()} cores, load average {load}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time dpia beside the libraries it builds on; see docs/benchmarks.md.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON (seconds) instead")
    parser.add_argument(
        "--only", default="", metavar="TEXT", help="only figures and tables whose name has TEXT"
    )
    parser.add_argument(
        "--no-tables", action="store_true", help="figures only, without the scaling tables"
    )
    args = parser.parse_args(argv)
    compile_dpia()
    results: list[tuple[str, Result]] = []
    tables: list[tuple[str, Table]] = []
    for area, module in _modules(args.only):
        for entry in module.cases():
            case = _checked(area, entry)
            if args.only in f"{area}/{case.name}":
                print(f"timing {area}/{case.name} ({case.runs} runs)", file=sys.stderr)
                results.append((area, measure(case)))
        if not args.no_tables and hasattr(module, "tables"):
            tables += [(area, t) for t in module.tables() if args.only in f"{area}/{t.title}"]
    if not results and not tables:
        print(f"no benchmark matches {args.only!r}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(_as_json(results, tables), indent=2))
        return 0
    print(f"dpia benchmarks: medians of repeated runs; {_machine()}\n")
    if results:
        print(_figures(results))
        print()
        for source in _sources(results):
            print(f"  {source}")
        if _sources(results):
            print()
    for area, table in tables:
        print(f"{area}: {table.title}", file=sys.stderr)
        rows = list(table.rows())
        print(f"{area}: {table.title}")
        print(_grid(table.columns, rows, right=set(range(1, len(table.columns)))))
        for note in table.notes:
            print(f"  {note}")
        print()
    judged = [(area, r) for area, r in results if r.met is not None]
    met = sum(bool(r.met) for _, r in judged)
    print(f"{met} of {len(judged)} figures with a target meet it")
    return 0


def _as_json(results: Sequence[tuple[str, Result]], tables: Sequence[tuple[str, Table]]) -> dict:
    return {
        "figures": [
            {
                "name": f"{area}/{r.name}",
                "timing": asdict(r.timing),
                "baseline": r.baseline,
                "baseline_timing": asdict(r.baseline_timing) if r.baseline_timing else None,
                "ratio": r.ratio,
                "target": asdict(r.target) if r.target else None,
                "met": r.met,
            }
            for area, r in results
        ],
        "tables": [
            {"name": f"{area}/{t.title}", "columns": t.columns, "rows": list(t.rows())}
            for area, t in tables
        ],
    }


if __name__ == "__main__":
    sys.exit(main())
