"""Re-compute every hash in the archive and report each place the record no longer adds up.

What a clean run proves: every stored part of every version (answers, report, questionnaire
snapshot, document, signatures, author, times) still hashes to the content hash recorded when
the version was added, the versions of each assessment are numbered without gaps, and each one
still links to its predecessor. What it cannot prove on its own: that nobody rewrote the whole
history consistently, including the audit log. That needs a copy of the chain heads kept
elsewhere (an exported bag, a signed note to the DPO).
"""

from __future__ import annotations

import json
from collections import defaultdict

from sqlalchemy import Connection, select

from ._canonical import GENESIS, chain_hash, sha256_hex, version_record
from ._records import AuditAction, ChainBreak, ChainReport
from ._schema import assessments, audit_events, blobs, signatures, versions

__all__ = ["verify_chains"]

_BATCH = 2000


def verify_chains(connection: Connection) -> ChainReport:
    breaks: list[ChainBreak] = []
    latest = {
        row.id: row.latest_version
        for row in connection.execute(select(assessments.c.id, assessments.c.latest_version))
    }
    damaged = _damaged_blobs(connection)
    signed: dict[int, dict[str, str]] = defaultdict(dict)
    for row in connection.execute(select(signatures)):
        signed[row.version_id][row.signer] = row.blob_sha256
    recorded = _recorded_content_hashes(connection)

    count = 0
    visited: set[str] = set()
    current: str | None = None
    expected_number, expected_prev = 1, GENESIS
    rows = connection.execution_options(yield_per=_BATCH).execute(
        select(versions).order_by(versions.c.assessment_id, versions.c.number)
    )
    for row in rows:
        count += 1
        if row.assessment_id != current:
            if current is not None:
                breaks += _missing_tail(current, expected_number, latest.get(current, 0))
            current, expected_number, expected_prev = row.assessment_id, 1, GENESIS
            visited.add(current)
        where = (row.assessment_id, row.number)
        if row.number > expected_number:
            breaks.append(
                ChainBreak(
                    assessment_id=row.assessment_id,
                    number=row.number,
                    problem=f"{_span(expected_number, row.number - 1)} missing before this one",
                )
            )
        parts = {
            "questionnaire snapshot": row.questionnaire_sha256,
            "document": row.document_sha256,
            **{f"signature {signer!r}": sha for signer, sha in signed[row.id].items()},
        }
        for part, sha in parts.items():
            if sha in damaged:
                breaks.append(
                    ChainBreak(
                        assessment_id=row.assessment_id,
                        number=row.number,
                        problem=f"the {part} was changed: its bytes no longer hash to {sha}",
                    )
                )
        record = version_record(
            assessment_id=row.assessment_id,
            number=row.number,
            questionnaire=row.questionnaire,
            questionnaire_sha256=row.questionnaire_sha256,
            answers_sha256=sha256_hex(row.answers_json.encode("utf-8")),
            report_sha256=sha256_hex(row.report_json.encode("utf-8")),
            document_sha256=row.document_sha256,
            signatures=signed[row.id],
            author=row.author,
            created_at=row.created_at,
            review_due=row.review_due,
        )
        if sha256_hex(record) != row.content_sha256:
            breaks.append(
                ChainBreak(
                    assessment_id=row.assessment_id,
                    number=row.number,
                    problem="the stored answers, report, signatures or metadata no longer match "
                    "the version's content hash",
                )
            )
        if where in recorded and recorded[where] != row.content_sha256:
            breaks.append(
                ChainBreak(
                    assessment_id=row.assessment_id,
                    number=row.number,
                    problem=f"the content hash was rewritten: the audit log recorded "
                    f"{recorded[where]} when the version was added",
                )
            )
        if row.prev_chain_hash != expected_prev:
            breaks.append(
                ChainBreak(
                    assessment_id=row.assessment_id,
                    number=row.number,
                    problem="the link to the previous version is broken (prev_chain_hash "
                    f"{row.prev_chain_hash} is not the previous chain hash {expected_prev})",
                )
            )
        if row.chain_hash != chain_hash(row.prev_chain_hash, row.content_sha256):
            breaks.append(
                ChainBreak(
                    assessment_id=row.assessment_id,
                    number=row.number,
                    problem="the chain hash is not sha256(prev_chain_hash + content_sha256)",
                )
            )
        expected_number, expected_prev = row.number + 1, row.chain_hash
    if current is not None:
        breaks += _missing_tail(current, expected_number, latest.get(current, 0))
    for assessment_id, last in latest.items():
        if last and assessment_id not in visited:
            breaks += _missing_tail(assessment_id, 1, last)
    return ChainReport(assessments=len(latest), versions=count, breaks=tuple(breaks))


def _damaged_blobs(connection: Connection) -> set[str]:
    rows = connection.execution_options(yield_per=64).execute(
        select(blobs.c.sha256, blobs.c.content)
    )
    return {row.sha256 for row in rows if sha256_hex(bytes(row.content)) != row.sha256}


def _recorded_content_hashes(connection: Connection) -> dict[tuple[str, int], str]:
    rows = connection.execution_options(yield_per=_BATCH).execute(
        select(
            audit_events.c.assessment_id,
            audit_events.c.version_number,
            audit_events.c.details_json,
        ).where(audit_events.c.action == AuditAction.VERSION_ADDED)
    )
    return {
        (row.assessment_id, row.version_number): json.loads(row.details_json).get("content_sha256")
        for row in rows
    }


def _missing_tail(assessment_id: str, first: int, last: int) -> list[ChainBreak]:
    if first > last:
        return []
    return [
        ChainBreak(
            assessment_id=assessment_id,
            number=None,
            problem=f"{_span(first, last)} missing (the archive recorded {last} versions)",
        )
    ]


def _span(first: int, last: int) -> str:
    return f"version {first} is" if first == last else f"versions {first} to {last} are"
