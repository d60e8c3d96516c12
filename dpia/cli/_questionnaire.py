"""`dpia validate`, `dpia check-answers` and `dpia schema`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .._assessment import AnswersFile, load_answers
from .._errors import DPIAError, ValidationFailed
from .._library import questionnaire_for, questionnaire_ref_of
from ..questionnaire import Questionnaire, load_questionnaire


def register(subcommands: Any) -> None:
    validate = subcommands.add_parser(
        "validate", help="check questionnaire files against the questionnaire format"
    )
    validate.add_argument("paths", nargs="+", metavar="PATH")
    validate.set_defaults(handler=_validate)

    check = subcommands.add_parser(
        "check-answers", help="check an answers file against its questionnaire"
    )
    check.add_argument("answers", metavar="ANSWERS")
    check.set_defaults(handler=_check_answers)

    schema = subcommands.add_parser("schema", help="print a JSON Schema for editors")
    schema.add_argument("kind", choices=["questionnaire", "answers"])
    schema.set_defaults(handler=_schema)


def _validate(args: argparse.Namespace) -> int:
    failed = False
    for path in args.paths:
        try:
            questionnaire = load_questionnaire(path)
        except ValidationFailed as exc:
            failed = True
            for problem in exc.problems:
                print(problem, file=sys.stderr)
        except DPIAError as exc:
            failed = True
            print(exc, file=sys.stderr)
        else:
            count = sum(1 for _ in questionnaire.questions())
            print(
                f"{path}: OK: {questionnaire.ref}, {len(questionnaire.sections)} sections, "
                f"{count} questions"
            )
    return 1 if failed else 0


def _check_answers(args: argparse.Namespace) -> int:
    questionnaire = questionnaire_for(questionnaire_ref_of(args.answers))
    check = load_answers(args.answers, questionnaire, require_complete=True)
    for warning in check.warnings:
        print(warning, file=sys.stderr)
    print(
        f"{args.answers}: OK: {questionnaire.ref}, {len(check.assessment.answers)} answers, "
        f"required questions answered {check.required_answered}/{check.required_total}, "
        f"{len(check.warnings)} warning{'s' if len(check.warnings) != 1 else ''}"
    )
    return 0


def _schema(args: argparse.Namespace) -> int:
    model: Any = Questionnaire if args.kind == "questionnaire" else AnswersFile
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"dpia {args.kind} file"
    json.dump(schema, sys.stdout, indent=2, sort_keys=True)
    print()
    return 0
