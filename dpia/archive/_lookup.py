"""Reading the archive back as frozen records."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Row, select

from .._errors import NotFoundError
from ._records import (
    AssessmentSummary,
    AuditEvent,
    Draft,
    StatusChange,
    StoredVersion,
    VersionStatus,
    VersionSummary,
)
from ._schema import (
    assessments,
    audit_events,
    blobs,
    drafts,
    signatures,
    version_statuses,
    versions,
)

__all__ = [
    "audit_trail",
    "holding_document",
    "list_assessments",
    "load_draft",
    "stored_version",
    "version_summaries",
]

_SUMMARY_COLUMNS = [c for c in versions.c if c.name not in ("answers_json", "report_json")]


def list_assessments(
    connection: Connection,
    *,
    status: VersionStatus | None = None,
    review_due_before: dt.date | None = None,
) -> list[AssessmentSummary]:
    query = select(assessments).order_by(assessments.c.created_at, assessments.c.id)
    if status is not None:
        query = query.where(assessments.c.status == status)
    if review_due_before is not None:
        query = query.where(assessments.c.review_due < review_due_before.isoformat())
    return [AssessmentSummary.model_validate(row._asdict()) for row in connection.execute(query)]


def _latest_number(connection: Connection, assessment_id: str) -> int:
    latest = connection.execute(
        select(assessments.c.latest_version).where(assessments.c.id == assessment_id)
    ).scalar_one_or_none()
    if latest is None:
        raise NotFoundError(f"no assessment {assessment_id!r} in the archive")
    return latest


def version_summaries(
    connection: Connection, assessment_id: str, number: int | None = None
) -> list[VersionSummary]:
    """Every version of an assessment in order, or only `number`; NotFoundError if none."""
    latest = _latest_number(connection, assessment_id)
    query = (
        select(*_SUMMARY_COLUMNS)
        .where(versions.c.assessment_id == assessment_id)
        .order_by(versions.c.number)
    )
    if number is not None:
        query = query.where(versions.c.number == number)
    rows = connection.execute(query).all()
    if not rows:
        if latest == 0:
            raise NotFoundError(f"{assessment_id} has a draft but no archived version yet")
        raise NotFoundError(f"{assessment_id} has no version {number} (latest is {latest})")
    numbers = {row.id: row.number for row in rows}
    only = [versions.c.assessment_id == assessment_id]
    if number is not None:
        only.append(versions.c.number == number)
    history: dict[int, list[StatusChange]] = defaultdict(list)
    for row in connection.execute(
        select(version_statuses)
        .join(versions, versions.c.id == version_statuses.c.version_id)
        .where(*only)
        .order_by(version_statuses.c.id)
    ):
        history[row.version_id].append(
            StatusChange(
                number=numbers[row.version_id],
                status=row.status,
                actor=row.actor,
                at=row.at,
                note=row.note,
            )
        )
    signed: dict[int, dict[str, str]] = defaultdict(dict)
    for row in connection.execute(
        select(signatures)
        .join(versions, versions.c.id == signatures.c.version_id)
        .where(*only)
        .order_by(signatures.c.signer)
    ):
        signed[row.version_id][row.signer] = row.blob_sha256
    return [_summary(row, tuple(history[row.id]), signed[row.id]) for row in rows]


def _summary(
    row: Row[Any], history: tuple[StatusChange, ...], signed: dict[str, str]
) -> VersionSummary:
    fields = {k: v for k, v in row._asdict().items() if k != "id"}
    return VersionSummary(**fields, signatures=signed, status_history=history)


def stored_version(
    connection: Connection, assessment_id: str, number: int | None = None
) -> StoredVersion:
    """A version with its payload; the latest one when `number` is None."""
    if number is None:
        number = _latest_number(connection, assessment_id) or None
    summary = version_summaries(connection, assessment_id, number)[0]
    texts = connection.execute(
        select(versions.c.answers_json, versions.c.report_json).where(
            versions.c.assessment_id == assessment_id, versions.c.number == summary.number
        )
    ).one()
    wanted = {summary.questionnaire_sha256, *summary.signatures.values()}
    if summary.document_sha256:
        wanted.add(summary.document_sha256)
    content = dict(
        connection.execute(
            select(blobs.c.sha256, blobs.c.content).where(blobs.c.sha256.in_(wanted))
        ).all()
    )
    return StoredVersion(
        **summary.model_dump(),
        answers_json=texts.answers_json,
        report_json=texts.report_json,
        questionnaire_text=bytes(content[summary.questionnaire_sha256]).decode("utf-8"),
        document=bytes(content[summary.document_sha256]) if summary.document_sha256 else None,
        signature_files={signer: bytes(content[sha]) for signer, sha in summary.signatures.items()},
    )


def holding_document(connection: Connection, document_sha256: str) -> list[tuple[str, int]]:
    """(assessment id, version number) of every version archived with these document bytes."""
    rows = connection.execute(
        select(versions.c.assessment_id, versions.c.number)
        .where(versions.c.document_sha256 == document_sha256)
        .order_by(versions.c.id)
    )
    return [(row.assessment_id, row.number) for row in rows]


def load_draft(connection: Connection, assessment_id: str) -> Draft:
    row = connection.execute(
        select(drafts).where(drafts.c.assessment_id == assessment_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no draft for assessment {assessment_id!r}")
    return Draft(
        assessment_id=row.assessment_id,
        answers=json.loads(row.answers_json),
        revision=row.revision,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def audit_trail(connection: Connection, assessment_id: str | None = None) -> list[AuditEvent]:
    query = select(audit_events).order_by(audit_events.c.id)
    if assessment_id is not None:
        query = query.where(audit_events.c.assessment_id == assessment_id)
    return [
        AuditEvent(
            at=row.at,
            actor=row.actor,
            action=row.action,
            assessment_id=row.assessment_id,
            version_number=row.version_number,
            details=json.loads(row.details_json),
        )
        for row in connection.execute(query)
    ]
