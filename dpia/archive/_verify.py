"""Re-compute every hash in the archive, hold every chain against the latest signed checkpoint,
and name each place where the record no longer adds up.

What a clean run proves: every stored part of every version still hashes to its record; the
versions and status changes of each assessment, the audit log and the role grants each form an
unbroken chain; every version, status change and assessment has the audit event that created it
and every such event its row; the listing matches the record; and the chains end exactly where
the latest checkpoint, signed with the archive key, says they end, with the copy kept outside
the database agreeing. So nobody who can only run SQL changed, added, removed or replaced a
row since that checkpoint without it showing here.

What it cannot prove alone: that the database and the checkpoint copy were not both rolled back
to an earlier, genuinely signed state. That needs a checkpoint kept further away, such as the
one inside an exported bag: `against` compares with those.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from .._errors import ArchiveError, ArchiveIntegrityError
from ._anchor import Anchor
from ._archive_key import fingerprint, public_key, verify_signature
from ._canonical import sha256_hex
from ._checkpoint import CHAINED_TABLES, COUNTED_TABLES, Checkpoint, CheckpointCopies
from ._kept_checkpoint import read_kept_checkpoint
from ._ledger import archive_id_of
from ._listing import listing_differences
from ._records import AuditAction, ChainBreak, ChainReport, CheckpointSummary
from ._schema import assessments, audit_events, blobs, checkpoints, version_statuses, versions
from ._verify_logs import orphans, walk_audit, walk_grants, walk_statuses
from ._verify_rows import Findings, TableSeen, walk_versions

__all__ = ["verify_chains"]


def verify_chains(
    connection: Connection, anchor: Anchor, against: Iterable[str | Path] = ()
) -> ChainReport:
    findings = Findings()
    kept = [read_kept_checkpoint(Path(path)) for path in against]
    key = _ArchiveKey(anchor)
    latest, summary = _latest_checkpoint(connection, key, findings)
    after = {name: latest.tables[name].last_id for name in COUNTED_TABLES} if latest else {}
    watch = {
        name: {c.tables[name].last_id for c in [*kept, *([latest] if latest else [])]} - {None}
        for name in CHAINED_TABLES
    }
    seen: dict[str, TableSeen] = {"blobs": TableSeen(), "assessments": TableSeen()}
    damaged = _damaged_blobs(connection, seen["blobs"])
    seen["versions"], seen["signatures"] = walk_versions(
        connection, findings, damaged, after.get("versions")
    )
    seen["version_statuses"] = walk_statuses(connection, findings, after.get("version_statuses"))
    seen["audit_events"] = walk_audit(
        connection, findings, after.get("audit_events"), watch["audit_events"]
    )
    seen["role_grants"] = walk_grants(
        connection, findings, after.get("role_grants"), watch["role_grants"]
    )
    _check_assessments(connection, findings, seen["assessments"])
    _describe_orphans(connection, findings, seen)
    for assessment_id, problem in listing_differences(connection):
        findings.add(
            assessment_id, None, f"{problem}; the listing is rebuilt at the next write to it"
        )
    if latest is not None:
        _hold_against(latest, seen, findings, f"checkpoint #{latest.sequence}")
    elif any(table.count for table in seen.values()):
        findings.add(
            None,
            None,
            "no signed checkpoint covers this archive: nothing shows it was not changed "
            "(an archive upgraded from revision 0002 is anchored by its next write or by "
            "`dpia archive checkpoint`)",
        )
    for given, path in zip(kept, against, strict=True):
        _compare_kept(connection, key, given, str(path), latest, seen, findings)
    return ChainReport(
        assessments=seen["assessments"].count,
        versions=seen["versions"].count,
        breaks=tuple(
            ChainBreak(assessment_id=aid, number=number, problem=problem)
            for aid, number, problem in findings.problems
        ),
        omitted=findings.omitted,
        checkpoint=summary,
        notes=tuple(findings.notes),
    )


# The queries verify runs once each, built once: building one cost more than running it on a
# small archive.
_BLOBS = select(blobs.c.sha256, blobs.c.content).execution_options(yield_per=64)
_LATEST_CHECKPOINT = select(checkpoints).order_by(checkpoints.c.sequence.desc()).limit(1)
_CHECKPOINTS_NUMBERED = select(func.count(), func.max(checkpoints.c.sequence))
_CHECKPOINT_BODY = select(checkpoints.c.body_json).where(
    checkpoints.c.sequence == bindparam("sequence")
)
_STATUSES_WITHOUT_VERSION = select(version_statuses.c.id).where(
    ~select(versions.c.id).where(versions.c.id == version_statuses.c.version_id).exists()
)


def _checkpoint_body(connection: Connection, sequence: int) -> str | None:
    return connection.execute(_CHECKPOINT_BODY, {"sequence": sequence}).scalar_one_or_none()


def _damaged_blobs(connection: Connection, seen: TableSeen) -> set[str]:
    """Hashes of blobs whose bytes changed; bounded by the damage, not by the archive."""
    damaged = set()
    for sha, content in connection.execute(_BLOBS):
        seen.count += 1
        if sha256_hex(bytes(content)) != sha:
            damaged.add(sha)
    return damaged


def _latest_checkpoint(
    connection: Connection, key: _ArchiveKey, findings: Findings
) -> tuple[Checkpoint | None, CheckpointSummary | None]:
    anchor = key.anchor
    try:
        archive_id = archive_id_of(connection)
    except ArchiveIntegrityError as exc:
        findings.add(None, None, str(exc))
        return None, None
    row = connection.execute(_LATEST_CHECKPOINT).one_or_none()
    if row is None:
        return None, None
    try:
        latest = Checkpoint.parse(
            row.body_json.encode("utf-8"),
            row.signature,
            row.timestamp_token,
            where=f"checkpoint #{row.sequence}",
        )
    except ArchiveError as exc:
        findings.add(None, None, str(exc))
        return None, None
    where = f"checkpoint #{latest.sequence}"
    if latest.archive_id != archive_id:
        findings.add(None, None, f"{where} names archive {latest.archive_id}, not {archive_id}")
    _check_signature(key, latest, where, findings)
    count, highest = connection.execute(_CHECKPOINTS_NUMBERED).one()
    if count != highest:
        findings.add(
            None,
            None,
            f"the checkpoints are numbered up to #{highest} but only {count} are stored: "
            "some were deleted",
        )
    if latest.sequence > 1:
        before = _checkpoint_body(connection, latest.sequence - 1)
        if before is None or sha256_hex(before.encode("utf-8")) != latest.previous_sha256:
            findings.add(None, None, f"{where} does not follow on from the checkpoint before it")
    copies = CheckpointCopies(anchor.checkpoint_dir)
    _compare_copy(connection, key, latest, copies, findings)
    if anchor.key.passphrase_path.exists() and not anchor.key.passphrase:
        findings.notes.append(
            f"the archive key's passphrase is kept beside it ({anchor.key.passphrase_path}): "
            "the checkpoints show changes made through the database, not by someone who can "
            "also read that folder (docs/archive.md, 'What the default set-up protects')"
        )
    return latest, CheckpointSummary(
        sequence=latest.sequence,
        at=dt.datetime.fromisoformat(latest.at),
        key_sha256=latest.key_sha256,
        copied_to=str(copies.path(archive_id)),
        timestamp=_timestamp_text(anchor, latest, findings),
    )


class _ArchiveKey:
    """The archive's public key, read once per verify, and each signature checked once: the
    database's latest checkpoint and its copy outside are the same signed bytes."""

    def __init__(self, anchor: Anchor) -> None:
        self.anchor = anchor
        self._read = False
        self._public: Any = None
        self._fingerprint = ""
        self._verified: dict[tuple[bytes, bytes], bool] = {}

    def public(self) -> tuple[Any, str]:
        if not self._read:
            self._public = public_key(self.anchor.key)
            self._fingerprint = "" if self._public is None else fingerprint(self._public)
            self._read = True
        return self._public, self._fingerprint

    def verifies(self, checkpoint: Checkpoint) -> bool:
        signed = (checkpoint.body, checkpoint.signature)
        if signed not in self._verified:
            self._verified[signed] = verify_signature(self._public, *signed)
        return self._verified[signed]


def _check_signature(
    key: _ArchiveKey, checkpoint: Checkpoint, where: str, findings: Findings
) -> None:
    anchor = key.anchor
    public, public_sha256 = key.public()
    if public is None:
        findings.add(
            None,
            None,
            f"cannot check the signature of {where}: no archive public key at "
            f"{anchor.key.public_path} (point DPIA_ARCHIVE_KEY at the archive key)",
        )
    elif public_sha256 != checkpoint.key_sha256:
        findings.add(
            None,
            None,
            f"{where} is signed by the key with SHA-256 {checkpoint.key_sha256}, not by the "
            f"archive key at {anchor.key.path} ({public_sha256})",
        )
    elif not key.verifies(checkpoint):
        findings.add(None, None, f"the signature of {where} does not verify: dpia did not sign it")


def _compare_copy(
    connection: Connection,
    key: _ArchiveKey,
    latest: Checkpoint,
    copies: CheckpointCopies,
    findings: Findings,
) -> None:
    path = copies.path(latest.archive_id)
    try:
        copy = copies.read(latest.archive_id)
    except ArchiveError as exc:
        findings.add(None, None, str(exc))
        return
    if copy is None:
        findings.add(
            None,
            None,
            f"no copy of the checkpoints at {path}: DPIA_CHECKPOINT_DIR changed or the copy "
            "was removed, so nothing outside the database shows it was not rolled back",
        )
        return
    _check_signature(key, copy, f"the copy of checkpoint #{copy.sequence} at {path}", findings)
    if copy.sequence > latest.sequence:
        findings.add(
            None,
            None,
            f"the copy at {path} is checkpoint #{copy.sequence} ({copy.at}), but the database "
            f"ends at #{latest.sequence}: the database was rolled back",
        )
        return
    stored = _checkpoint_body(connection, copy.sequence)
    if stored is None or stored.encode("utf-8") != copy.body:
        findings.add(
            None,
            None,
            f"checkpoint #{copy.sequence} at {path} differs from the database's: the history "
            "was rewritten",
        )
    elif copy.sequence < latest.sequence:
        findings.notes.append(
            f"the copy at {path} is checkpoint #{copy.sequence}; #{latest.sequence} is signed "
            "in the database but was not copied yet (a write stopped between its commit and "
            "the copy); the next write copies it"
        )


def _timestamp_text(anchor: Anchor, latest: Checkpoint, findings: Findings) -> str | None:
    if latest.timestamp_token is None:
        return None
    from asn1crypto import cms

    from ..signing._timestamp import check_timestamp_token
    from ..signing._trust import TrustStore

    where = f"the time-stamp of checkpoint #{latest.sequence}"
    try:
        token = cms.ContentInfo.load(latest.timestamp_token, strict=True)
    except ValueError as exc:
        findings.add(None, None, f"{where} is damaged ({exc})")
        return None
    check = check_timestamp_token(token, latest.signature, TrustStore(anchor.trust_dir))
    for problem in check.problems:
        findings.add(None, None, f"{where}: {problem}")
    if check.time is None:
        return None
    when = f"{check.time:%Y-%m-%d %H:%M:%S} UTC by {check.authority}"
    if check.trust is not None and check.trust.trusted:
        return f"time-stamped {when} (trusted)"
    reason = check.trust.reason if check.trust is not None else "no trust store"
    findings.notes.append(
        f"{where} comes from an authority outside the trust store ({reason}); add its "
        "certificate with `dpia trust add` to rely on it"
    )
    return f"time-stamped {when} (authority not trusted)"


def _hold_against(
    checkpoint: Checkpoint, seen: dict[str, TableSeen], findings: Findings, where: str
) -> None:
    for name in COUNTED_TABLES:
        recorded, actual = checkpoint.tables[name], seen[name]
        if actual.count < recorded.count:
            findings.add(
                None,
                None,
                f"{name}: {where} counts {_rows(recorded.count)}, the archive holds "
                f"{actual.count:,}: {recorded.count - actual.count:,} deleted",
            )
        elif actual.count > recorded.count and (actual.last_id or 0) <= (recorded.last_id or 0):
            findings.add(
                None,
                None,
                f"{name}: {where} counts {_rows(recorded.count)}, the archive holds "
                f"{actual.count:,}: rows were added without a checkpoint",
            )
        if name in CHAINED_TABLES and recorded.last_id is not None:
            at = actual.hash_at.get(recorded.last_id)
            if at is None:
                findings.add(
                    None,
                    None,
                    f"{name}: row #{recorded.last_id}, where {where} ends the chain, is missing",
                )
            elif at != recorded.head:
                findings.add(
                    None,
                    None,
                    f"{name}: the chain was rewritten: row #{recorded.last_id} no longer has "
                    f"the hash {where} signed",
                )


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


def _describe_orphans(
    connection: Connection, findings: Findings, seen: dict[str, TableSeen]
) -> None:
    """Name, for each event whose row is gone, what the event recorded and what is there now.

    Each row was checked to have exactly one event naming it; so when there are as many events
    of a kind as rows they name, no event lost its row, and only otherwise are they looked for.
    """
    counted = seen["audit_events"].by_action
    found = []
    for action, table in (
        (AuditAction.ASSESSMENT_CREATED, "assessments"),
        (AuditAction.VERSION_ADDED, "versions"),
        (AuditAction.STATUS_CHANGED, "version_statuses"),
    ):
        if counted.get(action, 0) != seen[table].named:
            found += orphans(connection, action, findings.cap)
    for eid, action, aid, number, record_json in sorted(found):
        try:
            record = json.loads(record_json)
            details = record.get("details") or {}
        except (ValueError, AttributeError):
            continue
        where = f"audit event #{eid} ({action} by {record.get('actor')} at {record.get('at')})"
        if action == "assessment.created":
            findings.add(
                aid, None, f"the assessment's row is missing; {where} records its creation"
            )
            continue
        if action == "status.changed":
            findings.add(
                aid,
                number,
                f"{where} records a change to {details.get('to')!r} that the status history "
                "no longer holds",
            )
            continue
        stored = connection.execute(
            select(versions.c.content_sha256).where(
                versions.c.assessment_id == aid, versions.c.number == number
            )
        ).scalar_one_or_none()
        recorded = details.get("content_sha256")
        if stored is None:
            findings.add(
                aid,
                number,
                f"{where} records this version (content {recorded}), but the archive no longer "
                "holds it: it was deleted",
            )
        else:
            findings.add(
                aid,
                number,
                f"the version was replaced: {where} recorded content {recorded}, the stored "
                f"version has {stored}",
            )


_created = audit_events.alias("created")
_ASSESSMENTS_WITH_CREATION = (
    select(
        assessments.c.id,
        assessments.c.title,
        assessments.c.organisation,
        assessments.c.created_at,
        assessments.c.created_by,
        _created.c.id.label("event_id"),
        _created.c.record_json,
    )
    .select_from(
        assessments.outerjoin(
            _created,
            (_created.c.assessment_id == assessments.c.id)
            & (_created.c.action == "assessment.created"),
        )
    )
    .order_by(assessments.c.id)
    .execution_options(yield_per=1000)
)


def _check_assessments(connection: Connection, findings: Findings, seen: TableSeen) -> None:
    rows = connection.execute(_ASSESSMENTS_WITH_CREATION)
    last = None
    for aid, title, organisation, created_at, created_by, event_id, record_json in rows:
        if aid == last:
            findings.add(aid, None, f"a second assessment.created event (#{event_id}) names it")
            continue
        last = aid
        seen.count += 1
        if event_id is None:
            findings.add(aid, None, "no assessment.created event in the audit log names it")
            continue
        seen.named += 1
        record = json.loads(record_json)
        details = record.get("details") or {}
        if (details.get("title"), details.get("organisation"), record.get("actor")) != (
            title,
            organisation,
            created_by,
        ) or record.get("at") != created_at:
            findings.add(
                aid,
                None,
                f"the assessment's row no longer matches its assessment.created event "
                f"(#{event_id})",
            )
    for (sid,) in connection.execute(_STATUSES_WITHOUT_VERSION):
        findings.add(None, None, f"status change #{sid} names a version that is not in the archive")


def _compare_kept(
    connection: Connection,
    key: _ArchiveKey,
    given: Checkpoint,
    path: str,
    latest: Checkpoint | None,
    seen: dict[str, TableSeen],
    findings: Findings,
) -> None:
    """A checkpoint kept elsewhere must be one of this archive's, still in its history."""
    where = f"the checkpoint kept in {path} (#{given.sequence}, {given.at})"
    _check_signature(key, given, where, findings)
    if latest is None or given.sequence > latest.sequence:
        findings.add(
            None,
            None,
            f"{where} is later than anything in the archive (which ends at "
            f"#{latest.sequence if latest else 0}): the archive was rolled back",
        )
        return
    stored = _checkpoint_body(connection, given.sequence)
    if stored is None or stored.encode("utf-8") != given.body:
        findings.add(
            None, None, f"{where} is not in the archive's history: the history was rewritten"
        )
        return
    for name in CHAINED_TABLES:
        recorded = given.tables[name]
        if (
            recorded.last_id is not None
            and seen[name].hash_at.get(recorded.last_id) != recorded.head
        ):
            findings.add(None, None, f"{name}: the chain no longer passes through {where}")
    findings.notes.append(f"{where} is in the archive's history")
