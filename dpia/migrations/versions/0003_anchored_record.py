"""A record nobody can rewrite unseen.

- Every table of the legal record refuses UPDATE, DELETE and replace-style inserts. On SQLite,
  `INSERT OR REPLACE`, `REPLACE` and upserts delete the stored row without firing a DELETE
  trigger, so a BEFORE INSERT trigger refuses any insert that meets a stored key.
- Status changes, audit events and role grants are hash-chained like versions: each row keeps
  its canonical record and `prev_chain_hash`/`chain_hash`. Rows already stored are chained in
  their stored order, as they are at the moment of the upgrade.
- Versions keep their canonical record as text, so checking one is a hash of stored bytes.
- `assessments` keeps only the facts of creation; the summary for listing moves to
  `assessment_listing`, rebuilt from the record.
- `checkpoints` holds the signed chain heads, `archive_identity` the id that names them outside
  the database. The first checkpoint is signed by the first write after the upgrade (or by
  `dpia db upgrade` itself when the archive key is at hand).
- An `archive.upgraded` audit event closes the history chained at upgrade time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

from dpia.archive._canonical import (
    GENESIS,
    audit_record,
    grant_record,
    link,
    status_record,
    version_record,
)

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_HASH = sa.String(64)
_TIME = sa.String(32)
_NAME = sa.String(300)
_BATCH = 2000
_OLD_GUARDED = (
    "blobs",
    "versions",
    "signatures",
    "version_statuses",
    "audit_events",
    "role_grants",
)
_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "archive_identity": (("archive_id",),),
    "assessments": (("id",),),
    "blobs": (("sha256",),),
    "versions": (("id",), ("assessment_id", "number"), ("chain_hash",)),
    "signatures": (("id",), ("version_id", "signer")),
    "version_statuses": (("id",), ("chain_hash",)),
    "audit_events": (("id",), ("chain_hash",)),
    "role_grants": (("id",), ("chain_hash",)),
    "checkpoints": (("id",), ("sequence",)),
}


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    _drop_old_guards(postgresql)
    had_history = bind.execute(sa.text("SELECT count(*) FROM audit_events")).scalar_one() > 0
    op.create_table(
        "archive_identity",
        sa.Column("archive_id", sa.String(32), primary_key=True),
        sa.Column("created_at", _TIME, nullable=False),
    )
    bind.execute(
        sa.text("INSERT INTO archive_identity (archive_id, created_at) VALUES (:id, :at)"),
        {"id": uuid.uuid4().hex, "at": now},
    )
    _assessments(bind)
    _versions(bind, postgresql)
    _statuses(bind, postgresql)
    _audit_events(bind, postgresql, now if had_history else None)
    _role_grants(bind, postgresql)
    op.create_table(
        "checkpoints",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("sequence", sa.BigInteger, nullable=False, unique=True),
        sa.Column("body_json", sa.Text, nullable=False),
        sa.Column("signature", sa.LargeBinary, nullable=False),
        sa.Column("timestamp_token", sa.LargeBinary),
    )
    _listing(bind)
    if postgresql:
        _postgresql_guards()
    else:
        _sqlite_guards()


def downgrade() -> None:
    raise RuntimeError("the chained record cannot be taken apart again; restore a backup instead")


def _drop_old_guards(postgresql: bool) -> None:
    for table in _OLD_GUARDED:
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table}")
        else:
            for operation in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{operation}")


def _rows(bind: sa.Connection, query: str, **params: Any) -> list[sa.Row[Any]]:
    return list(bind.execute(sa.text(query), params))


def _pages(bind: sa.Connection, table: str, columns: str = "*") -> Iterator[list[sa.Row[Any]]]:
    """A table in id order, a page at a time, so the upgrade of a large archive stays small in
    memory and never reads a table while writing it."""
    last = -1
    while True:
        page = _rows(
            bind,
            f"SELECT {columns} FROM {table} WHERE id > :last ORDER BY id LIMIT {_BATCH}",
            last=last,
        )
        if not page:
            return
        yield page
        last = page[-1].id


def _insert(bind: sa.Connection, name: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        target = sa.table(name, *(sa.column(key) for key in rows[0]))
        bind.execute(sa.insert(target), rows)


def _assessments(bind: sa.Connection) -> None:
    """Keep the facts of creation: the title and organisation the assessment was created with
    (the audit log kept them; 0002 overwrote the row with the latest version's)."""
    op.create_table(
        "assessment_listing",
        sa.Column(
            "assessment_id", sa.String(64), sa.ForeignKey("assessments.id"), primary_key=True
        ),
        sa.Column("title", _NAME, nullable=False),
        sa.Column("organisation", _NAME, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("created_by", _NAME, nullable=False),
        sa.Column("latest_version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20)),
        sa.Column("review_due", sa.String(10)),
        sa.Column("updated_at", _TIME, nullable=False),
    )
    created = list(
        _rows(
            bind,
            "SELECT assessment_id, details_json FROM audit_events "
            "WHERE action = 'assessment.created' ORDER BY id",
        )
    )
    for row in created:
        details = json.loads(row.details_json)
        if isinstance(details.get("title"), str) and isinstance(details.get("organisation"), str):
            bind.execute(
                sa.text("UPDATE assessments SET title = :t, organisation = :o WHERE id = :id"),
                {"t": details["title"], "o": details["organisation"], "id": row.assessment_id},
            )
    op.drop_index("ix_assessments_status", table_name="assessments")
    op.drop_index("ix_assessments_review_due", table_name="assessments")
    for column in ("latest_version", "status", "review_due", "updated_at"):
        op.execute(f"ALTER TABLE assessments DROP COLUMN {column}")


def _versions(bind: sa.Connection, postgresql: bool) -> None:
    op.execute("ALTER TABLE versions ADD COLUMN record_json TEXT NOT NULL DEFAULT ''")
    for page in _pages(bind, "versions"):
        signed: dict[int, dict[str, str]] = {}
        for row in _rows(
            bind,
            "SELECT version_id, signer, blob_sha256 FROM signatures "
            "WHERE version_id BETWEEN :first AND :last",
            first=page[0].id,
            last=page[-1].id,
        ):
            signed.setdefault(row.version_id, {})[row.signer] = row.blob_sha256
        updates = [
            {
                "id": row.id,
                "record": version_record(
                    assessment_id=row.assessment_id,
                    number=row.number,
                    questionnaire=row.questionnaire,
                    questionnaire_sha256=row.questionnaire_sha256,
                    answers_sha256=_sha(row.answers_json),
                    report_sha256=_sha(row.report_json),
                    document_sha256=row.document_sha256,
                    signatures=dict(sorted(signed.get(row.id, {}).items())),
                    author=row.author,
                    created_at=row.created_at,
                    review_due=row.review_due,
                ).decode("utf-8"),
            }
            for row in page
        ]
        bind.execute(sa.text("UPDATE versions SET record_json = :record WHERE id = :id"), updates)
    if postgresql:
        op.execute("ALTER TABLE versions ALTER COLUMN record_json DROP DEFAULT")
    op.create_index("ix_versions_document_sha256", "versions", ["document_sha256"])


def _statuses(bind: sa.Connection, postgresql: bool) -> None:
    orphans = bind.execute(
        sa.text(
            "SELECT count(*) FROM version_statuses s "
            "WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.id = s.version_id)"
        )
    ).scalar_one()
    if orphans:
        raise RuntimeError(
            f"{orphans} status rows name a version that is not in the archive: the archive was "
            "damaged before this upgrade; restore a backup that `dpia archive verify` passes"
        )
    op.drop_index("ix_version_statuses_version_id", table_name="version_statuses")
    op.create_table(
        "version_statuses_new",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("version_id", _ROW_ID, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("assessment_id", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("actor", _NAME, nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("record_json", sa.Text, nullable=False),
        sa.Column("prev_chain_hash", _HASH, nullable=False),
        sa.Column("chain_hash", _HASH, nullable=False, unique=True),
    )
    heads: dict[str, str] = {}
    for page in _pages(bind, "version_statuses"):
        numbered = {
            row.id: row
            for row in _rows(
                bind,
                "SELECT id, assessment_id, number FROM versions WHERE id IN "
                "(SELECT version_id FROM version_statuses WHERE id BETWEEN :first AND :last)",
                first=page[0].id,
                last=page[-1].id,
            )
        }
        chained = []
        for row in page:
            version = numbered[row.version_id]
            prev = heads.get(version.assessment_id, GENESIS)
            record = status_record(
                assessment_id=version.assessment_id,
                number=version.number,
                status=row.status,
                actor=row.actor,
                at=row.at,
                note=row.note,
            )
            heads[version.assessment_id] = link(prev, record)
            chained.append(
                {
                    **row._asdict(),
                    "assessment_id": version.assessment_id,
                    "number": version.number,
                    "record_json": record.decode("utf-8"),
                    "prev_chain_hash": prev,
                    "chain_hash": heads[version.assessment_id],
                }
            )
        _insert(bind, "version_statuses_new", chained)
    _replace("version_statuses", bind, postgresql)
    op.create_index("ix_version_statuses_version_id", "version_statuses", ["version_id"])
    op.create_index("ix_version_statuses_chain", "version_statuses", ["assessment_id", "id"])


def _audit_events(bind: sa.Connection, postgresql: bool, upgraded_at: str | None) -> None:
    """Chain the log in its stored order, naming for each event the row it created where that
    row still matches what the event recorded."""
    op.drop_index("ix_audit_events_assessment_id", table_name="audit_events")
    op.create_index(
        "ix_dpia_upgrade_statuses", "version_statuses", ["assessment_id", "number", "at"]
    )
    op.create_table(
        "audit_events_new",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("actor", _NAME, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("assessment_id", sa.String(64)),
        sa.Column("version_number", sa.Integer),
        sa.Column("subject_sha256", _HASH),
        sa.Column("record_json", sa.Text, nullable=False),
        sa.Column("prev_chain_hash", _HASH, nullable=False),
        sa.Column("chain_hash", _HASH, nullable=False, unique=True),
    )
    prev, last_id, count = GENESIS, 0, 0
    for page in _pages(bind, "audit_events"):
        chained = []
        for row in page:
            details = json.loads(row.details_json)
            subject = _subject(bind, row, details)
            record = audit_record(
                at=row.at,
                actor=row.actor,
                action=row.action,
                assessment_id=row.assessment_id,
                version_number=row.version_number,
                subject_sha256=subject,
                details=details,
            )
            chain = link(prev, record)
            chained.append(
                {
                    "id": row.id,
                    "at": row.at,
                    "actor": row.actor,
                    "action": row.action,
                    "assessment_id": row.assessment_id,
                    "version_number": row.version_number,
                    "subject_sha256": subject,
                    "record_json": record.decode("utf-8"),
                    "prev_chain_hash": prev,
                    "chain_hash": chain,
                }
            )
            prev, last_id = chain, row.id
        count += len(chained)
        _insert(bind, "audit_events_new", chained)
    if upgraded_at is not None:
        details = {"from_revision": "0002", "to_revision": revision, "events_chained": count}
        record = audit_record(
            at=upgraded_at,
            actor="dpia (schema upgrade)",
            action="archive.upgraded",
            assessment_id=None,
            version_number=None,
            subject_sha256=None,
            details=details,
        )
        _insert(
            bind,
            "audit_events_new",
            [
                {
                    "id": last_id + 1,
                    "at": upgraded_at,
                    "actor": "dpia (schema upgrade)",
                    "action": "archive.upgraded",
                    "assessment_id": None,
                    "version_number": None,
                    "subject_sha256": None,
                    "record_json": record.decode("utf-8"),
                    "prev_chain_hash": prev,
                    "chain_hash": link(prev, record),
                }
            ],
        )
    _replace("audit_events", bind, postgresql)
    op.drop_index("ix_dpia_upgrade_statuses", table_name="version_statuses")
    op.create_index("ix_audit_events_assessment_id", "audit_events", ["assessment_id", "id"])
    op.create_index("ix_audit_events_subject", "audit_events", ["subject_sha256"])


def _subject(bind: sa.Connection, row: sa.Row[Any], details: dict[str, Any]) -> str | None:
    if row.action == "version.added":
        version = bind.execute(
            sa.text(
                "SELECT content_sha256, chain_hash FROM versions "
                "WHERE assessment_id = :a AND number = :n"
            ),
            {"a": row.assessment_id, "n": row.version_number},
        ).one_or_none()
        if version is not None and version.content_sha256 == details.get("content_sha256"):
            return version.chain_hash
    elif row.action == "status.changed":
        return bind.execute(
            sa.text(
                "SELECT chain_hash FROM version_statuses WHERE assessment_id = :a "
                "AND number = :n AND at = :at AND status = :s ORDER BY id LIMIT 1"
            ),
            {"a": row.assessment_id, "n": row.version_number, "at": row.at, "s": details.get("to")},
        ).scalar_one_or_none()
    return None


def _role_grants(bind: sa.Connection, postgresql: bool) -> None:
    op.drop_index("ix_role_grants_person", table_name="role_grants")
    op.create_table(
        "role_grants_new",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("person", sa.String(320), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("granted", sa.Boolean, nullable=False),
        sa.Column("actor", sa.String(300), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("record_json", sa.Text, nullable=False),
        sa.Column("prev_chain_hash", _HASH, nullable=False),
        sa.Column("chain_hash", _HASH, nullable=False, unique=True),
    )
    prev = GENESIS
    for page in _pages(bind, "role_grants"):
        chained = []
        for row in page:
            record = grant_record(
                person=row.person,
                role=row.role,
                granted=bool(row.granted),
                actor=row.actor,
                at=row.at,
            )
            chain = link(prev, record)
            chained.append(
                {
                    **row._asdict(),
                    "granted": bool(row.granted),
                    "record_json": record.decode("utf-8"),
                    "prev_chain_hash": prev,
                    "chain_hash": chain,
                }
            )
            prev = chain
        _insert(bind, "role_grants_new", chained)
    _replace("role_grants", bind, postgresql)
    op.create_index("ix_role_grants_person", "role_grants", ["person"])


def _replace(name: str, bind: sa.Connection, postgresql: bool) -> None:
    """Put the filled `<name>_new` in the old table's place, ids kept."""
    op.drop_table(name)
    op.rename_table(f"{name}_new", name)
    if postgresql:
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"
        )


def _listing(bind: sa.Connection) -> None:
    from dataclasses import asdict

    from dpia.archive._listing import derived_listings

    derived = [asdict(row) for row in derived_listings(bind)]
    for start in range(0, len(derived), _BATCH):
        _insert(bind, "assessment_listing", derived[start : start + _BATCH])
    op.create_index(
        "ix_assessment_listing_order", "assessment_listing", ["created_at", "assessment_id"]
    )
    op.create_index("ix_assessment_listing_status", "assessment_listing", ["status"])
    op.create_index("ix_assessment_listing_review_due", "assessment_listing", ["review_due"])


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sqlite_guards() -> None:
    for table, keys in _KEYS.items():
        for operation, verb in (("UPDATE", "changed"), ("DELETE", "deleted")):
            op.execute(
                f"CREATE TRIGGER {table}_append_only_{operation.lower()} "
                f"BEFORE {operation} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, '{table} is append-only: a stored row cannot be {verb}'); "
                "END"
            )
        meets = " OR ".join(
            "(" + " AND ".join(f"{column} = NEW.{column}" for column in key) + ")" for key in keys
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only_insert BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {meets}) BEGIN "
            f"SELECT RAISE(ABORT, '{table} is append-only: a stored row cannot be replaced'); "
            "END"
        )


def _postgresql_guards() -> None:
    """`dpia_refuse_change()` comes from revision 0001. PostgreSQL has no REPLACE, and its
    `INSERT ... ON CONFLICT DO UPDATE` fires the UPDATE trigger."""
    for table in _KEYS:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION dpia_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION dpia_refuse_change()"
        )
