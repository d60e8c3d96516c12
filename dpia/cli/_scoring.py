"""`dpia score`: rate an answers file and print the report as text or JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from .._assessment import load_answers
from .._library import answers_questionnaire
from ..risk import RiskReport, assess
from . import _lifetime
from ._arguments import iso_date
from ._report_text import report_text

__all__ = ["register"]


def register(subcommands: Any) -> None:
    score = subcommands.add_parser("score")
    score.add_argument("answers", metavar="ANSWERS", help="the answers YAML file")
    score.add_argument(
        "--as-of",
        type=iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="apply the law in force on this date (default: the assessment's date)",
    )
    score.add_argument("--json", action="store_true", help="print the report as JSON")
    score.set_defaults(handler=_score)


def _score_file(path: str, as_of: dt.date | None) -> tuple[RiskReport, str]:
    from ..workflow import law_date

    questionnaire = answers_questionnaire(path)
    check = load_answers(path, questionnaire)
    for note in check.notes:
        print(note, file=sys.stderr)
    assessment = check.assessment
    report = assess(questionnaire, assessment, as_of=law_date(assessment, as_of=as_of))
    return report, assessment.meta.title


def _score(args: argparse.Namespace) -> int:
    report, title = _score_file(args.answers, args.as_of)
    if args.json:
        json.dump(report.model_dump(mode="json"), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print(report_text(report, title))
    _lifetime.ending()
    return 0
