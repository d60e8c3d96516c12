"""Checkpoints: the signed heads of the archive's chains, the pattern of a Certificate
Transparency log's signed tree head.

After every write, in the same transaction, the archive signs a checkpoint body: for each table of
the legal record how many rows it holds and the id of the last one, and for the two archive-wide
chains (audit events, role grants) their head. The per-assessment chains of versions and status
changes are covered through the audit log, whose events name the chain hash of each row they
created. Each checkpoint names the SHA-256 of the one before, so the checkpoints are a chain too.

The checkpoint is kept twice: in the `checkpoints` table, committed with the rows it covers (so a
crash can never leave a committed write unsigned), and as a copy outside the database,
`<DPIA_CHECKPOINT_DIR>/<archive id>.json`, written after the commit. The copy is what catches a
database rolled back to an earlier state; a copy kept further away (an exported bag) catches a
rollback of both.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import ArchiveError
from ._canonical import GENESIS, canonical_json, sha256_hex

__all__ = [
    "CHAINED_TABLES",
    "CHECKPOINT_FORMAT",
    "COUNTED_TABLES",
    "ID_TABLES",
    "Checkpoint",
    "CheckpointCopies",
    "TableState",
    "checkpoint_body",
]

CHECKPOINT_FORMAT = "dpia-checkpoint/1"
_COPY_FORMAT = "dpia-checkpoint-copy/1"
COUNTED_TABLES = (
    "assessments",
    "audit_events",
    "blobs",
    "role_grants",
    "signatures",
    "version_statuses",
    "versions",
)
CHAINED_TABLES = ("audit_events", "role_grants")
ID_TABLES = tuple(name for name in COUNTED_TABLES if name not in ("assessments", "blobs"))
_MAX_COPY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class TableState:
    """A table as a checkpoint saw it: rows, id of the last row, head of its chain."""

    count: int
    last_id: int | None = None
    head: str | None = None

    def as_json(self, with_id: bool) -> dict[str, Any]:
        shown: dict[str, Any] = {"count": self.count}
        if with_id:
            shown["last_id"] = self.last_id
        if self.head is not None:
            shown["head"] = self.head
        return shown


def checkpoint_body(
    *,
    archive_id: str,
    sequence: int,
    at: str,
    key_sha256: str,
    previous_sha256: str,
    tables: dict[str, TableState],
) -> bytes:
    return canonical_json(
        {
            "format": CHECKPOINT_FORMAT,
            "archive_id": archive_id,
            "sequence": sequence,
            "at": at,
            "key_sha256": key_sha256,
            "previous_sha256": previous_sha256,
            "tables": {name: tables[name].as_json(name in ID_TABLES) for name in COUNTED_TABLES},
        }
    )


@dataclass(frozen=True)
class Checkpoint:
    """A signed checkpoint as stored: the exact body bytes, the signature, the optional token."""

    body: bytes
    signature: bytes
    timestamp_token: bytes | None
    archive_id: str
    sequence: int
    at: str
    key_sha256: str
    previous_sha256: str
    tables: dict[str, TableState]

    @property
    def sha256(self) -> str:
        return sha256_hex(self.body)

    @classmethod
    def parse(
        cls, body: bytes, signature: bytes, timestamp_token: bytes | None, *, where: str
    ) -> Checkpoint:
        """Read a body back; a damaged one is an ArchiveError that says where it came from."""
        try:
            fields = json.loads(body)
            if fields.get("format") != CHECKPOINT_FORMAT:
                raise ValueError(f"format {fields.get('format')!r}")
            tables = {
                name: TableState(
                    count=int(fields["tables"][name]["count"]),
                    last_id=fields["tables"][name].get("last_id"),
                    head=fields["tables"][name].get("head"),
                )
                for name in COUNTED_TABLES
            }
            checkpoint = cls(
                body=bytes(body),
                signature=bytes(signature),
                timestamp_token=None if timestamp_token is None else bytes(timestamp_token),
                archive_id=str(fields["archive_id"]),
                sequence=int(fields["sequence"]),
                at=str(fields["at"]),
                key_sha256=str(fields["key_sha256"]),
                previous_sha256=str(fields["previous_sha256"]),
                tables=tables,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ArchiveError(f"{where} is not a readable checkpoint ({exc})") from None
        if canonical_json(fields) != checkpoint.body:
            raise ArchiveError(f"{where} is not in canonical form")
        return checkpoint

    @property
    def is_first(self) -> bool:
        return self.previous_sha256 == GENESIS


class CheckpointCopies:
    """The copies kept outside the database: one file per archive, replaced atomically."""

    def __init__(self, directory: Path):
        self.directory = directory

    def path(self, archive_id: str) -> Path:
        return self.directory / f"{archive_id}.json"

    def read(self, archive_id: str) -> Checkpoint | None:
        path = self.path(archive_id)
        try:
            if path.stat().st_size > _MAX_COPY_BYTES:
                raise ArchiveError(f"{path} is over {_MAX_COPY_BYTES:,} bytes; not a checkpoint")
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ArchiveError(f"{path}: cannot read: {exc.strerror or exc}") from None
        try:
            envelope = json.loads(raw)
            if envelope.get("format") != _COPY_FORMAT:
                raise ValueError(f"format {envelope.get('format')!r}")
            body = envelope["checkpoint"].encode("utf-8")
            signature = bytes.fromhex(envelope["signature"])
            token = envelope.get("timestamp_token")
            token_bytes = None if token is None else base64.b64decode(token, validate=True)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ArchiveError(f"{path} is not a readable checkpoint copy ({exc})") from None
        return Checkpoint.parse(body, signature, token_bytes, where=str(path))

    def write(self, checkpoint: Checkpoint) -> Path:
        """Replace the copy whole: a reader sees the old checkpoint or the new, never a mix."""
        envelope = {
            "format": _COPY_FORMAT,
            "checkpoint": checkpoint.body.decode("utf-8"),
            "signature": checkpoint.signature.hex(),
            "timestamp_token": (
                None
                if checkpoint.timestamp_token is None
                else base64.b64encode(checkpoint.timestamp_token).decode("ascii")
            ),
        }
        path = self.path(checkpoint.archive_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        try:
            with open(staging, "wb") as handle:
                handle.write(json.dumps(envelope, indent=2, sort_keys=True).encode() + b"\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(staging, path)
        finally:
            staging.unlink(missing_ok=True)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return path
