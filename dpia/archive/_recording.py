"""Writing to the archive: a new version, a draft save or a status change is one transaction.

Each runs inside `_database.writing`, which holds the archive's write lock, so concurrent
writers queue and never compute the same version number or chain head; the unique constraints
are the backstop. A process that dies before COMMIT leaves nothing behind.

Everything decided here is read from the append-only tables (the next version number is the
highest stored one plus one, the current status is the last status row): the listing is
rebuilt from them at the end of each write, never trusted by it. Each row appended to the legal
record is reported to the transaction's ledger, which signs the new chain heads before commit.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from .._errors import ArchiveError, NotFoundError, StaleDraftError
from ._canonical import (
    GENESIS,
    audit_record,
    canonical_json,
    chain_hash,
    link,
    sha256_hex,
    status_record,
    version_record,
)
from ._clock import utc_now_text
from ._ledger import ledger
from ._listing import refresh_listing
from ._records import TRANSITIONS, AuditAction, Draft, VersionStatus
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
    "SIGNER_PATTERN",
    "add_version",
    "current_statuses",
    "record_event",
    "record_status",
    "save_draft",
    "set_status",
]

SIGNER_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_ASSESSMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def add_version(
    connection: Connection,
    *,
    answers: Mapping[str, Any],
    report: Mapping[str, Any],
    questionnaire_text: str,
    document: bytes | None,
    signature_files: Mapping[str, bytes],
    actor: str,
    review_due: dt.date | None,
    signed_pdf: bytes | None = None,
) -> tuple[str, int]:
    """Append one version; returns (assessment id, version number). `signed_pdf` is the
    document's PDF/A with the signatures inside it, kept beside the .docx."""
    actor = _actor(actor)
    questionnaire, title, organisation, assessment_id = _answers_header(answers)
    for signer in signature_files:
        if not SIGNER_PATTERN.match(signer):
            raise ArchiveError(
                f"signer name {signer!r} is not allowed: use letters, digits, '.', '_' and '-' "
                "(at most 64, starting with a letter or digit)"
            )
    if signature_files and document is None:
        raise ArchiveError("signatures were given without the document they sign")
    if signed_pdf is not None and document is None:
        raise ArchiveError("a signed PDF was given without the document it renders")
    book = ledger(connection)
    now = utc_now_text()
    if assessment_id is None:
        assessment_id = _create_assessment(connection, title, organisation, actor, now)
    else:
        _require_assessment(connection, assessment_id)
    latest, prev = _version_head(connection, assessment_id)
    number = latest + 1
    stored_answers = _with_id(answers, assessment_id)
    answers_text = canonical_json(stored_answers, "the answers").decode("utf-8")
    report_text = canonical_json(dict(report), "the risk report").decode("utf-8")
    questionnaire_sha = _store_blob(connection, questionnaire_text.encode("utf-8"))
    document_sha = None if document is None else _store_blob(connection, document)
    pdf_sha = None if signed_pdf is None else _store_blob(connection, signed_pdf)
    signature_shas = {
        signer: _store_blob(connection, content)
        for signer, content in sorted(signature_files.items())
    }
    due = review_due or _default_review_due(stored_answers, report)
    record = version_record(
        assessment_id=assessment_id,
        number=number,
        questionnaire=questionnaire,
        questionnaire_sha256=questionnaire_sha,
        answers_sha256=sha256_hex(answers_text.encode("utf-8")),
        report_sha256=sha256_hex(report_text.encode("utf-8")),
        document_sha256=document_sha,
        signatures=signature_shas,
        author=actor,
        created_at=now,
        review_due=due.isoformat(),
        signed_pdf_sha256=pdf_sha,
    )
    content_sha = sha256_hex(record)
    version_chain = chain_hash(prev, content_sha)
    version_id = connection.execute(
        insert(versions)
        .values(
            assessment_id=assessment_id,
            number=number,
            questionnaire=questionnaire,
            questionnaire_sha256=questionnaire_sha,
            answers_json=answers_text,
            report_json=report_text,
            document_sha256=document_sha,
            signed_pdf_sha256=pdf_sha,
            author=actor,
            created_at=now,
            review_due=due.isoformat(),
            record_json=record.decode("utf-8"),
            content_sha256=content_sha,
            prev_chain_hash=prev,
            chain_hash=version_chain,
        )
        .returning(versions.c.id)
    ).scalar_one()
    book.added("versions", version_id)
    for signer, sha in signature_shas.items():
        signature_id = connection.execute(
            insert(signatures)
            .values(version_id=version_id, signer=signer, blob_sha256=sha)
            .returning(signatures.c.id)
        ).scalar_one()
        book.added("signatures", signature_id)
    record_event(
        connection,
        AuditAction.VERSION_ADDED,
        actor=actor,
        at=now,
        assessment_id=assessment_id,
        version_number=number,
        subject_sha256=version_chain,
        details={
            "content_sha256": content_sha,
            "chain_hash": version_chain,
            "document_sha256": document_sha,
            "signatures": signature_shas,
            **({} if pdf_sha is None else {"signed_pdf_sha256": pdf_sha}),
        },
    )
    refresh_listing(connection, assessment_id)
    return assessment_id, number


def save_draft(
    connection: Connection,
    *,
    answers: Mapping[str, Any],
    actor: str,
    revision: int | None,
) -> Draft:
    """Store answers being edited; returns the draft as stored (read from what was written,
    not read back after commit, when another save may already have followed it).

    `revision` is the revision the editor started from (None for a first save). When someone
    saved in between, the write is refused with StaleDraftError rather than silently
    overwriting their work.
    """
    actor = _actor(actor)
    _, title, organisation, assessment_id = _answers_header(answers)
    ledger(connection)
    now = utc_now_text()
    if assessment_id is None:
        assessment_id = _create_assessment(connection, title, organisation, actor, now)
    else:
        _require_assessment(connection, assessment_id)
    answers_text = canonical_json(_with_id(answers, assessment_id), "the answers").decode()
    current = connection.execute(
        select(drafts.c.revision, drafts.c.updated_by, drafts.c.updated_at).where(
            drafts.c.assessment_id == assessment_id
        )
    ).one_or_none()
    if current is None:
        if revision:
            raise StaleDraftError(
                f"the draft of {assessment_id} no longer exists, but this change was based on "
                f"revision {revision}; start a new draft from the latest version"
            )
        new_revision = 1
        connection.execute(
            insert(drafts).values(
                assessment_id=assessment_id,
                answers_json=answers_text,
                revision=new_revision,
                updated_at=now,
                updated_by=actor,
            )
        )
    else:
        if revision != current.revision:
            based = "a new draft" if revision is None else f"revision {revision}"
            raise StaleDraftError(
                f"the draft of {assessment_id} was saved by {current.updated_by} at "
                f"{current.updated_at} (revision {current.revision}), but this change was "
                f"based on {based}; reload the draft and make the change again",
                saved_by=current.updated_by,
                saved_at=dt.datetime.fromisoformat(current.updated_at),
            )
        new_revision = current.revision + 1
        changed = connection.execute(
            update(drafts)
            .where(drafts.c.assessment_id == assessment_id, drafts.c.revision == revision)
            .values(
                answers_json=answers_text,
                revision=new_revision,
                updated_at=now,
                updated_by=actor,
            )
        ).rowcount
        if changed != 1:
            raise StaleDraftError(
                f"the draft of {assessment_id} was saved by someone else at the same moment; "
                "reload the draft and make the change again"
            )
    record_event(
        connection,
        AuditAction.DRAFT_SAVED,
        actor=actor,
        at=now,
        assessment_id=assessment_id,
        version_number=None,
        details={"revision": new_revision, "answers_sha256": sha256_hex(answers_text.encode())},
    )
    return Draft(
        assessment_id=assessment_id,
        answers=json.loads(answers_text),
        revision=new_revision,
        updated_at=now,
        updated_by=actor,
    )


def set_status(
    connection: Connection,
    assessment_id: str,
    number: int,
    status: VersionStatus,
    *,
    actor: str,
    note: str,
) -> str:
    """Move a version along the workflow; approving one supersedes older decided versions."""
    actor = _actor(actor)
    _require_assessment(connection, assessment_id)
    ledger(connection)
    latest, _ = _version_head(connection, assessment_id)
    statuses = current_statuses(connection, assessment_id)
    if number not in statuses:
        raise NotFoundError(f"{assessment_id} has no version {number} (latest is {latest})")
    version_id, current = statuses[number]
    if status not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "nothing (it is final)"
        raise ArchiveError(
            f"{assessment_id} v{number} is {current}; it can move to: {allowed} "
            f"(asked for {status})"
        )
    now = utc_now_text()
    changes = [(number, version_id, status, note)]
    if status is VersionStatus.APPROVED:
        changes += [
            (older, older_id, VersionStatus.SUPERSEDED, f"superseded by v{number}")
            for older, (older_id, older_status) in sorted(statuses.items())
            if older < number and older_status in (VersionStatus.APPROVED, VersionStatus.REJECTED)
        ]
    for changed_number, changed_id, new_status, why in changes:
        record_status(
            connection,
            assessment_id=assessment_id,
            number=changed_number,
            version_id=changed_id,
            status=new_status,
            previous=statuses[changed_number][1],
            actor=actor,
            at=now,
            note=why,
        )
    refresh_listing(connection, assessment_id)
    return now


def record_status(
    connection: Connection,
    *,
    assessment_id: str,
    number: int,
    version_id: int,
    status: VersionStatus,
    previous: VersionStatus,
    actor: str,
    at: str,
    note: str,
) -> None:
    """Append one status row to the assessment's status chain, with its audit event."""
    prev = (
        connection.execute(
            select(version_statuses.c.chain_hash)
            .where(version_statuses.c.assessment_id == assessment_id)
            .order_by(version_statuses.c.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        or GENESIS
    )
    record = status_record(
        assessment_id=assessment_id, number=number, status=status, actor=actor, at=at, note=note
    )
    status_chain = link(prev, record)
    status_id = connection.execute(
        insert(version_statuses)
        .values(
            version_id=version_id,
            assessment_id=assessment_id,
            number=number,
            status=status,
            actor=actor,
            at=at,
            note=note,
            record_json=record.decode("utf-8"),
            prev_chain_hash=prev,
            chain_hash=status_chain,
        )
        .returning(version_statuses.c.id)
    ).scalar_one()
    ledger(connection).added("version_statuses", status_id)
    record_event(
        connection,
        AuditAction.STATUS_CHANGED,
        actor=actor,
        at=at,
        assessment_id=assessment_id,
        version_number=number,
        subject_sha256=status_chain,
        details={"from": previous, "to": status, "note": note},
    )


def current_statuses(
    connection: Connection, assessment_id: str
) -> dict[int, tuple[int, VersionStatus]]:
    """Version number → (row id, status now): the last status row of each version, or `draft`
    (set by the version's author when it was added) for a version with none."""
    current = {
        row.number: (row.id, VersionStatus.DRAFT)
        for row in connection.execute(
            select(versions.c.number, versions.c.id).where(
                versions.c.assessment_id == assessment_id
            )
        )
    }
    last = (
        select(func.max(version_statuses.c.id).label("status_id"))
        .where(version_statuses.c.assessment_id == assessment_id)
        .group_by(version_statuses.c.version_id)
        .subquery()
    )
    rows = connection.execute(
        select(
            version_statuses.c.version_id, version_statuses.c.number, version_statuses.c.status
        ).join(last, last.c.status_id == version_statuses.c.id)
    )
    for row in rows:
        if row.number in current:
            current[row.number] = (current[row.number][0], VersionStatus(row.status))
    return current


def record_event(
    connection: Connection,
    action: AuditAction,
    *,
    actor: str,
    at: str | None = None,
    assessment_id: str | None,
    version_number: int | None,
    details: Mapping[str, Any],
    subject_sha256: str | None = None,
) -> None:
    """Append one event to the archive-wide audit chain; `subject_sha256` names the chain hash
    of the row the event created, so `verify` can hold the log and the rows against each other."""
    book = ledger(connection)
    at = at or utc_now_text()
    actor = _actor(actor)
    record = audit_record(
        at=at,
        actor=actor,
        action=action,
        assessment_id=assessment_id,
        version_number=version_number,
        subject_sha256=subject_sha256,
        details=details,
    )
    prev = book.head("audit_events")
    event_chain = link(prev, record)
    event_id = connection.execute(
        insert(audit_events)
        .values(
            at=at,
            actor=actor,
            action=action,
            assessment_id=assessment_id,
            version_number=version_number,
            subject_sha256=subject_sha256,
            record_json=record.decode("utf-8"),
            prev_chain_hash=prev,
            chain_hash=event_chain,
        )
        .returning(audit_events.c.id)
    ).scalar_one()
    book.added("audit_events", event_id, event_chain)


def _actor(actor: str) -> str:
    cleaned = actor.strip()
    if not cleaned or len(cleaned) > 300 or _CONTROL.search(cleaned):
        raise ArchiveError(
            "the actor (who does this) must be 1 to 300 characters without control characters"
        )
    return cleaned


def _answers_header(answers: Mapping[str, Any]) -> tuple[str, str, str, str | None]:
    """Questionnaire ref, title, organisation and assessment id from an answers-file mapping."""
    meta = answers.get("assessment")
    ref = answers.get("questionnaire")
    if not isinstance(ref, str) or not isinstance(meta, Mapping):
        raise ArchiveError(
            "the answers must be an answers-file mapping with 'questionnaire' and 'assessment' "
            "(as written by Assessment.to_file())"
        )
    for field in ("title", "organisation"):
        if not isinstance(meta.get(field), str) or not meta[field].strip():
            raise ArchiveError(f"the answers lack assessment.{field}")
        if _CONTROL.search(meta[field]):
            raise ArchiveError(f"assessment.{field} holds a control character")
    assessment_id = meta.get("id")
    if assessment_id is not None and (
        not isinstance(assessment_id, str) or not _ASSESSMENT_ID.match(assessment_id)
    ):
        raise ArchiveError(
            f"assessment.id {assessment_id!r} is not an archive id: letters, digits, '_' and '-'"
        )
    return ref, meta["title"][:300], meta["organisation"][:300], assessment_id


def _with_id(answers: Mapping[str, Any], assessment_id: str) -> dict[str, Any]:
    stored = json.loads(canonical_json(dict(answers), "the answers"))
    stored["assessment"]["id"] = assessment_id
    return stored


def _default_review_due(answers: Mapping[str, Any], report: Mapping[str, Any]) -> dt.date:
    """The review date the risk report derived from the answers; failing that, twelve months
    after the assessment date: a yearly review suits monitoring this intrusive (supervisory
    authorities suggest three years at most, and sooner when the risk changes)."""
    planned = report.get("review_due")
    if isinstance(planned, str):
        try:
            return dt.date.fromisoformat(planned)
        except ValueError:
            pass
    try:
        start = dt.date.fromisoformat(answers["assessment"]["date"])
    except (KeyError, TypeError, ValueError):
        start = dt.datetime.now(dt.UTC).date()
    try:
        return start.replace(year=start.year + 1)
    except ValueError:
        return start.replace(year=start.year + 1, day=28)


def _create_assessment(
    connection: Connection, title: str, organisation: str, actor: str, now: str
) -> str:
    assessment_id = f"A-{now[:4]}-{secrets.token_hex(6).upper()}"
    book = ledger(connection)
    connection.execute(
        insert(assessments).values(
            id=assessment_id,
            title=title,
            organisation=organisation,
            created_at=now,
            created_by=actor,
        )
    )
    book.added("assessments")
    record_event(
        connection,
        AuditAction.ASSESSMENT_CREATED,
        actor=actor,
        at=now,
        assessment_id=assessment_id,
        version_number=None,
        details={"title": title, "organisation": organisation},
    )
    refresh_listing(connection, assessment_id)
    return assessment_id


def _require_assessment(connection: Connection, assessment_id: str) -> None:
    found = connection.execute(
        select(assessments.c.id).where(assessments.c.id == assessment_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"no assessment {assessment_id!r} in the archive")


def _version_head(connection: Connection, assessment_id: str) -> tuple[int, str]:
    """The highest stored version number and its chain hash (0 and 64 zeros when none)."""
    head = connection.execute(
        select(versions.c.number, versions.c.chain_hash)
        .where(versions.c.assessment_id == assessment_id)
        .order_by(versions.c.number.desc())
        .limit(1)
    ).one_or_none()
    return (0, GENESIS) if head is None else (head.number, head.chain_hash)


def _store_blob(connection: Connection, content: bytes) -> str:
    """Store bytes once under their hash. Looked up first rather than inserted with a conflict
    clause, because the database refuses any insert that meets a stored key."""
    sha = sha256_hex(content)
    stored = connection.execute(
        select(blobs.c.sha256).where(blobs.c.sha256 == sha)
    ).scalar_one_or_none()
    if stored is None:
        book = ledger(connection)
        connection.execute(insert(blobs).values(sha256=sha, size=len(content), content=content))
        book.added("blobs")
    return sha
