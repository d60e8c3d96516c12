"""The archive: assessments, drafts, append-only versions, statuses, audit log and blobs.

Append-only is enforced by the database itself, so that not even a script with the
application's own credentials can quietly rewrite a version: triggers refuse UPDATE and DELETE
(and TRUNCATE on PostgreSQL) on every table of the legal record.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_APPEND_ONLY = ("blobs", "versions", "signatures", "version_statuses", "audit_events")
_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_HASH = sa.String(64)
_TIME = sa.String(32)
_NAME = sa.String(300)


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", _NAME, nullable=False),
        sa.Column("organisation", _NAME, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("created_by", _NAME, nullable=False),
        sa.Column("latest_version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20)),
        sa.Column("review_due", sa.String(10)),
        sa.Column("updated_at", _TIME, nullable=False),
    )
    op.create_index("ix_assessments_status", "assessments", ["status"])
    op.create_index("ix_assessments_review_due", "assessments", ["review_due"])
    op.create_table(
        "drafts",
        sa.Column(
            "assessment_id", sa.String(64), sa.ForeignKey("assessments.id"), primary_key=True
        ),
        sa.Column("answers_json", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.Column("updated_by", _NAME, nullable=False),
    )
    op.create_table(
        "blobs",
        sa.Column("sha256", _HASH, primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "versions",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("assessment_id", sa.String(64), sa.ForeignKey("assessments.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("questionnaire", sa.String(100), nullable=False),
        sa.Column("questionnaire_sha256", _HASH, sa.ForeignKey("blobs.sha256"), nullable=False),
        sa.Column("answers_json", sa.Text, nullable=False),
        sa.Column("report_json", sa.Text, nullable=False),
        sa.Column("document_sha256", _HASH, sa.ForeignKey("blobs.sha256")),
        sa.Column("author", _NAME, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("review_due", sa.String(10)),
        sa.Column("content_sha256", _HASH, nullable=False),
        sa.Column("prev_chain_hash", _HASH, nullable=False),
        sa.Column("chain_hash", _HASH, nullable=False, unique=True),
        sa.UniqueConstraint("assessment_id", "number", name="uq_versions_assessment_number"),
    )
    op.create_table(
        "signatures",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("version_id", _ROW_ID, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("signer", sa.String(64), nullable=False),
        sa.Column("blob_sha256", _HASH, sa.ForeignKey("blobs.sha256"), nullable=False),
        sa.UniqueConstraint("version_id", "signer", name="uq_signatures_version_signer"),
    )
    op.create_table(
        "version_statuses",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("version_id", _ROW_ID, sa.ForeignKey("versions.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("actor", _NAME, nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_version_statuses_version_id", "version_statuses", ["version_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("actor", _NAME, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("assessment_id", sa.String(64)),
        sa.Column("version_number", sa.Integer),
        sa.Column("details_json", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_events_assessment_id", "audit_events", ["assessment_id"])
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_guards()
    else:
        _sqlite_guards()


def _sqlite_guards() -> None:
    for table in _APPEND_ONLY:
        for operation, verb in (("UPDATE", "changed"), ("DELETE", "deleted")):
            op.execute(
                f"CREATE TRIGGER {table}_append_only_{operation.lower()} "
                f"BEFORE {operation} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, '{table} is append-only: a stored row cannot be {verb}'); "
                "END"
            )


def _postgresql_guards() -> None:
    op.execute(
        """
        CREATE FUNCTION dpia_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % of a stored row refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END
        $$
        """
    )
    for table in _APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION dpia_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION dpia_refuse_change()"
        )


def downgrade() -> None:
    raise RuntimeError(
        "the archive's first revision cannot be undone: it would delete the legal record"
    )
