"""The `dpia` command line: a thin shell over the package.

Each command group lives in its own module with a `register(subcommands)` function that adds its
parsers and sets `handler`; a handler returns the exit code. Errors dpia raises on purpose are
printed as one clear message (exit 1); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .._errors import DPIAError, ValidationFailed

__all__ = ["COMMAND_MODULES", "build_parser", "main"]

COMMAND_MODULES = (
    "dpia.cli._questionnaire",
    "dpia.cli._scoring",
    "dpia.cli._document",
    "dpia.cli._interop",
    "dpia.cli._signing",
    "dpia.cli._archive",
    "dpia.cli._app",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dpia",
        description="Data Protection Impact Assessments for telemetry-for-AI programmes.",
        epilog="From answers to a signed record: check-answers, score, render, sign, verify, "
        "archive add; `dpia app` does the same in a browser. `dpia COMMAND --help` says more, "
        "and README.md and docs/ explain each step.",
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except ValidationFailed as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except DPIAError as exc:
        print(f"dpia: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`dpia schema ... | head`): nothing left to say to it.
        sys.stderr.close()
        return 0
    except OSError as exc:
        # A file the user named cannot be read or written: say which and why, no traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"dpia: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
