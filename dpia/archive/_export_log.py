"""The audit event of an export, written so that the exported bag can be tied to a checkpoint by
someone who has only the bag.

The event is the last row its checkpoint covers, so its chain hash is the checkpoint's head of
the audit log. It names what the bag holds: the exported version's content and chain hash, the
head and length of the assessment's status chain, and a digest of the chain hashes of every
earlier audit event about the assessment. A reader of the bag recomputes those from the bag's
files, and the signed checkpoint vouches for the event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from ._canonical import GENESIS
from ._checkpoint import Checkpoint
from ._recording import record_event
from ._records import AuditAction, VersionSummary
from ._schema import audit_events, version_statuses

__all__ = ["ChainedRow", "ExportLog", "audit_digest", "log_export"]


@dataclass(frozen=True)
class ChainedRow:
    """One row of a chain as exported: its record text and the two hashes of its link."""

    id: int
    record_json: str
    prev_chain_hash: str
    chain_hash: str


@dataclass
class ExportLog:
    statuses: list[ChainedRow]
    audit: list[ChainedRow]
    checkpoint: Checkpoint | None = field(default=None)


def audit_digest(chain_hashes: list[str]) -> str:
    """SHA-256 of the chain hashes one after another, as 64 hex characters each."""
    return hashlib.sha256("".join(chain_hashes).encode("ascii")).hexdigest()


def log_export(
    connection: Connection, version: VersionSummary, *, actor: str, target: str
) -> ExportLog:
    aid = version.assessment_id
    statuses = [
        ChainedRow(*row)
        for row in connection.execute(
            select(
                version_statuses.c.id,
                version_statuses.c.record_json,
                version_statuses.c.prev_chain_hash,
                version_statuses.c.chain_hash,
            )
            .where(version_statuses.c.assessment_id == aid)
            .order_by(version_statuses.c.id)
        )
    ]
    earlier = _audit_rows(connection, aid, None)
    record_event(
        connection,
        AuditAction.VERSION_EXPORTED,
        actor=actor,
        assessment_id=aid,
        version_number=version.number,
        details={
            "target": target,
            "content_sha256": version.content_sha256,
            "chain_hash": version.chain_hash,
            "statuses": {
                "count": len(statuses),
                "head": statuses[-1].chain_hash if statuses else GENESIS,
            },
            "audit": {
                "count": len(earlier),
                "digest": audit_digest([row.chain_hash for row in earlier]),
            },
        },
    )
    last = earlier[-1].id if earlier else 0
    return ExportLog(statuses=statuses, audit=earlier + _audit_rows(connection, aid, last))


def _audit_rows(connection: Connection, aid: str, after: int | None) -> list[ChainedRow]:
    query = (
        select(
            audit_events.c.id,
            audit_events.c.record_json,
            audit_events.c.prev_chain_hash,
            audit_events.c.chain_hash,
        )
        .where(audit_events.c.assessment_id == aid)
        .order_by(audit_events.c.id)
    )
    if after is not None:
        query = query.where(audit_events.c.id > after)
    return [ChainedRow(*row) for row in connection.execute(query)]
