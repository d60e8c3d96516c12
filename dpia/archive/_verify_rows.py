"""The walks of `verify`: each table of the legal record read once, in chain order, streamed.

Memory stays flat whatever the archive's size: every walk is one ordered query read in batches
(server-side cursors on PostgreSQL), holding only the row in hand and the head of the chain it
is on. The comparisons of the audit log with the rows it describes, and of the rows with the
blobs they name, are done by the database on its indexes: whether every version and status
change has exactly one event is asked first, in the indexes' own order, and the walk joins each
row to its events only when the answer is no. Python only hashes stored bytes and reads each
stored record into a typed structure (msgspec, in C) to compare it with the columns that copy
it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import Connection, and_, func, literal, select

from ._canonical import AUDIT_FORMAT, GENESIS, GRANT_FORMAT, RECORD_FORMAT, STATUS_FORMAT
from ._driver_rows import driver_batches
from ._records import AuditAction, VersionStatus
from ._schema import (
    assessments,
    audit_events,
    blobs,
    role_grants,
    signatures,
    version_statuses,
    versions,
)

__all__ = [
    "Findings",
    "TableSeen",
    "orphans",
    "walk_audit",
    "walk_grants",
    "walk_statuses",
    "walk_versions",
]

_CHANGED = (
    "the stored answers, report, signatures or metadata no longer match the version's content hash"
)
_ACTIONS = frozenset(AuditAction)
_STATUSES = frozenset(VersionStatus)


class _VersionRecord(msgspec.Struct, forbid_unknown_fields=True):
    answers_sha256: str
    assessment_id: str
    author: str
    created_at: str
    document_sha256: str | None
    format: str
    number: int
    questionnaire: str
    questionnaire_sha256: str
    report_sha256: str
    review_due: str | None
    signatures: dict[str, str]
    signed_pdf_sha256: str | None = None


class _StatusRecord(msgspec.Struct, forbid_unknown_fields=True):
    actor: str
    assessment_id: str
    at: str
    format: str
    note: str
    number: int
    status: str


class _AuditRecord(msgspec.Struct, forbid_unknown_fields=True):
    action: str
    actor: str
    assessment_id: str | None
    at: str
    details: dict[str, Any]
    format: str
    subject_sha256: str | None
    version_number: int | None


class _GrantRecord(msgspec.Struct, forbid_unknown_fields=True):
    actor: str
    at: str
    format: str
    granted: bool
    person: str
    role: str


_decode_version = msgspec.json.Decoder(_VersionRecord).decode
_decode_status = msgspec.json.Decoder(_StatusRecord).decode
_decode_audit = msgspec.json.Decoder(_AuditRecord).decode
_decode_grant = msgspec.json.Decoder(_GrantRecord).decode
_UNSIGNED: dict[str, str] = {}


class Findings:
    """The problems found so far, capped so that a ruined archive cannot exhaust memory."""

    def __init__(self, cap: int = 1000):
        self.cap = cap
        self.problems: list[tuple[str | None, int | None, str]] = []
        self.omitted = 0
        self.notes: list[str] = []

    def add(self, assessment_id: str | None, number: int | None, problem: str) -> None:
        if len(self.problems) < self.cap:
            self.problems.append((assessment_id, number, problem))
        else:
            self.omitted += 1


@dataclass
class TableSeen:
    """What a walk saw of one table: rows, the last id, and the chain hash at chosen ids."""

    count: int = 0
    last_id: int | None = None
    head: str | None = None
    hash_at: dict[int, str] = field(default_factory=dict)
    named: int = 0
    by_action: dict[str, int] = field(default_factory=dict)


def _stream(connection: Connection, query: Any) -> Iterator[tuple[Any, ...]]:
    for batch in driver_batches(connection, query):
        yield from batch


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _link(prev: str, record_sha: str) -> str:
    return hashlib.sha256((prev + record_sha).encode("ascii")).hexdigest()


_question_blob = blobs.alias("question_blob")
_document_blob = blobs.alias("document_blob")
_pdf_blob = blobs.alias("pdf_blob")
_version_event = audit_events.alias("event")
_VERSION_COLUMNS = (
    versions.c.id,
    versions.c.assessment_id,
    versions.c.number,
    versions.c.questionnaire,
    versions.c.questionnaire_sha256,
    versions.c.answers_json,
    versions.c.report_json,
    versions.c.document_sha256,
    versions.c.signed_pdf_sha256,
    versions.c.author,
    versions.c.created_at,
    versions.c.review_due,
    versions.c.record_json,
    versions.c.content_sha256,
    versions.c.prev_chain_hash,
    versions.c.chain_hash,
    _question_blob.c.sha256.label("question_blob"),
    _document_blob.c.sha256.label("document_blob"),
    _pdf_blob.c.sha256.label("pdf_blob"),
)
_WITH_BLOBS = (
    versions.outerjoin(_question_blob, _question_blob.c.sha256 == versions.c.questionnaire_sha256)
    .outerjoin(_document_blob, _document_blob.c.sha256 == versions.c.document_sha256)
    .outerjoin(_pdf_blob, _pdf_blob.c.sha256 == versions.c.signed_pdf_sha256)
)
_CHAIN_ORDER = (versions.c.assessment_id, versions.c.number)
# One row per version and per audit event naming it: none for a version without its event, one
# more for each further event.
_VERSIONS = (
    select(*_VERSION_COLUMNS, _version_event.c.id.label("event_id"))
    .select_from(
        _WITH_BLOBS.outerjoin(
            _version_event,
            and_(
                _version_event.c.subject_sha256 == versions.c.chain_hash,
                _version_event.c.action == AuditAction.VERSION_ADDED.value,
            ),
        )
    )
    .order_by(*_CHAIN_ORDER)
)
# The same rows when every version has exactly one event: the event's id is never reported.
_VERSIONS_EACH_NAMED = (
    select(*_VERSION_COLUMNS, literal(1).label("event_id"))
    .select_from(_WITH_BLOBS)
    .order_by(*_CHAIN_ORDER)
)


def _not_named_once(table: Any, action: AuditAction) -> Any:
    """The first row of `table` that does not have exactly one `action` event naming it, rows
    taken in the order of their chain hash: so the lookups walk the audit index in its own
    order rather than jumping about it once per row, as a join in chain order does."""
    events_naming = (
        select(func.count())
        .where(
            audit_events.c.subject_sha256 == table.c.chain_hash,
            audit_events.c.action == action.value,
        )
        .correlate(table)
        .scalar_subquery()
    )
    return (
        select(table.c.chain_hash).where(events_naming != 1).order_by(table.c.chain_hash).limit(1)
    )


_VERSIONS_NOT_NAMED_ONCE = _not_named_once(versions, AuditAction.VERSION_ADDED)


def _each_named_once(connection: Connection, not_named_once: Any) -> bool:
    """Whether every row has exactly one event naming it, asked of the database as one walk of
    two indexes in the same order.

    The usual answer is yes, and then the walk needs no join to the audit log: the join visits
    the audit index at random, once per row, and costs more than the rest of the walk's
    reading. When the answer is no, the walk joins, and names each row without its event and
    each further event exactly as before.
    """
    return connection.execute(not_named_once).first() is None


def walk_versions(
    connection: Connection, findings: Findings, damaged: set[str], after_id: int | None
) -> tuple[TableSeen, TableSeen]:
    """Versions in chain order, each against its record, its chain, its blobs, its audit event
    and its signatures. Returns what was seen of versions and of signatures."""
    query = (
        _VERSIONS_EACH_NAMED
        if _each_named_once(connection, _VERSIONS_NOT_NAMED_ONCE)
        else _VERSIONS
    )
    signed = _signatures(connection, findings)
    pending = next(signed, None)
    seen, signature_seen = TableSeen(), TableSeen()
    # Counted in locals and stored once at the end: a dataclass attribute per row costs more.
    count = named_count = 0
    highest: int | None = None
    current: str | None = None
    last_key: tuple[str, int] | None = None
    expected_number, expected_prev = 1, GENESIS
    add = findings.add
    sha256 = hashlib.sha256
    decode = _decode_version
    for partition in driver_batches(connection, query):
        for (vid, aid, number, questionnaire, question_sha, answers, report, document_sha,
             pdf_sha, author, created_at, review_due, record_json, content, prev, chain,
             question_blob_found, document_blob_found, pdf_blob_found,
             event_id) in partition:  # fmt: skip
            if number == expected_number - 1 and (aid, number) == last_key:
                add(aid, number, "a second version.added event in the audit log names it")
                continue
            last_key = (aid, number)
            count += 1
            if highest is None or vid > highest:
                highest = vid
            if aid != current:
                current, expected_number, expected_prev = aid, 1, GENESIS
            # Both streams are in the same database order and every signature row belongs to
            # a stored version, so equal keys meet: no string comparison a collation could skew.
            # A version without signatures shares one empty mapping, only ever read.
            named: dict[str, str] = _UNSIGNED
            if pending is not None and pending[0] == aid and pending[1] == number:
                named = {}
            while pending is not None and pending[0] == aid and pending[1] == number:
                named[pending[2]] = pending[3]
                signature_seen.count += 1
                if signature_seen.last_id is None or pending[4] > signature_seen.last_id:
                    signature_seen.last_id = pending[4]
                pending = next(signed, None)
            if number > expected_number:
                span = (
                    f"version {expected_number} is"
                    if expected_number == number - 1
                    else f"versions {expected_number} to {number - 1} are"
                )
                add(aid, number, f"{span} missing before this one")
            if after_id is not None and vid > after_id:
                add(aid, number, "this version was added after the latest checkpoint: not by dpia")
            try:
                record = decode(record_json)
                intact = (
                    sha256(record_json.encode()).hexdigest() == content
                    and record.answers_sha256 == sha256(answers.encode()).hexdigest()
                    and record.report_sha256 == sha256(report.encode()).hexdigest()
                    and record.number == number
                    and record.assessment_id == aid
                    and record.created_at == created_at
                    and record.author == author
                    and record.questionnaire_sha256 == question_sha
                    and record.document_sha256 == document_sha
                    and record.signed_pdf_sha256 == pdf_sha
                    and record.questionnaire == questionnaire
                    and record.review_due == review_due
                    and record.signatures == named
                    and record.format == RECORD_FORMAT
                )
            except msgspec.DecodeError:
                intact = False
            if not intact:
                add(aid, number, _CHANGED)
            if prev != expected_prev:
                add(
                    aid,
                    number,
                    f"the link to the previous version is broken (prev_chain_hash {prev} is "
                    f"not the previous chain hash {expected_prev})",
                )
            if chain != sha256((prev + content).encode()).hexdigest():
                add(aid, number, "the chain hash is not sha256(prev_chain_hash + content_sha256)")
            if event_id is None:
                add(aid, number, "no version.added event in the audit log names this version")
            else:
                named_count += 1
            if question_blob_found is None:
                add(aid, number, f"the questionnaire snapshot (sha256 {question_sha}) is "
                    "missing from the archive")  # fmt: skip
            if document_sha is not None and document_blob_found is None:
                add(aid, number, f"the document (sha256 {document_sha}) is missing from the "
                    "archive")  # fmt: skip
            if pdf_sha is not None and pdf_blob_found is None:
                add(aid, number, f"the signed PDF (sha256 {pdf_sha}) is missing from the "
                    "archive")  # fmt: skip
            if damaged:
                _damaged_parts(
                    add, aid, number, damaged, question_sha, document_sha, named, pdf_sha
                )
            expected_number, expected_prev = number + 1, chain
    seen.count, seen.last_id, seen.named = count, highest, named_count
    return seen, signature_seen


def _damaged_parts(
    add: Any,
    aid: str,
    number: int,
    damaged: set[str],
    question_sha: str,
    document_sha: str | None,
    named: dict[str, str],
    pdf_sha: str | None,
) -> None:
    parts = [
        ("questionnaire snapshot", question_sha),
        ("document", document_sha),
        ("signed PDF", pdf_sha),
    ]
    for part, sha in parts:
        if sha in damaged:
            add(aid, number, f"the {part} was changed: its bytes no longer hash to {sha}")
    for signer, sha in named.items():
        if sha in damaged:
            add(
                aid,
                number,
                f"the signature {signer!r} was changed: its bytes no longer hash to {sha}",
            )


_signature_blob = blobs.alias("signature_blob")
_SIGNATURES = (
    select(
        versions.c.assessment_id,
        versions.c.number,
        signatures.c.signer,
        signatures.c.blob_sha256,
        signatures.c.id,
        _signature_blob.c.sha256.label("found"),
    )
    .select_from(
        signatures.join(versions, versions.c.id == signatures.c.version_id).outerjoin(
            _signature_blob, _signature_blob.c.sha256 == signatures.c.blob_sha256
        )
    )
    .order_by(versions.c.assessment_id, versions.c.number, signatures.c.signer)
)


def _signatures(connection: Connection, findings: Findings) -> Iterator[tuple[Any, ...]]:
    """Signature rows in the versions' order, for the version walk to merge; a signature whose
    version or blob is gone is reported here."""
    query = _SIGNATURES
    orphans = connection.execute(
        select(signatures.c.id, signatures.c.signer).where(
            ~select(versions.c.id).where(versions.c.id == signatures.c.version_id).exists()
        )
    )
    for orphan in orphans:
        findings.add(
            None,
            None,
            f"signature row #{orphan.id} ({orphan.signer!r}) names a version that is not in "
            "the archive",
        )
    for aid, number, signer, sha, sid, found in _stream(connection, query):
        if found is None:
            findings.add(
                aid, number, f"the signature {signer!r} (sha256 {sha}) is missing from the archive"
            )
        yield aid, number, signer, sha, sid


_status_event = audit_events.alias("event")
_STATUS_COLUMNS = (
    version_statuses.c.id,
    version_statuses.c.assessment_id,
    version_statuses.c.number,
    version_statuses.c.status,
    version_statuses.c.actor,
    version_statuses.c.at,
    version_statuses.c.note,
    version_statuses.c.record_json,
    version_statuses.c.prev_chain_hash,
    version_statuses.c.chain_hash,
    versions.c.assessment_id.label("version_assessment"),
    versions.c.number.label("version_number"),
    versions.c.created_at.label("version_added"),
)
_WITH_VERSION = version_statuses.outerjoin(versions, versions.c.id == version_statuses.c.version_id)
_STATUS_ORDER = (version_statuses.c.assessment_id, version_statuses.c.id)
_STATUSES_QUERY = (
    select(*_STATUS_COLUMNS, _status_event.c.id.label("event_id"))
    .select_from(
        _WITH_VERSION.outerjoin(
            _status_event,
            and_(
                _status_event.c.subject_sha256 == version_statuses.c.chain_hash,
                _status_event.c.action == AuditAction.STATUS_CHANGED.value,
            ),
        )
    )
    .order_by(*_STATUS_ORDER)
)
# The same rows when every status change has exactly one event (an archive chained before
# revision 0003 keeps initial rows without one, and is walked with the join).
_STATUSES_EACH_NAMED = (
    select(*_STATUS_COLUMNS, literal(1).label("event_id"))
    .select_from(_WITH_VERSION)
    .order_by(*_STATUS_ORDER)
)
_STATUSES_NOT_NAMED_ONCE = _not_named_once(version_statuses, AuditAction.STATUS_CHANGED)


def walk_statuses(connection: Connection, findings: Findings, after_id: int | None) -> TableSeen:
    """Status changes in chain order (per assessment), each against its record, its version and
    its audit event."""
    query = (
        _STATUSES_EACH_NAMED
        if _each_named_once(connection, _STATUSES_NOT_NAMED_ONCE)
        else _STATUSES_QUERY
    )
    seen = TableSeen()
    current: str | None = None
    expected_prev = GENESIS
    last_id: int | None = None
    add = findings.add
    for row in _stream(connection, query):
        (sid, aid, number, status, actor, at, note, record_json, prev, chain,
         version_assessment, version_number, version_added, event_id) = row  # fmt: skip
        if sid == last_id:
            add(aid, number, f"a second status.changed event names status change #{sid}")
            continue
        last_id = sid
        seen.count += 1
        if seen.last_id is None or sid > seen.last_id:
            seen.last_id = sid
        if aid != current:
            current, expected_prev = aid, GENESIS
        where = f"the status change to {status!r} at {at}"
        if after_id is not None and sid > after_id:
            add(aid, number, f"{where} was added after the latest checkpoint: not by dpia")
        try:
            record = _decode_status(record_json)
            intact = (
                record.format == STATUS_FORMAT
                and (record.assessment_id, record.number, record.status) == (aid, number, status)
                and (record.actor, record.at, record.note) == (actor, at, note)
                and status in _STATUSES
            )
        except msgspec.DecodeError:
            intact = False
        if not intact:
            add(aid, number, f"{where} no longer matches its record")
        if (version_assessment, version_number) != (aid, number):
            add(aid, number, f"{where} is not attached to version {number} of {aid}")
        if prev != expected_prev:
            add(aid, number, f"{where}: the link to the previous status change is broken")
        if chain != _link(prev, _sha(record_json)):
            add(aid, number, f"{where}: the chain hash does not match its record")
        # Before revision 0003 a version's first status, `draft` when it was added, was a row of
        # its own; the version's version.added event stands for it.
        initial = status == VersionStatus.DRAFT and at == version_added
        if event_id is not None:
            seen.named += 1
        elif not initial:
            add(aid, number, f"{where}: no status.changed event in the audit log names it")
        expected_prev = chain
    return seen


_AUDIT = select(
    audit_events.c.id,
    audit_events.c.at,
    audit_events.c.actor,
    audit_events.c.action,
    audit_events.c.assessment_id,
    audit_events.c.version_number,
    audit_events.c.subject_sha256,
    audit_events.c.record_json,
    audit_events.c.prev_chain_hash,
    audit_events.c.chain_hash,
).order_by(audit_events.c.id)


def walk_audit(
    connection: Connection, findings: Findings, after_id: int | None, watch: set[int]
) -> TableSeen:
    """The audit log in chain order, each event against its record; the chain hash at the ids
    in `watch` is kept so checkpoints can be compared with it. Whether each event still finds
    the row it created is settled by counting (`orphans`), not by a join per event."""
    query = _AUDIT
    seen = TableSeen()
    by_action = seen.by_action
    expected_prev = GENESIS
    add = findings.add
    sha256 = hashlib.sha256
    decode = _decode_audit
    actions = _ACTIONS
    count = 0
    last_id: int | None = None
    for partition in driver_batches(connection, query):
        for eid, at, actor, action, aid, number, subject, record_json, prev, chain in partition:
            by_action[action] = by_action.get(action, 0) + 1
            if after_id is not None and eid > after_id:
                add(aid, number, f"audit event #{eid} ({action}) was added after the latest "
                    "checkpoint: not by dpia")  # fmt: skip
            try:
                record = decode(record_json)
                intact = (
                    record.at == at
                    and record.actor == actor
                    and record.action == action
                    and record.assessment_id == aid
                    and record.version_number == number
                    and record.subject_sha256 == subject
                    and record.format == AUDIT_FORMAT
                    and action in actions
                )
            except msgspec.DecodeError:
                intact = False
            if not intact:
                add(aid, number, f"audit event #{eid} ({action}) no longer matches its record")
            if prev != expected_prev:
                add(aid, number, f"audit event #{eid} ({action}): the link to the previous "
                    "event is broken")  # fmt: skip
            record_sha = sha256(record_json.encode()).hexdigest()
            if chain != sha256((prev + record_sha).encode()).hexdigest():
                add(aid, number, f"audit event #{eid} ({action}): the chain hash does not "
                    "match its record")  # fmt: skip
            if eid in watch:
                seen.hash_at[eid] = chain
            expected_prev = chain
            count += 1
            last_id = eid
    seen.count, seen.last_id, seen.head = count, last_id, expected_prev
    return seen


def orphans(
    connection: Connection, action: AuditAction, limit: int
) -> list[tuple[int, str, str | None, int | None, str]]:
    """Events of `action` whose row is gone: looked for only when the counts say some are."""
    event = audit_events
    if action is AuditAction.ASSESSMENT_CREATED:
        row_is_there = select(assessments.c.id).where(assessments.c.id == event.c.assessment_id)
    else:
        table = versions if action is AuditAction.VERSION_ADDED else version_statuses
        row_is_there = select(table.c.id).where(table.c.chain_hash == event.c.subject_sha256)
    query = (
        select(
            event.c.id, event.c.action, event.c.assessment_id, event.c.version_number,
            event.c.record_json,
        )
        .where(event.c.action == action.value, ~row_is_there.exists())
        .order_by(event.c.id)
        .limit(limit)
    )  # fmt: skip
    return [tuple(row) for row in connection.execute(query)]


_GRANTS = select(
    role_grants.c.id,
    role_grants.c.person,
    role_grants.c.role,
    role_grants.c.granted,
    role_grants.c.actor,
    role_grants.c.at,
    role_grants.c.record_json,
    role_grants.c.prev_chain_hash,
    role_grants.c.chain_hash,
).order_by(role_grants.c.id)


def walk_grants(
    connection: Connection, findings: Findings, after_id: int | None, watch: set[int]
) -> TableSeen:
    """Role grants in chain order, each against its record."""
    query = _GRANTS
    seen = TableSeen()
    expected_prev = GENESIS
    add = findings.add
    for gid, person, role, granted, actor, at, record_json, prev, chain in _stream(
        connection, query
    ):
        seen.count += 1
        seen.last_id = gid
        verb = "grant" if granted else "withdrawal"
        where = f"role grant #{gid} ({verb} of {role!r} for {person})"
        if after_id is not None and gid > after_id:
            add(None, None, f"{where} was added after the latest checkpoint: not by dpia")
        try:
            record = _decode_grant(record_json)
            intact = record.format == GRANT_FORMAT and (
                record.person,
                record.role,
                record.granted,
                record.actor,
                record.at,
            ) == (person, role, bool(granted), actor, at)
        except msgspec.DecodeError:
            intact = False
        if not intact:
            add(None, None, f"{where} no longer matches its record")
        if prev != expected_prev:
            add(None, None, f"{where}: the link to the previous grant is broken")
        if chain != _link(prev, _sha(record_json)):
            add(None, None, f"{where}: the chain hash does not match its record")
        if gid in watch:
            seen.hash_at[gid] = chain
        expected_prev = chain
    seen.head = expected_prev
    return seen
