"""The `dpia` command line: a thin shell over the package.

Each command group lives in its own module with a `register(subcommands)` function that adds its
parsers and sets `handler`; a handler returns the exit code. Errors dpia raises on purpose (bad
input, a missing setting, a file that cannot be read) are printed as one clear message and exit
with status 2, like argparse's own usage errors; a damaged archive record exits with 1. Anything
else is a fault in dpia: the user sees one line with a short reference and exit status 1, and
the traceback goes to a log file under that reference, for a bug report.

A command's module is imported only when that command runs: `COMMANDS` below names every command
with its module and the one line `dpia --help` shows for it, so the list of commands costs no
import, and `dpia validate` never loads the archive's SQLAlchemy or the signatures' cryptography.
A module registers exactly its commands of `COMMANDS`, in that order, without a `help=` of its
own: the one-liner has its home here.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .._errors import ArchiveIntegrityError, DPIAError, ValidationFailed
from .._fault import report_fault
from . import _lifetime

__all__ = [
    "BAD_INPUT",
    "COMMANDS",
    "COMMAND_MODULES",
    "DAMAGED_RECORD",
    "INTERNAL_FAULT",
    "Command",
    "build_parser",
    "main",
]

BAD_INPUT = 2
INTERNAL_FAULT = 1
DAMAGED_RECORD = 1


@dataclass(frozen=True)
class Command:
    """A top-level command: its name, the module that reads and runs it, its one-liner."""

    name: str
    module: str
    summary: str


# The order of the flow, which is the order `dpia --help` lists them in.
COMMANDS = (
    Command(
        "validate",
        "dpia.cli._questionnaire",
        "check questionnaire files against the questionnaire format",
    ),
    Command(
        "check-answers",
        "dpia.cli._questionnaire",
        "check an answers file against its questionnaire",
    ),
    Command(
        "schema",
        "dpia.cli._questionnaire",
        "print the JSON Schema of a file format, for YAML editors",
    ),
    Command("score", "dpia.cli._scoring", "rate the risks of an answers file"),
    Command(
        "render",
        "dpia.cli._document",
        "write the Word DPIA for an answers file (and a PDF/A copy)",
    ),
    Command(
        "import",
        "dpia.cli._document",
        "restore the answers file embedded in a Word DPIA, or read a CNIL PIA export",
    ),
    Command(
        "export",
        "dpia.cli._interop",
        "write an assessment as a CNIL PIA file or as W3C DPV JSON-LD",
    ),
    Command(
        "keygen",
        "dpia.cli._signing",
        "make an encrypted signing key and a self-signed certificate (or a CSR)",
    ),
    Command("trust", "dpia.cli._signing", "manage the trusted signer certificates"),
    Command(
        "sign",
        "dpia.cli._signing",
        "sign a final document: DOC.<signer>.p7s beside a .docx, a PAdES signature inside a PDF",
    ),
    Command(
        "verify",
        "dpia.cli._signing",
        "check every DOC.*.p7s signature of DOC, or every signature inside a PDF",
    ),
    Command(
        "archive",
        "dpia.cli._archive",
        "keep every version of an assessment in a hash-chained record for legal",
    ),
    Command("db", "dpia.cli._archive", "create or migrate the archive database"),
    Command(
        "app",
        "dpia.cli._app",
        "start the web app (upgrades the archive and loads the examples into an empty one)",
    ),
    Command(
        "users", "dpia.cli._app", "give and withdraw the roles of people who sign in to the app"
    ),
)

COMMAND_MODULES = tuple(dict.fromkeys(command.module for command in COMMANDS))


class _Registration:
    """What a command module's `register` adds its commands to, checked against `COMMANDS`."""

    def __init__(self, subcommands: Any, module: str) -> None:
        self._subcommands = subcommands
        self._module = module
        self._expected = [c for c in COMMANDS if c.module == module]
        self._added = 0

    def add_parser(self, name: str, **options: Any) -> argparse.ArgumentParser:
        expected = self._expected[self._added] if self._added < len(self._expected) else None
        if expected is None or expected.name != name:
            raise RuntimeError(
                f"{self._module} registers `dpia {name}`, but COMMANDS in dpia/cli/__init__.py "
                f"lists {[c.name for c in self._expected]} for it: add the command there, with "
                "its one-liner, in the order of the flow"
            )
        if "help" in options:
            raise RuntimeError(
                f"{self._module}: the one-liner of `dpia {name}` belongs in COMMANDS in "
                "dpia/cli/__init__.py, not in add_parser(help=...)"
            )
        self._added += 1
        return self._subcommands.add_parser(name, help=expected.summary, **options)

    def check_complete(self) -> None:
        missing = [c.name for c in self._expected[self._added :]]
        if missing:
            raise RuntimeError(f"{self._module} does not register {missing} listed in COMMANDS")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or with `command`, of that command's module only.

    The other commands are still listed with their one-liners (`dpia --help` reads the same
    whichever module is loaded), but their options are unknown: only the command that runs
    needs them.
    """
    parser = argparse.ArgumentParser(
        prog="dpia",
        description="Data Protection Impact Assessments for telemetry-for-AI programmes.",
        epilog="From answers to a signed record: check-answers, score, render, sign, verify, "
        "archive add; `dpia app` does the same in a browser. `dpia COMMAND --help` says more, "
        "and README.md and docs/ explain each step.",
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    running = {c.module for c in COMMANDS if command is None or c.name == command}
    registered: set[str] = set()
    for listed in COMMANDS:
        if listed.module not in running:
            subcommands.add_parser(listed.name, help=listed.summary)
        elif listed.module not in registered:
            registered.add(listed.module)
            registration = _Registration(subcommands, listed.module)
            importlib.import_module(listed.module).register(registration)
            registration.check_complete()
    return parser


def _command_in(argv: Sequence[str]) -> str:
    """The command the arguments name: the first word that is not an option of `dpia` itself."""
    return next((word for word in argv if not word.startswith("-")), "")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command `argv` names (default: this process's own arguments) and return its
    exit status; run as the process's command, it also tunes the collector (`_lifetime`)."""
    words = sys.argv[1:] if argv is None else list(argv)
    if argv is not None:
        return _run(words, build_parser(_command_in(words)))
    _lifetime.as_process()
    with _lifetime.loading():
        parser = build_parser(_command_in(words))
    return _run(words, parser)


def _run(words: list[str], parser: argparse.ArgumentParser) -> int:
    args = parser.parse_args(words)
    try:
        return int(args.handler(args) or 0)
    except ValidationFailed as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return BAD_INPUT
    except ArchiveIntegrityError as exc:
        # Not the input and not dpia's code: the stored record itself is damaged.
        print(f"dpia: {exc}", file=sys.stderr)
        return DAMAGED_RECORD
    except DPIAError as exc:
        print(f"dpia: {exc}", file=sys.stderr)
        return BAD_INPUT
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
        return BAD_INPUT
    except Exception:
        print(f"dpia: {report_fault(f'dpia {_command_in(words)}')}", file=sys.stderr)
        return INTERNAL_FAULT
