"""The archive's tables as SQLAlchemy Core objects, for queries; Alembic migrations create them.

Three kinds of table, kept apart on purpose:

- the legal record, append-only and guarded by database triggers: `assessments` (who created
  an assessment, when, under which title), `versions`, `signatures`, `version_statuses`,
  `audit_events`, `role_grants` (in `_roles`), `blobs` (questionnaire snapshots, documents and
  signature files, stored once under their SHA-256), `checkpoints` (the signed chain heads) and
  `archive_identity` (the archive's id, which names its checkpoints outside the database);
- working state that may change: `assessment_listing`, a summary derived from the record for
  fast listing (rebuilt by every write, compared with the record by `verify`, never read to
  decide anything), and `drafts` (answers being edited, guarded by a revision counter);
- `alembic_version`, owned by Alembic.

Every chained row keeps its canonical record as text (`record_json`), so that checking it is a
hash of stored bytes, not a rebuild. The other columns of a chained row are copies of fields of
that record, kept for indexes and joins; `verify` checks each copy against the record.

Times are ISO 8601 UTC text and JSON is canonical text, so the bytes hashed are the bytes stored,
identically on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "APPEND_ONLY_TABLES",
    "archive_identity",
    "assessment_listing",
    "assessments",
    "audit_events",
    "blobs",
    "checkpoints",
    "drafts",
    "metadata",
    "role_grants",
    "signatures",
    "version_statuses",
    "versions",
]

metadata = MetaData()

_RowId = BigInteger().with_variant(Integer(), "sqlite")
_Hash = String(64)
_Time = String(32)
_Name = String(300)

archive_identity = Table(
    "archive_identity",
    metadata,
    Column("archive_id", String(32), primary_key=True),
    Column("created_at", _Time, nullable=False),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", _Name, nullable=False),
    Column("organisation", _Name, nullable=False),
    Column("created_at", _Time, nullable=False),
    Column("created_by", _Name, nullable=False),
)

assessment_listing = Table(
    "assessment_listing",
    metadata,
    Column("assessment_id", String(64), ForeignKey("assessments.id"), primary_key=True),
    Column("title", _Name, nullable=False),
    Column("organisation", _Name, nullable=False),
    Column("created_at", _Time, nullable=False),
    Column("created_by", _Name, nullable=False),
    Column("latest_version", Integer, nullable=False),
    Column("status", String(20)),
    Column("review_due", String(10)),
    Column("updated_at", _Time, nullable=False),
    Index("ix_assessment_listing_order", "created_at", "assessment_id"),
    Index("ix_assessment_listing_status", "status"),
    Index("ix_assessment_listing_review_due", "review_due"),
)

drafts = Table(
    "drafts",
    metadata,
    Column("assessment_id", String(64), ForeignKey("assessments.id"), primary_key=True),
    Column("answers_json", Text, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("updated_at", _Time, nullable=False),
    Column("updated_by", _Name, nullable=False),
)

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", _Hash, primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

versions = Table(
    "versions",
    metadata,
    Column("id", _RowId, primary_key=True, autoincrement=True),
    Column("assessment_id", String(64), ForeignKey("assessments.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("questionnaire", String(100), nullable=False),
    Column("questionnaire_sha256", _Hash, ForeignKey("blobs.sha256"), nullable=False),
    Column("answers_json", Text, nullable=False),
    Column("report_json", Text, nullable=False),
    Column("document_sha256", _Hash, ForeignKey("blobs.sha256")),
    Column("signed_pdf_sha256", _Hash),
    Column("author", _Name, nullable=False),
    Column("created_at", _Time, nullable=False),
    Column("review_due", String(10)),
    Column("record_json", Text, nullable=False),
    Column("content_sha256", _Hash, nullable=False),
    Column("prev_chain_hash", _Hash, nullable=False),
    Column("chain_hash", _Hash, nullable=False, unique=True),
    UniqueConstraint("assessment_id", "number", name="uq_versions_assessment_number"),
    Index("ix_versions_document_sha256", "document_sha256"),
)

signatures = Table(
    "signatures",
    metadata,
    Column("id", _RowId, primary_key=True, autoincrement=True),
    Column("version_id", _RowId, ForeignKey("versions.id"), nullable=False),
    Column("signer", String(64), nullable=False),
    Column("blob_sha256", _Hash, ForeignKey("blobs.sha256"), nullable=False),
    UniqueConstraint("version_id", "signer", name="uq_signatures_version_signer"),
)

version_statuses = Table(
    "version_statuses",
    metadata,
    Column("id", _RowId, primary_key=True, autoincrement=True),
    Column("version_id", _RowId, ForeignKey("versions.id"), nullable=False),
    Column("assessment_id", String(64), nullable=False),
    Column("number", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("actor", _Name, nullable=False),
    Column("at", _Time, nullable=False),
    Column("note", Text, nullable=False),
    Column("record_json", Text, nullable=False),
    Column("prev_chain_hash", _Hash, nullable=False),
    Column("chain_hash", _Hash, nullable=False, unique=True),
    Index("ix_version_statuses_version_id", "version_id"),
    Index("ix_version_statuses_chain", "assessment_id", "id"),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", _RowId, primary_key=True, autoincrement=True),
    Column("at", _Time, nullable=False),
    Column("actor", _Name, nullable=False),
    Column("action", String(40), nullable=False),
    Column("assessment_id", String(64)),
    Column("version_number", Integer),
    Column("subject_sha256", _Hash),
    Column("record_json", Text, nullable=False),
    Column("prev_chain_hash", _Hash, nullable=False),
    Column("chain_hash", _Hash, nullable=False, unique=True),
    Index("ix_audit_events_assessment_id", "assessment_id", "id"),
    Index("ix_audit_events_subject_action", "subject_sha256", "action", "id"),
    Index("ix_audit_events_action_assessment", "action", "assessment_id"),
)

role_grants = Table(
    "role_grants",
    metadata,
    Column("id", _RowId, primary_key=True, autoincrement=True),
    Column("person", String(320), nullable=False),
    Column("role", String(40), nullable=False),
    Column("granted", Boolean, nullable=False),
    Column("actor", String(300), nullable=False),
    Column("at", _Time, nullable=False),
    Column("record_json", Text, nullable=False),
    Column("prev_chain_hash", _Hash, nullable=False),
    Column("chain_hash", _Hash, nullable=False, unique=True),
    Index("ix_role_grants_person", "person"),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("id", _RowId, primary_key=True, autoincrement=True),
    Column("sequence", BigInteger, nullable=False, unique=True),
    Column("body_json", Text, nullable=False),
    Column("signature", LargeBinary, nullable=False),
    Column("timestamp_token", LargeBinary),
)

APPEND_ONLY_TABLES = (
    "archive_identity",
    "assessments",
    "blobs",
    "versions",
    "signatures",
    "version_statuses",
    "audit_events",
    "role_grants",
    "checkpoints",
)
"""Tables whose rows the database refuses to change, delete or replace."""

UNIQUE_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
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
"""Every key an insert could collide on: SQLite's REPLACE resolves such a collision by deleting
the stored row without firing a DELETE trigger, so the insert guard refuses any of them."""
