"""An index on the audit log by action and assessment.

`dpia archive verify` finds, for each assessment, the `assessment.created` event that created
it. The only index on the assessment id is (assessment id, event id), so the lookup read every
event of the assessment, record text included, to check the action: an assessment with
100,000 versions cost verify 25 ms for that one event. An index on the action and the
assessment id finds it directly, and counts the events of one action without reading them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_events_action_assessment", "audit_events", ["action", "assessment_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_audit_events_action_assessment", table_name="audit_events")
