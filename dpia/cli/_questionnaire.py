"""`dpia validate`, `dpia check-answers` and `dpia schema`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .._assessment import AnswersFile, load_answers
from .._authoring import check_authored_file
from .._errors import DPIAError, ValidationFailed
from .._library import answers_questionnaire, questionnaire_for
from .._vocabulary import counted
from ..questionnaire import Questionnaire
from . import BAD_INPUT

__all__ = ["register"]


def register(subcommands: Any) -> None:
    validate = subcommands.add_parser("validate")
    validate.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="questionnaire YAML files, each checked with the risk file beside it "
        "(<id>.risks.yaml), or risk files, each checked against the questionnaire beside it",
    )
    validate.set_defaults(handler=_validate)

    check = subcommands.add_parser("check-answers")
    check.add_argument("answers", metavar="ANSWERS", help="the answers YAML file")
    check.add_argument(
        "--draft",
        action="store_true",
        help="accept a draft: unanswered required questions are counted, not refused",
    )
    check.set_defaults(handler=_check_answers)

    schema = subcommands.add_parser("schema")
    schema.add_argument(
        "kind", choices=["questionnaire", "answers"], help="the file format to describe"
    )
    schema.add_argument(
        "--questionnaire",
        metavar="ID",
        help="for answers: list every question of this questionnaire (id or id@version) with "
        "its type and options",
    )
    schema.set_defaults(handler=_schema)


def _validate(args: argparse.Namespace) -> int:
    failed = False
    for path in args.paths:
        try:
            checked = check_authored_file(path)
        except ValidationFailed as exc:
            failed = True
            for problem in exc.problems:
                print(problem, file=sys.stderr)
        except DPIAError as exc:
            failed = True
            print(exc, file=sys.stderr)
        else:
            for file in checked:
                print(f"{file.path}: OK: {file.holds}")
                if file.note:
                    print(f"{file.path}: {file.note}", file=sys.stderr)
    return BAD_INPUT if failed else 0


def _check_answers(args: argparse.Namespace) -> int:
    questionnaire = answers_questionnaire(args.answers)
    check = load_answers(args.answers, questionnaire, require_complete=not args.draft)
    for problem in (*check.notes, *check.warnings):
        print(problem, file=sys.stderr)
    answers = counted(len(check.assessment.answers), "answer")
    migrated = ""
    if check.migrated_from:
        migrated = f", migrated from {check.migrated_from} ({counted(len(check.notes), 'note')})"
    print(
        f"{args.answers}: OK: {questionnaire.ref}, {answers}, "
        f"required questions answered {check.required_answered}/{check.required_total}, "
        f"{counted(len(check.warnings), 'warning')}{migrated}"
    )
    if check.missing:
        print(f"still to answer: {', '.join(check.missing)}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    if args.questionnaire:
        if args.kind != "answers":
            raise DPIAError("--questionnaire goes with `dpia schema answers`")
        from ..interop import answers_schema

        schema = answers_schema(questionnaire_for(args.questionnaire))
        # In questionnaire order, so an editor lists the questions as the wizard asks them.
        json.dump(schema, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    model: Any = Questionnaire if args.kind == "questionnaire" else AnswersFile
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"dpia {args.kind} file"
    json.dump(schema, sys.stdout, indent=2, sort_keys=True)
    print()
    return 0
