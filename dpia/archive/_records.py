"""What the archive hands back: frozen records, never live rows, so callers cannot edit history.

The workflow of a version is fixed here in one table so that the store, the CLI and the app
agree on it: draft → in_review → approved | rejected → superseded. Approved and rejected come
only from freezing a signed version (`Archive.freeze`, called by `dpia.workflow.freeze`).
"""

import datetime as dt
import json
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = [
    "DECIDED_STATUSES",
    "TRANSITIONS",
    "AssessmentSummary",
    "AuditAction",
    "AuditEvent",
    "ChainBreak",
    "ChainReport",
    "CheckpointSummary",
    "Draft",
    "StatusChange",
    "StoredVersion",
    "VersionStatus",
    "VersionSummary",
]


class VersionStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


TRANSITIONS: dict[VersionStatus, frozenset[VersionStatus]] = {
    VersionStatus.DRAFT: frozenset({VersionStatus.IN_REVIEW}),
    VersionStatus.IN_REVIEW: frozenset({VersionStatus.APPROVED, VersionStatus.REJECTED}),
    VersionStatus.APPROVED: frozenset({VersionStatus.SUPERSEDED}),
    VersionStatus.REJECTED: frozenset({VersionStatus.SUPERSEDED}),
    VersionStatus.SUPERSEDED: frozenset(),
}
DECIDED_STATUSES: frozenset[VersionStatus] = frozenset(
    {VersionStatus.APPROVED, VersionStatus.REJECTED, VersionStatus.SUPERSEDED}
)
"""Statuses no one sets by hand: a decision gives them at a freeze, or a later approval does."""


class AuditAction(StrEnum):
    """Every kind of audit row; the names are stable because auditors filter on them."""

    ASSESSMENT_CREATED = "assessment.created"
    DRAFT_SAVED = "draft.saved"
    VERSION_ADDED = "version.added"
    STATUS_CHANGED = "status.changed"
    VERSION_EXPORTED = "version.exported"
    VERSION_FROZEN = "version.frozen"
    SIGNOFF_WITHDRAWN = "signoff.withdrawn"
    CONDITION_TRACKED = "condition.tracked"
    ARCHIVE_UPGRADED = "archive.upgraded"


class _Frozen(BaseModel):
    # Validator built on first use: a command validates few of these models, and one
    # held by another is validated within it, so building each at import is wasted.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class StatusChange(_Frozen):
    number: int
    status: VersionStatus
    actor: str
    at: dt.datetime
    note: str = ""


class VersionSummary(_Frozen):
    """A version without its payload: enough to list, compare hashes and follow the workflow."""

    assessment_id: str
    number: int
    questionnaire: str
    questionnaire_sha256: str
    author: str
    created_at: dt.datetime
    review_due: dt.date | None
    document_sha256: str | None
    signatures: dict[str, str]
    signed_pdf_sha256: str | None = None
    content_sha256: str
    prev_chain_hash: str
    chain_hash: str
    status_history: tuple[StatusChange, ...]

    @property
    def status(self) -> VersionStatus:
        return self.status_history[-1].status


class StoredVersion(VersionSummary):
    """A version with everything it was archived with, as exported to a bag."""

    answers_json: str
    report_json: str
    questionnaire_text: str
    document: bytes | None
    signature_files: dict[str, bytes]
    signed_pdf: bytes | None = None

    @property
    def answers(self) -> dict[str, Any]:
        return json.loads(self.answers_json)

    @property
    def report(self) -> dict[str, Any]:
        return json.loads(self.report_json)


class AssessmentSummary(_Frozen):
    """One line of the archive's list; `status` and `review_due` are those of the latest version."""

    id: str
    title: str
    organisation: str
    latest_version: int
    status: VersionStatus | None
    review_due: dt.date | None
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime

    @classmethod
    def listed(cls, values: dict[str, Any]) -> "AssessmentSummary":
        """A line from values already of the right types, as the listing query gives them.

        This is `model_construct` without its per-field bookkeeping, which at ten thousand
        lines costs more than reading them: the record is the same frozen model, with every
        field set.
        """
        line = _new(cls)
        _set(line, "__dict__", values)
        # One set for every line: pydantic copies it before it ever changes it (model_copy).
        _set_fields_set(line, _LISTED_FIELDS)
        _set_extra(line, None)
        _set_private(line, None)
        return line


_LISTED_FIELDS = set(AssessmentSummary.model_fields)
_new = object.__new__
_set = object.__setattr__
# pydantic keeps these three in slots of BaseModel: setting each through its slot is what
# object.__setattr__ does, without looking the name up on the class for every line (a tenth of
# the time a line of ten thousand takes to build).
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


class Draft(_Frozen):
    """Answers still being edited; `revision` must be sent back with the next save."""

    assessment_id: str
    answers: dict[str, Any]
    revision: int
    updated_at: dt.datetime
    updated_by: str


class AuditEvent(_Frozen):
    at: dt.datetime
    actor: str
    action: AuditAction
    assessment_id: str | None
    version_number: int | None
    details: dict[str, Any]


class ChainBreak(_Frozen):
    """One place where the stored record no longer matches its hashes or its checkpoint; an
    archive-wide problem (the audit log, a checkpoint) names no assessment."""

    assessment_id: str | None
    number: int | None
    problem: str

    def __str__(self) -> str:
        if self.assessment_id is None:
            return self.problem
        where = (
            self.assessment_id if self.number is None else f"{self.assessment_id} v{self.number}"
        )
        return f"{where}: {self.problem}"


class CheckpointSummary(_Frozen):
    """The checkpoint a verification was anchored on."""

    sequence: int
    at: dt.datetime
    key_sha256: str
    copied_to: str
    timestamp: str | None = None


class ChainReport(_Frozen):
    """What `verify` found: `breaks` lists each problem (at most a thousand; `omitted` counts
    the rest), `notes` what a reader should know that is not a break."""

    assessments: int
    versions: int
    breaks: tuple[ChainBreak, ...]
    omitted: int = 0
    checkpoint: CheckpointSummary | None = None
    notes: tuple[str, ...] = ()

    @property
    def intact(self) -> bool:
        return not self.breaks
