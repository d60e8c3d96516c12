"""The write side of anchoring: every write transaction checks the archive against its latest
checkpoint before it appends anything, and signs a new checkpoint before it commits.

The check before writing is what keeps an honest write from vouching for a dishonest one: if
rows were added behind dpia's back, or the chains no longer end where the last checkpoint says,
or the checkpoint kept outside the database is ahead of the database (a rollback) or disagrees
with it (a fork), the write is refused and nothing is written. Every check here is a handful of
indexed reads; walking the whole record is `verify`'s job.

A write transaction (`_database.writing`) opens its ledger on first use, the recording code
reports each row it appends to a chain or a counted table, and `seal` signs the result. Code
that writes through `writing` gets all of this without knowing about it.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, Select, func, insert, select

from .._errors import ArchiveError, ArchiveIntegrityError, SigningError
from ._anchor import Anchor, anchor_for
from ._archive_key import fingerprint, open_archive_key, public_key, verify_signature
from ._canonical import GENESIS
from ._checkpoint import (
    CHAINED_TABLES,
    COUNTED_TABLES,
    ID_TABLES,
    Checkpoint,
    CheckpointCopies,
    TableState,
    checkpoint_body,
)
from ._clock import utc_now_text
from ._schema import archive_identity, checkpoints, metadata

__all__ = ["Ledger", "forget_ledger", "ledger", "publish_checkpoint", "seal_ledger"]

_INFO_KEY = "dpia.ledger"


class Ledger:
    """What one write transaction appends, on top of the checkpoint it started from."""

    def __init__(
        self,
        connection: Connection,
        anchor: Anchor,
        archive_id: str,
        previous: Checkpoint | None,
        tables: dict[str, TableState],
    ):
        self.connection = connection
        self.anchor = anchor
        self.archive_id = archive_id
        self.previous = previous
        self.tables = tables
        self.appended = False
        self.forced = False
        self.sealed: Checkpoint | None = None

    @classmethod
    def open(cls, connection: Connection, *, restoring_copy: bool = False) -> Ledger:
        anchor = anchor_for(connection.engine)
        archive_id = archive_id_of(connection)
        row = connection.execute(
            select(checkpoints).order_by(checkpoints.c.sequence.desc()).limit(1)
        ).one_or_none()
        copies = CheckpointCopies(anchor.checkpoint_dir)
        copy = copies.read(archive_id)
        if row is None:
            if copy is not None:
                _refuse(
                    f"checkpoint #{copy.sequence} of this archive ({copy.at}) is kept in "
                    f"{copies.path(archive_id)}, but the database holds no checkpoint: the "
                    "database was replaced or rolled back"
                )
            return cls(connection, anchor, archive_id, None, _count_now(connection))
        previous = Checkpoint.parse(
            row.body_json.encode("utf-8"),
            row.signature,
            row.timestamp_token,
            where=f"checkpoint #{row.sequence} in the database",
        )
        _check_signed(anchor, archive_id, previous)
        _compare_copy(connection, previous, copy, copies.path(archive_id), restoring_copy)
        _refuse_rows_after(connection, previous)
        return cls(connection, anchor, archive_id, previous, dict(previous.tables))

    def head(self, table: str) -> str:
        return self.tables[table].head or GENESIS

    def added(self, table: str, row_id: int | None = None, head: str | None = None) -> None:
        """Count one row appended to `table` (its id, and for a chained table its hash)."""
        state = self.tables[table]
        self.tables[table] = replace(
            state,
            count=state.count + 1,
            last_id=row_id if row_id is not None else state.last_id,
            head=head if head is not None else state.head,
        )
        self.appended = True

    def seal(self) -> Checkpoint | None:
        """Sign and store the checkpoint of this transaction (none when nothing was added)."""
        if not (self.appended or self.forced):
            return None
        key = open_archive_key(self.anchor.key, may_create=self.previous is None)
        if self.previous is not None and key.fingerprint != self.previous.key_sha256:
            _refuse(
                f"the archive's checkpoints are signed by the key with SHA-256 "
                f"{self.previous.key_sha256}, but {self.anchor.key.path} holds the key "
                f"{key.fingerprint}: point DPIA_ARCHIVE_KEY at the archive's own key"
            )
        body = checkpoint_body(
            archive_id=self.archive_id,
            sequence=1 if self.previous is None else self.previous.sequence + 1,
            at=utc_now_text(),
            key_sha256=key.fingerprint,
            previous_sha256=GENESIS if self.previous is None else self.previous.sha256,
            tables=self.tables,
        )
        signature = key.sign(body)
        token = _timestamp(self.anchor.tsa_url, signature) if self.anchor.tsa_url else None
        self.connection.execute(
            insert(checkpoints).values(
                sequence=1 if self.previous is None else self.previous.sequence + 1,
                body_json=body.decode("utf-8"),
                signature=signature,
                timestamp_token=token,
            )
        )
        self.sealed = Checkpoint.parse(body, signature, token, where="the new checkpoint")
        return self.sealed


def archive_id_of(connection: Connection) -> str:
    found = connection.execute(select(archive_identity.c.archive_id)).scalars().all()
    if len(found) != 1:
        raise ArchiveIntegrityError(
            f"the archive's identity row is {'missing' if not found else 'doubled'}: its "
            "checkpoints cannot be found; restore the database from a backup"
        )
    return found[0]


def ledger(connection: Connection, *, restoring_copy: bool = False) -> Ledger:
    """The ledger of the write transaction on `connection`, opened (and checked) on first use."""
    opened = connection.info.get(_INFO_KEY)
    if opened is None:
        opened = Ledger.open(connection, restoring_copy=restoring_copy)
        connection.info[_INFO_KEY] = opened
    return opened


def seal_ledger(connection: Connection) -> tuple[Checkpoint, Anchor] | None:
    opened = connection.info.get(_INFO_KEY)
    if opened is None:
        return None
    sealed = opened.seal()
    return None if sealed is None else (sealed, opened.anchor)


def forget_ledger(connection: Connection) -> None:
    connection.info.pop(_INFO_KEY, None)


def publish_checkpoint(checkpoint: Checkpoint, anchor: Anchor) -> None:
    """Copy a committed checkpoint outside the database. A failure here loses nothing: the
    database's copy is signed, and the next write copies it out again."""
    try:
        CheckpointCopies(anchor.checkpoint_dir).write(checkpoint)
    except OSError as exc:
        warnings.warn(
            f"checkpoint #{checkpoint.sequence} was committed but not copied to "
            f"{anchor.checkpoint_dir}: {exc.strerror or exc}; the next write copies it",
            RuntimeWarning,
            stacklevel=3,
        )


def _refuse(problem: str) -> None:
    raise ArchiveIntegrityError(
        f"{problem}. Nothing was written; run `dpia archive verify` (docs/archive.md says how "
        "to recover)"
    )


def _check_signed(anchor: Anchor, archive_id: str, previous: Checkpoint) -> None:
    if previous.archive_id != archive_id:
        _refuse(
            f"the latest checkpoint names archive {previous.archive_id}, but this database "
            f"is archive {archive_id}"
        )
    public = public_key(anchor.key)
    if public is None:
        raise ArchiveError(
            f"no archive public key at {anchor.key.public_path}, but this archive's "
            "checkpoints are signed: restore the archive key or point DPIA_ARCHIVE_KEY at it"
        )
    if fingerprint(public) != previous.key_sha256:
        _refuse(
            f"checkpoint #{previous.sequence} was signed by the key with SHA-256 "
            f"{previous.key_sha256}, not by the archive key at {anchor.key.path}"
        )
    if not verify_signature(public, previous.body, previous.signature):
        _refuse(
            f"the signature of checkpoint #{previous.sequence} does not verify: dpia did not "
            "write it"
        )


def _compare_copy(
    connection: Connection,
    previous: Checkpoint,
    copy: Checkpoint | None,
    where: object,
    restoring: bool,
) -> None:
    if copy is None:
        if not restoring:
            _refuse(
                f"no copy of the archive's checkpoints at {where} (the latest is "
                f"#{previous.sequence}): DPIA_CHECKPOINT_DIR changed, or the copy was removed. "
                "Once you know which, `dpia archive checkpoint` writes the copy again"
            )
        return
    if copy.sequence > previous.sequence:
        _refuse(
            f"the copy at {where} is checkpoint #{copy.sequence} ({copy.at}), but the database "
            f"ends at #{previous.sequence}: the database was rolled back"
        )
    stored = connection.execute(
        select(checkpoints.c.body_json).where(checkpoints.c.sequence == copy.sequence)
    ).scalar_one_or_none()
    if stored is None or stored.encode("utf-8") != copy.body:
        _refuse(
            f"checkpoint #{copy.sequence} at {where} differs from the database's: the "
            "history was rewritten since"
        )


def _ends_now() -> Select[Any]:
    """The last id of every id table and the last chain hash of every chained one, in one
    statement: every write checks them before it appends."""
    columns = []
    for name in ID_TABLES:
        table = metadata.tables[name]
        columns.append(select(func.max(table.c.id)).scalar_subquery().label(f"{name}_id"))
        if name in CHAINED_TABLES:
            last = select(table.c.chain_hash).order_by(table.c.id.desc()).limit(1)
            columns.append(last.scalar_subquery().label(f"{name}_head"))
    return select(*columns)


_ENDS_NOW = _ends_now()


def _refuse_rows_after(connection: Connection, previous: Checkpoint) -> None:
    problems = []
    ends = connection.execute(_ENDS_NOW).one()._mapping
    for name in ID_TABLES:
        last = ends[f"{name}_id"]
        recorded = previous.tables[name].last_id
        if last != recorded:
            problems.append(f"{name} ends at row {last}, the checkpoint at {recorded}")
        elif (
            name in CHAINED_TABLES
            and last is not None
            and ends[f"{name}_head"] != previous.tables[name].head
        ):
            problems.append(f"the {name} chain no longer ends at the checkpoint's head")
    if problems:
        _refuse(
            f"the archive changed behind dpia's back since checkpoint #{previous.sequence} "
            f"({'; '.join(problems)})"
        )


def _count_now(connection: Connection) -> dict[str, TableState]:
    """The first checkpoint of an archive counts what is there (an empty archive, or one just
    upgraded from a revision without checkpoints)."""
    tables = {}
    for name in COUNTED_TABLES:
        table = metadata.tables[name]
        count = connection.execute(select(func.count()).select_from(table)).scalar_one()
        if name not in ID_TABLES:
            tables[name] = TableState(count=count)
            continue
        last = connection.execute(select(func.max(table.c.id))).scalar_one()
        head = None
        if name in CHAINED_TABLES:
            head = GENESIS
            if last is not None:
                head = connection.execute(
                    select(table.c.chain_hash).where(table.c.id == last)
                ).scalar_one()
        tables[name] = TableState(count=count, last_id=last, head=head)
    return tables


def _timestamp(url: str, signature: bytes) -> bytes:
    from ..signing._timestamp import HttpTimestamper, request_timestamp

    try:
        return request_timestamp(HttpTimestamper(url), signature).dump()
    except SigningError as exc:
        raise ArchiveError(
            f"cannot time-stamp the archive checkpoint (DPIA_TSA_URL): {exc}"
        ) from None
