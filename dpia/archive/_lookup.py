"""Reading the archive back as frozen records.

A read never trusts the listing for anything but the list itself: which versions exist and
which is the latest come from the versions table. A version whose stored parts no longer match
its record (a missing or changed blob, edited answers) is refused with ArchiveIntegrityError
naming each damaged part, instead of being handed out as if it were whole.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Row, func, select

from .._errors import ArchiveIntegrityError, NotFoundError
from ._canonical import sha256_hex
from ._driver_rows import driver_batches
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
    assessment_listing,
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
    "draft_times",
    "holding_document",
    "list_assessments",
    "load_draft",
    "stored_version",
    "version_summaries",
]

_SUMMARY_COLUMNS = [
    versions.c[name]
    for name in (
        "id",
        "assessment_id",
        "number",
        "questionnaire",
        "questionnaire_sha256",
        "author",
        "created_at",
        "review_due",
        "document_sha256",
        "signed_pdf_sha256",
        "content_sha256",
        "prev_chain_hash",
        "chain_hash",
    )
]
_LISTED = assessment_listing.c


def list_assessments(
    connection: Connection,
    *,
    status: VersionStatus | None = None,
    review_due_before: dt.date | None = None,
) -> list[AssessmentSummary]:
    """The listing, built without validation (`AssessmentSummary.listed`): every value comes
    from a typed column that the archive itself wrote, and validating would cost more than the
    query; the rows come from the driver as plain tuples."""
    query = select(
        _LISTED.assessment_id,
        _LISTED.title,
        _LISTED.organisation,
        _LISTED.latest_version,
        _LISTED.status,
        _LISTED.review_due,
        _LISTED.created_at,
        _LISTED.created_by,
        _LISTED.updated_at,
    ).order_by(_LISTED.created_at, _LISTED.assessment_id)
    if status is not None:
        query = query.where(_LISTED.status == status)
    if review_due_before is not None:
        query = query.where(_LISTED.review_due < review_due_before.isoformat())
    moment = dt.datetime.fromisoformat
    day = dt.date.fromisoformat
    status_of = {None: None, **{status.value: status for status in VersionStatus}}
    listed = AssessmentSummary.listed
    with _lines_kept():
        return [
            listed(
                {
                    "id": aid,
                    "title": title,
                    "organisation": organisation,
                    "latest_version": latest,
                    "status": status_of[state],
                    "review_due": None if due is None else day(due),
                    "created_at": moment(created),
                    "created_by": author,
                    "updated_at": moment(updated),
                }
            )
            for batch in driver_batches(connection, query)
            for aid, title, organisation, latest, state, due, created, author, updated in batch
        ]


@contextmanager
def _lines_kept() -> Iterator[None]:
    """No cyclic garbage collection while the lines are built.

    Every line built stays alive, so each few hundred of them set off a collection, and the
    older collections walk every object of the process: in a running app, far more than the
    listing itself. The lines form no cycles, so nothing is left uncollected; the collector
    is switched back on (if it was on) as soon as the list is whole.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _latest_number(connection: Connection, assessment_id: str) -> int:
    """The highest stored version number (0 for none); NotFoundError for no such assessment."""
    found = connection.execute(
        select(assessments.c.id).where(assessments.c.id == assessment_id)
    ).scalar_one_or_none()
    latest = connection.execute(
        select(func.max(versions.c.number)).where(versions.c.assessment_id == assessment_id)
    ).scalar_one()
    if found is None:
        if latest is None:
            raise NotFoundError(f"no assessment {assessment_id!r} in the archive")
        raise ArchiveIntegrityError(
            f"{assessment_id} has versions but its assessment row is missing from the archive "
            "(deleted behind dpia's back); run `dpia archive verify`"
        )
    return latest or 0


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
        select(
            version_statuses.c.version_id,
            version_statuses.c.status,
            version_statuses.c.actor,
            version_statuses.c.at,
            version_statuses.c.note,
        )
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
    return [_summary(row, history[row.id], signed[row.id]) for row in rows]


def _summary(row: Row[Any], history: list[StatusChange], signed: dict[str, str]) -> VersionSummary:
    """A version's status history starts with `draft`, set by its author when it was added.
    Archives from before revision 0003 stored that entry as a row; later ones let the version
    row stand for it."""
    if not history or history[0].status is not VersionStatus.DRAFT:
        history.insert(
            0,
            StatusChange(
                number=row.number,
                status=VersionStatus.DRAFT,
                actor=row.author,
                at=row.created_at,
                note="",
            ),
        )
    fields = {k: v for k, v in row._asdict().items() if k != "id"}
    return VersionSummary(**fields, signatures=signed, status_history=tuple(history))


def stored_version(
    connection: Connection, assessment_id: str, number: int | None = None
) -> StoredVersion:
    """A version with its payload; the latest one when `number` is None."""
    if number is None:
        number = _latest_number(connection, assessment_id) or None
    summary = version_summaries(connection, assessment_id, number)[0]
    texts = connection.execute(
        select(versions.c.answers_json, versions.c.report_json, versions.c.record_json).where(
            versions.c.assessment_id == assessment_id, versions.c.number == summary.number
        )
    ).one()
    wanted = {summary.questionnaire_sha256, *summary.signatures.values()}
    wanted |= {sha for sha in (summary.document_sha256, summary.signed_pdf_sha256) if sha}
    content = {
        sha: bytes(stored)
        for sha, stored in connection.execute(
            select(blobs.c.sha256, blobs.c.content).where(blobs.c.sha256.in_(wanted))
        )
    }
    parts = {
        "questionnaire snapshot": summary.questionnaire_sha256,
        "document": summary.document_sha256,
        "signed PDF": summary.signed_pdf_sha256,
        **{f"signature {signer!r}": sha for signer, sha in summary.signatures.items()},
    }
    damage = [
        f"the {part} (sha256 {sha}) is "
        + ("missing from the archive" if sha not in content else "changed")
        for part, sha in parts.items()
        if sha is not None and (sha not in content or sha256_hex(content[sha]) != sha)
    ]
    damage += _record_damage(summary, texts.answers_json, texts.report_json, texts.record_json)
    if damage:
        raise ArchiveIntegrityError(
            f"{assessment_id} v{summary.number} is damaged: {'; '.join(damage)}. "
            "Run `dpia archive verify`"
        )
    return StoredVersion(
        **summary.model_dump(),
        answers_json=texts.answers_json,
        report_json=texts.report_json,
        questionnaire_text=content[summary.questionnaire_sha256].decode("utf-8"),
        document=content[summary.document_sha256] if summary.document_sha256 else None,
        signature_files={signer: content[sha] for signer, sha in summary.signatures.items()},
        signed_pdf=content[summary.signed_pdf_sha256] if summary.signed_pdf_sha256 else None,
    )


def _record_damage(
    summary: VersionSummary, answers_json: str, report_json: str, record_json: str
) -> list[str]:
    """What of the version's stored row no longer matches the record its hashes cover."""
    if sha256_hex(record_json.encode("utf-8")) != summary.content_sha256:
        return ["its record no longer hashes to its content hash"]
    record = json.loads(record_json)
    expected = {
        "assessment_id": summary.assessment_id,
        "number": summary.number,
        "questionnaire": summary.questionnaire,
        "questionnaire_sha256": summary.questionnaire_sha256,
        "answers_sha256": sha256_hex(answers_json.encode("utf-8")),
        "report_sha256": sha256_hex(report_json.encode("utf-8")),
        "document_sha256": summary.document_sha256,
        "signed_pdf_sha256": summary.signed_pdf_sha256,
        "signatures": summary.signatures,
        "author": summary.author,
        "created_at": summary.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "review_due": None if summary.review_due is None else summary.review_due.isoformat(),
    }
    return [
        f"its {name.replace('_', ' ')} no longer matches its record"
        for name, value in expected.items()
        if record.get(name) != value
    ]


def holding_document(connection: Connection, document_sha256: str) -> list[tuple[str, int]]:
    """(assessment id, version number) of every version archived with these document bytes."""
    rows = connection.execute(
        select(versions.c.assessment_id, versions.c.number)
        .where(versions.c.document_sha256 == document_sha256)
        .order_by(versions.c.id)
    )
    return [(row.assessment_id, row.number) for row in rows]


def draft_times(connection: Connection) -> dict[str, dt.datetime]:
    """When each assessment's draft was last saved, in one query for the whole list."""
    rows = connection.execute(select(drafts.c.assessment_id, drafts.c.updated_at))
    return {row.assessment_id: dt.datetime.fromisoformat(row.updated_at) for row in rows}


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
            details=json.loads(row.record_json).get("details", {}),
        )
        for row in connection.execute(query)
    ]
