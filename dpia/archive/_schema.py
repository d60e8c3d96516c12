"""The archive's tables as SQLAlchemy Core objects, for queries; Alembic migrations create them.

Three kinds of table, kept apart on purpose:

- working state that may change: `assessments` (a summary kept for fast listing) and `drafts`
  (answers being edited, guarded by a revision counter);
- the legal record, append-only and guarded by database triggers: `versions`, `signatures`,
  `version_statuses`, `audit_events`, and `blobs` (questionnaire snapshots, documents and
  signature files, stored once under their SHA-256);
- `alembic_version`, owned by Alembic.

Times are ISO 8601 UTC text and JSON is canonical text, so the bytes hashed are the bytes stored,
identically on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
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
    "assessments",
    "audit_events",
    "blobs",
    "drafts",
    "metadata",
    "signatures",
    "version_statuses",
    "versions",
]

metadata = MetaData()

_RowId = BigInteger().with_variant(Integer(), "sqlite")
_Hash = String(64)
_Time = String(32)
_Name = String(300)

assessments = Table(
    "assessments",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", _Name, nullable=False),
    Column("organisation", _Name, nullable=False),
    Column("created_at", _Time, nullable=False),
    Column("created_by", _Name, nullable=False),
    Column("latest_version", Integer, nullable=False),
    Column("status", String(20)),
    Column("review_due", String(10)),
    Column("updated_at", _Time, nullable=False),
    Index("ix_assessments_status", "status"),
    Index("ix_assessments_review_due", "review_due"),
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
    Column("author", _Name, nullable=False),
    Column("created_at", _Time, nullable=False),
    Column("review_due", String(10)),
    Column("content_sha256", _Hash, nullable=False),
    Column("prev_chain_hash", _Hash, nullable=False),
    Column("chain_hash", _Hash, nullable=False, unique=True),
    UniqueConstraint("assessment_id", "number", name="uq_versions_assessment_number"),
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
    Column("status", String(20), nullable=False),
    Column("actor", _Name, nullable=False),
    Column("at", _Time, nullable=False),
    Column("note", Text, nullable=False),
    Index("ix_version_statuses_version_id", "version_id"),
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
    Column("details_json", Text, nullable=False),
    Index("ix_audit_events_assessment_id", "assessment_id"),
)

APPEND_ONLY_TABLES = ("blobs", "versions", "signatures", "version_statuses", "audit_events")
