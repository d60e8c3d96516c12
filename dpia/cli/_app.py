"""`dpia app` starts the web app; `dpia users` says who may do what in it.

`dpia app` brings the archive up to date, loads the examples into an empty one and starts
Streamlit. This is what `make run` does, so that a first look at dpia needs no setup: the
default archive is an SQLite file under var/, and the reference scenarios are there to open,
rate and sign. `dpia users grant|revoke|list` manages the roles of people who sign in.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from .._assessment import load_answers
from .._config import settings
from .._errors import DPIAError
from .._library import answers_questionnaire
from ..archive import (
    APP_ROLES,
    archive_engine,
    database_url,
    grant_role,
    open_archive,
    role_history,
    roles_by_person,
    upgrade_database,
)

__all__ = ["load_examples", "register"]

_ROOT = Path(__file__).resolve().parent.parent.parent
_ENTRY_POINT = _ROOT / "streamlit_app.py"
_EXAMPLES_ACTOR = "dpia app (reference examples)"


def register(subcommands: Any) -> None:
    app = subcommands.add_parser(
        "app",
    )
    app.add_argument("--port", type=int, default=8501, help="port to serve on (default: 8501)")
    app.add_argument(
        "--address",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    app.add_argument(
        "--examples",
        default=str(_ROOT / "examples"),
        metavar="DIR",
        help="answers files to load when the archive is empty (default: examples/)",
    )
    app.set_defaults(handler=_app)
    _register_users(subcommands)


def _app(args: argparse.Namespace) -> int:
    url = database_url()
    before, after = upgrade_database(archive_engine(url))
    # Printed to a terminal or a service log: the database password stays out of both.
    shown = make_url(url).render_as_string(hide_password=True)
    if before != after:
        print(f"archive {shown}: schema upgraded from {before or 'empty'} to revision {after}")
    loaded = load_examples(Path(args.examples))
    if loaded:
        print(f"archive {shown}: loaded {len(loaded)} example assessments")
    if not _ENTRY_POINT.is_file():
        raise DPIAError(f"{_ENTRY_POINT} is missing; run dpia app from a source checkout")
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(_ENTRY_POINT),
        f"--server.port={args.port}",
        f"--server.address={args.address}",
        # Headless: no browser is opened and Streamlit asks no first-run questions on stdin,
        # which would stop `make run` and any service manager; the address is printed below.
        "--server.headless=true",
        "--browser.gatherUsageStats=false",
    ]
    print(
        f"dpia: serving on http://{args.address}:{args.port}  (open it in a browser; Ctrl+C stops)",
        flush=True,
    )
    # Streamlit takes this process over, so that Ctrl+C and a service manager's stop signal
    # reach the server itself. The working directory stays the caller's: relative paths (the
    # default var/ archive, var/signing, var/trust) mean the same to the app as to every
    # other command.
    os.execv(sys.executable, command)


def load_examples(directory: Path) -> list[str]:
    """Archive each answers file as version 1 when the archive holds no assessment yet."""
    from ..workflow import law_date, version_parts

    archive = open_archive()
    if archive.assessments() or not directory.is_dir():
        return []
    loaded = []
    for path in sorted(directory.glob("*.yaml")):
        questionnaire = answers_questionnaire(path)
        assessment = load_answers(path, questionnaire).assessment
        parts = version_parts(questionnaire, assessment, as_of=law_date(assessment))
        version = archive.add_version(
            parts.answers,
            parts.report_json,
            parts.questionnaire_text,
            actor=_EXAMPLES_ACTOR,
        )
        loaded.append(version.assessment_id)
    return loaded


def _register_users(subcommands: Any) -> None:
    users = subcommands.add_parser(
        "users",
        description="Roles: "
        + "; ".join(f"{role} ({what})" for role, what in APP_ROLES.items())
        + ". Every change is kept in the archive database with who made it.",
    )
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    for name, granted, text in (
        ("grant", True, "give a person a role"),
        ("revoke", False, "withdraw a role from a person"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("email", metavar="EMAIL", help="the address they sign in with")
        action.add_argument(
            "role", choices=list(APP_ROLES), metavar="ROLE", help="one of: %(choices)s"
        )
        action.add_argument(
            "--actor",
            default=settings().actor or getpass.getuser(),
            metavar="NAME",
            help="who makes the change, for the record (default: $DPIA_ACTOR or the login name)",
        )
        action.set_defaults(handler=_change, granted=granted)
    listing = actions.add_parser("list", help="everyone with a role, or --history")
    listing.add_argument("--history", action="store_true", help="every grant and withdrawal")
    listing.set_defaults(handler=_list)


def _change(args: argparse.Namespace) -> int:
    archive = open_archive()
    grant_role(archive, args.email, args.role, actor=args.actor, granted=args.granted)
    roles = roles_by_person(archive, [args.email]).get(args.email.strip().lower(), frozenset())
    print(f"{args.email.strip().lower()}: {', '.join(sorted(roles)) or 'no role'}")
    return 0


def _list(args: argparse.Namespace) -> int:
    archive = open_archive()
    if args.history:
        for grant in role_history(archive):
            verb = "granted" if grant.granted else "revoked"
            when = f"{grant.at:%Y-%m-%d %H:%M:%S}Z"
            print(f"{when}  {grant.person}  {verb} {grant.role}  by {grant.actor}")
        return 0
    for person, roles in sorted(roles_by_person(archive).items()):
        if roles:
            print(f"{person}: {', '.join(sorted(roles))}")
    return 0
