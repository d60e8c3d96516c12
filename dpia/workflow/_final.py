"""The final document and the parts of a version: built one way, whoever builds them.

Every signatory must sign the same bytes, possibly days apart, from different sessions or
machines, so the final document is a pure function of the answers, the sign-off record, the
law date and the archived history before it: nothing of a session (key order, a date chosen
on a page, the clock) reaches it. The parts a version is archived with (answers, report,
questionnaire text) are built here too, once, for the app and the command line alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .._assessment import Assessment
from .._errors import WorkflowError
from .._library import questionnaire_path
from ..archive import VersionSummary
from ..document import EmbeddedRecord, Revision, read_record, render_docx
from ..questionnaire import Questionnaire
from ..risk import RiskReport, assess
from ._law import law_date
from ._signers import document_status, required_signers

__all__ = [
    "FinalDocument",
    "VersionParts",
    "check_document",
    "final_document",
    "signing_gaps",
    "version_parts",
]


@dataclass(frozen=True)
class VersionParts:
    """What a version is archived with, besides its document and signatures."""

    answers: dict[str, Any]
    report: RiskReport
    questionnaire_text: str

    @property
    def report_json(self) -> dict[str, Any]:
        return self.report.model_dump(mode="json")


def version_parts(
    questionnaire: Questionnaire, assessment: Assessment, *, as_of: dt.date
) -> VersionParts:
    """Rate the answers under the law of `as_of` and take the exact questionnaire text they
    answer, so the archived rating always follows from the archived answers."""
    path = questionnaire_path(questionnaire.id)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WorkflowError(f"{path}: cannot read the questionnaire: {exc.strerror}") from None
    return VersionParts(assessment.to_file(), assess(questionnaire, assessment, as_of=as_of), text)


@dataclass(frozen=True)
class FinalDocument:
    """The document the signatories sign, with what it was built from."""

    content: bytes
    file_name: str
    version: int
    status: str
    law_date: dt.date
    report: RiskReport

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def final_document(
    questionnaire: Questionnaire,
    assessment: Assessment,
    versions: Sequence[VersionSummary],
) -> FinalDocument:
    """The next version's document, as every signatory must see it.

    `versions` are the assessment's archived versions, oldest first: the document is numbered
    after them and lists them in its history.
    """
    number = versions[-1].number + 1 if versions else 1
    history = [
        Revision(version=v.number, date=v.created_at.date(), author=v.author, status=v.status.value)
        for v in versions
    ]
    applied = law_date(assessment)
    report = assess(questionnaire, assessment, as_of=applied)
    status = document_status(assessment.signoff)
    content = render_docx(
        questionnaire, assessment, report, version=number, status=status, history=history
    )
    name = f"dpia-{assessment.meta.id or 'draft'}-v{number}.docx"
    return FinalDocument(content, name, number, status, applied, report)


def signing_gaps(
    assessment_id: str | None, assessment: Assessment, *, unanswered: int
) -> list[str]:
    """What still stands between the record and a final document that can be signed."""
    gaps = []
    if unanswered:
        gaps.append(f"{unanswered} required answer{'s' * (unanswered != 1)} still missing")
    if not assessment_id:
        gaps.append("the assessment is not saved in the archive yet")
    signoff = assessment.signoff
    if signoff is None or signoff.dpo_advice is None:
        gaps.append("the DPO's advice is not recorded")
    if signoff is None or signoff.decision is None:
        gaps.append("the decision is not recorded")
        return gaps
    for person in required_signers(signoff):
        if not person.signatories:
            gaps.append(f"{person.describe()}, is not listed as a signatory with a certificate")
    return gaps


def check_document(
    document: bytes,
    assessment: Assessment,
    *,
    version: int,
) -> EmbeddedRecord:
    """The record `document` carries, refused unless it is the final document of `assessment`
    as version `version`: the same answers and sign-off record, and the status its decision
    gives it. Archiving any other document would file a text nobody decided on."""
    record = read_record(document)
    if record.answers_file != assessment.to_file():
        raise WorkflowError(
            "the document was rendered from other answers or another sign-off record than "
            "those being archived; render it again from these answers"
        )
    if record.version != version:
        raise WorkflowError(
            f"the document says it is version {record.version}, but it would be archived as "
            f"version {version}; render it again with --version {version}"
        )
    wanted = document_status(assessment.signoff)
    if record.status != wanted:
        raise WorkflowError(
            f"the document states the status {record.status!r}, but the decision in its "
            f"sign-off record gives {wanted!r}; render it again with --status {wanted}"
        )
    return record
