"""The archive as one object: open it once, then record and read assessments through it.

Every method is one transaction. Writes take the write lock up front (see `_database`), reads
see one consistent snapshot; nothing returned is live, so holding a record never holds a lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from .._errors import ArchiveError
from ._anchor import anchor_for
from ._checkpoint import Checkpoint
from ._database import (
    archive_engine,
    reading,
    refuse_unknown_revision,
    schema_revisions,
    upgrade_database,
    writing,
)
from ._export_log import ExportLog, log_export
from ._ledger import ledger
from ._lookup import (
    audit_trail,
    draft_times,
    holding_document,
    list_assessments,
    load_draft,
    stored_version,
    version_summaries,
)
from ._recording import add_version, record_event, save_draft, set_status
from ._records import (
    DECIDED_STATUSES,
    AssessmentSummary,
    AuditAction,
    AuditEvent,
    ChainReport,
    Draft,
    StatusChange,
    StoredVersion,
    VersionStatus,
    VersionSummary,
)
from ._schema import checkpoints
from ._verify import verify_chains

__all__ = ["Archive", "open_archive"]


def open_archive(url: str | None = None) -> Archive:
    """Open the archive at `url` (default: `DPIA_DATABASE_URL`, else `var/dpia.sqlite3`).

    An empty database is given the schema on first use, so trying dpia needs no setup step. A
    database at an older schema revision is refused instead: migrating a shared archive is a
    decision for its operator (`dpia db upgrade`), not a side effect of someone's first click.
    """
    engine = archive_engine(url)
    current, head = schema_revisions(engine)
    if current is None:
        upgrade_database(engine)
    elif current != head:
        refuse_unknown_revision(current)
        raise ArchiveError(
            f"the archive database is at schema revision {current}, this dpia needs {head}; "
            "run `dpia db upgrade` (back the database up first)"
        )
    return Archive(engine)


def _status(value: VersionStatus | str) -> VersionStatus:
    try:
        return VersionStatus(value)
    except ValueError:
        allowed = ", ".join(s.value for s in VersionStatus)
        raise ArchiveError(f"unknown status {value!r}; allowed: {allowed}") from None


class Archive:
    """Assessments, their drafts, their immutable versions and the audit log."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def add_version(
        self,
        answers: Mapping[str, Any],
        report: Mapping[str, Any],
        questionnaire_text: str,
        *,
        actor: str,
        document: bytes | None = None,
        signatures: Mapping[str, bytes] | None = None,
        review_due: dt.date | None = None,
    ) -> VersionSummary:
        """Archive a new version.

        `answers` is the answers-file mapping (`Assessment.to_file()`); when its
        `assessment.id` is empty a new assessment is created, otherwise the version is added to
        that assessment. `report` is the risk report as JSON, `questionnaire_text` the exact
        text of the questionnaire file answered, `signatures` maps each signer to the bytes of
        their detached signature over `document`. `review_due` defaults to one year after the
        assessment date.
        """
        with writing(self.engine) as connection:
            assessment_id, number = add_version(
                connection,
                answers=answers,
                report=report,
                questionnaire_text=questionnaire_text,
                document=document,
                signature_files=signatures or {},
                actor=actor,
                review_due=review_due,
            )
        return self.version_summary(assessment_id, number)

    def save_draft(
        self, answers: Mapping[str, Any], *, actor: str, revision: int | None = None
    ) -> Draft:
        """Save answers being edited. Pass the `revision` of the draft you loaded; if someone
        saved since, StaleDraftError is raised and nothing is written."""
        with writing(self.engine) as connection:
            return save_draft(connection, answers=answers, actor=actor, revision=revision)

    def set_status(
        self,
        assessment_id: str,
        number: int,
        status: VersionStatus | str,
        *,
        actor: str,
        note: str = "",
    ) -> StatusChange:
        """Move a version along the workflow by hand: only into review.

        Approved and rejected record a decision, so they come only from `freeze`, with the
        signatures that prove the decision; superseded follows from a later approval.
        """
        wanted = _status(status)
        if wanted in DECIDED_STATUSES:
            raise ArchiveError(
                f"{wanted} is not set by hand: it comes only from freezing a signed version "
                f"(dpia archive freeze {assessment_id} --document DOC.docx, or Freeze on the "
                "Review & sign-off page), which checks the signatures the decision needs"
            )
        with writing(self.engine) as connection:
            at = set_status(connection, assessment_id, number, wanted, actor=actor, note=note)
        return StatusChange(number=number, status=wanted, actor=actor.strip(), at=at, note=note)

    def freeze(
        self,
        answers: Mapping[str, Any],
        report: Mapping[str, Any],
        questionnaire_text: str,
        *,
        actor: str,
        document: bytes,
        signatures: Mapping[str, bytes],
        status: VersionStatus,
        note: str,
        evidence: Mapping[str, Any],
        number: int,
        review_due: dt.date | None = None,
        signed_pdf: bytes | None = None,
    ) -> VersionSummary:
        """Archive a signed version as version `number` and move it to its decided status, in
        one transaction; nothing is written if `number` is no longer the next version.
        `signed_pdf` is the document's PDF/A with the PAdES signatures inside it.

        The caller has checked the signatures against the trust store (`dpia.workflow.freeze`
        does, and is the one caller); `evidence` says what was checked (who signed in which
        role, with which certificate) and is kept in the audit log with the freeze.
        """
        with writing(self.engine) as connection:
            assessment_id, added = add_version(
                connection,
                answers=answers,
                report=report,
                questionnaire_text=questionnaire_text,
                document=document,
                signature_files=signatures,
                actor=actor,
                review_due=review_due,
                signed_pdf=signed_pdf,
            )
            if added != number:
                raise ArchiveError(
                    f"{assessment_id} gained version {added - 1} while this one was being "
                    f"signed as version {number}; nothing was frozen: build the final document "
                    "again and sign it"
                )
            signed = "signed by every signatory the decision needs"
            if status is VersionStatus.IN_REVIEW:
                set_status(
                    connection, assessment_id, number, status, actor=actor, note=f"{note}; {signed}"
                )
            else:
                set_status(
                    connection,
                    assessment_id,
                    number,
                    VersionStatus.IN_REVIEW,
                    actor=actor,
                    note=signed,
                )
                set_status(connection, assessment_id, number, status, actor=actor, note=note)
            record_event(
                connection,
                AuditAction.VERSION_FROZEN,
                actor=actor,
                assessment_id=assessment_id,
                version_number=number,
                details={"status": status.value, "note": note, **evidence},
            )
        return self.version_summary(assessment_id, number)

    def withdraw_signoff(
        self,
        answers: Mapping[str, Any],
        *,
        actor: str,
        revision: int | None,
        part: str,
        details: Mapping[str, Any],
    ) -> Draft:
        """Save the draft without a withdrawn part of the sign-off record, and log the
        withdrawal (what was withdrawn, by whom), in one transaction."""
        with writing(self.engine) as connection:
            draft = save_draft(connection, answers=answers, actor=actor, revision=revision)
            record_event(
                connection,
                AuditAction.SIGNOFF_WITHDRAWN,
                actor=actor,
                assessment_id=draft.assessment_id,
                version_number=None,
                details={"part": part, **details},
            )
        return draft

    def track_condition(
        self, assessment_id: str, number: int, *, actor: str, details: Mapping[str, Any]
    ) -> None:
        """Note in the audit log where a condition of version `number`'s decision stands (its
        owner, due date, whether it is met); the latest note of each condition is its state.
        `dpia.workflow.track_condition` checks who may, and what the details hold."""
        self.version_summary(assessment_id, number)  # NotFoundError for a version not archived
        with writing(self.engine) as connection:
            record_event(
                connection,
                AuditAction.CONDITION_TRACKED,
                actor=actor,
                assessment_id=assessment_id,
                version_number=number,
                details=details,
            )

    def record_export(self, version: VersionSummary, *, actor: str, target: str) -> ExportLog:
        """Note in the audit log who took a copy of a version out of the archive, and where.

        Returns what a bag needs to prove itself: the assessment's status chain, its audit
        events up to and including this one, and the checkpoint signed with it.
        """
        with writing(self.engine) as connection:
            book = ledger(connection)
            exported = log_export(connection, version, actor=actor, target=target)
        exported.checkpoint = book.sealed
        return exported

    def assessments(
        self,
        *,
        status: VersionStatus | str | None = None,
        review_due_before: dt.date | None = None,
    ) -> list[AssessmentSummary]:
        """Assessments filtered by the status and review date of their latest version."""
        wanted = None if status is None else _status(status)
        with reading(self.engine) as connection:
            return list_assessments(connection, status=wanted, review_due_before=review_due_before)

    def history(self, assessment_id: str) -> list[VersionSummary]:
        with reading(self.engine) as connection:
            return version_summaries(connection, assessment_id)

    def version_summary(self, assessment_id: str, number: int) -> VersionSummary:
        with reading(self.engine) as connection:
            return version_summaries(connection, assessment_id, number)[0]

    def version(self, assessment_id: str, number: int | None = None) -> StoredVersion:
        """A version with all its parts; the latest when `number` is None."""
        with reading(self.engine) as connection:
            return stored_version(connection, assessment_id, number)

    def versions_with_document(self, document_sha256: str) -> list[tuple[str, int]]:
        """Where these document bytes are already archived, as (assessment id, number)."""
        with reading(self.engine) as connection:
            return holding_document(connection, document_sha256)

    def draft(self, assessment_id: str) -> Draft:
        with reading(self.engine) as connection:
            return load_draft(connection, assessment_id)

    def drafts_saved(self) -> dict[str, dt.datetime]:
        """When the draft of each assessment that has one was last saved, by assessment id."""
        with reading(self.engine) as connection:
            return draft_times(connection)

    def audit_trail(self, assessment_id: str | None = None) -> list[AuditEvent]:
        with reading(self.engine) as connection:
            return audit_trail(connection, assessment_id)

    def verify(self, *, against: Iterable[str | Path] = ()) -> ChainReport:
        """Re-compute every hash and hold the chains against the latest checkpoint, and against
        each checkpoint kept elsewhere named in `against` (an exported bag, a copy file); see
        `_verify` for what a clean report proves."""
        with reading(self.engine) as connection:
            return verify_chains(connection, anchor_for(self.engine), against)

    def checkpoint(self) -> Checkpoint:
        """Sign a checkpoint of the archive as it is now, and copy it out.

        Every write does this already; this is for an archive upgraded from a revision without
        checkpoints, for a checkpoint copy that was lost (it is written again from the
        database's, which is signed), and for a fresh time-stamp. It refuses, like a write, when
        the archive no longer matches its latest checkpoint.
        """
        with writing(self.engine) as connection:
            book = ledger(connection, restoring_copy=True)
            book.forced = True
        with reading(self.engine) as connection:
            row = connection.execute(
                select(checkpoints).order_by(checkpoints.c.sequence.desc()).limit(1)
            ).one()
        return Checkpoint.parse(
            row.body_json.encode("utf-8"),
            row.signature,
            row.timestamp_token,
            where=f"checkpoint #{row.sequence}",
        )
