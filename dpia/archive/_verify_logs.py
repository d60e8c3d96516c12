"""The walks of `verify` over the logs: status changes, the audit log and role grants, each
read once in chain order and streamed, as the version walk is (`_verify_rows`)."""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec
from sqlalchemy import Connection, select

from ._canonical import AUDIT_FORMAT, GENESIS, GRANT_FORMAT, STATUS_FORMAT
from ._driver_rows import driver_batches
from ._records import AuditAction, VersionStatus
from ._schema import assessments, audit_events, role_grants, version_statuses, versions
from ._verify_rows import Findings, NamedWalk, StoredBytes, TableSeen, stream

__all__ = ["orphans", "walk_audit", "walk_grants", "walk_statuses"]

_ACTIONS = frozenset(AuditAction)
_STATUSES = frozenset(VersionStatus)


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


_decode_status = msgspec.json.Decoder(_StatusRecord).decode
_decode_audit = msgspec.json.Decoder(_AuditRecord).decode
_decode_grant = msgspec.json.Decoder(_GrantRecord).decode


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _link(prev: str, record_sha: str) -> str:
    return hashlib.sha256((prev + record_sha).encode("ascii")).hexdigest()


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
_STATUS_WALK = NamedWalk(
    _STATUS_COLUMNS,
    _WITH_VERSION,
    (version_statuses.c.assessment_id, version_statuses.c.id),
    AuditAction.STATUS_CHANGED,
)
"""An archive chained before revision 0003 keeps initial rows without an event, and is walked
with the join."""


def walk_statuses(connection: Connection, findings: Findings, after_id: int | None) -> TableSeen:
    """Status changes in chain order (per assessment), each against its record, its version and
    its audit event."""
    query = _STATUS_WALK.query(connection)
    seen = TableSeen()
    current: str | None = None
    expected_prev = GENESIS
    last_id: int | None = None
    add = findings.add
    for row in stream(connection, query):
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
    StoredBytes(audit_events.c.record_json),
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
            record_sha = sha256(record_json).hexdigest()
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
    for gid, person, role, granted, actor, at, record_json, prev, chain in stream(
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
