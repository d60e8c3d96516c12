"""Indexes for the reads that see every row.

`dpia archive verify` finds, for each version and status change, the audit event that created
it: by its subject hash and action. The index on the subject hash alone made SQLite read each
matching event row (record text included) to check the action; an index on the subject hash,
the action and the event id answers the lookup without reading the table. It replaces the
narrower one, which it covers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_events_subject_action", "audit_events", ["subject_sha256", "action", "id"]
    )
    op.drop_index("ix_audit_events_subject", table_name="audit_events")


def downgrade() -> None:
    op.create_index("ix_audit_events_subject", "audit_events", ["subject_sha256"])
    op.drop_index("ix_audit_events_subject_action", table_name="audit_events")
