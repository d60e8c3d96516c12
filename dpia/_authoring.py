"""Checking what a questionnaire author writes: a questionnaire and the risk file beside it.

The two files are read together by everything that rates answers, so neither is "valid" alone:
a questionnaire whose catalogue names a question it no longer has cannot rate a single answers
file. `dpia validate` therefore checks a questionnaire with the risk file beside it, and a risk
file (`<id>.risks.yaml`) against the questionnaire beside it, instead of reading a catalogue as a
questionnaire and reporting every catalogue field as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ._errors import DPIAError
from ._vocabulary import counted
from .questionnaire import Questionnaire, load_questionnaire

__all__ = ["RISK_FILE_SUFFIX", "CheckedFile", "check_authored_file"]

RISK_FILE_SUFFIX = ".risks.yaml"


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed its checks, with what it holds in a few words; `note` says what
    its reader should know still (a questionnaire without a risk file cannot be rated)."""

    path: Path
    holds: str
    note: str = ""


def check_authored_file(path: str | Path) -> list[CheckedFile]:
    """Check a questionnaire or a risk file with its partner; raises the first file's errors
    (ValidationFailed, CatalogueError) or a DPIAError naming the partner that is missing."""
    path = Path(path)
    if path.name.endswith(RISK_FILE_SUFFIX):
        partner = path.with_name(path.name.removesuffix(RISK_FILE_SUFFIX) + ".yaml")
        if not partner.is_file():
            raise DPIAError(
                f"{path}: a risk file is checked against its questionnaire, which should be "
                f"beside it as {partner.name}; it is not there"
            )
        questionnaire = load_questionnaire(partner)
        return [
            _questionnaire_checked(partner, questionnaire),
            _risk_file_checked(path, questionnaire),
        ]
    questionnaire = load_questionnaire(path)
    risk_file = path.with_name(questionnaire.id + RISK_FILE_SUFFIX)
    if not risk_file.is_file():
        note = f"no risk file beside it ({risk_file.name}): answers to it cannot be rated yet"
        return [_questionnaire_checked(path, questionnaire, note)]
    return [
        _questionnaire_checked(path, questionnaire),
        _risk_file_checked(risk_file, questionnaire),
    ]


def _questionnaire_checked(path: Path, questionnaire: Questionnaire, note: str = "") -> CheckedFile:
    sections = counted(len(questionnaire.sections), "section")
    questions = counted(sum(1 for _ in questionnaire.questions()), "question")
    return CheckedFile(path, f"{questionnaire.ref}, {sections}, {questions}", note)


def _risk_file_checked(path: Path, questionnaire: Questionnaire) -> CheckedFile:
    from .risk import Catalogue
    from .risk._methods import read_risk_file

    read = read_risk_file(path, questionnaire)
    if isinstance(read, Catalogue):
        risks, measures = counted(len(read.risks), "risk"), counted(len(read.measures), "measure")
        return CheckedFile(path, f"risk catalogue for {questionnaire.ref}, {risks}, {measures}")
    return CheckedFile(path, f"{read.method} method for {questionnaire.ref}")
