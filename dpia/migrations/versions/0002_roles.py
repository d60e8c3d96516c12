"""Roles of the people who sign in to the app, as an append-only log of grants.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "role_grants",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("person", sa.String(320), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("granted", sa.Boolean, nullable=False),
        sa.Column("actor", sa.String(300), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_index("ix_role_grants_person", "role_grants", ["person"])
    if op.get_bind().dialect.name == "postgresql":
        # dpia_refuse_change() comes from revision 0001.
        op.execute(
            "CREATE TRIGGER role_grants_append_only BEFORE UPDATE OR DELETE ON role_grants "
            "FOR EACH ROW EXECUTE FUNCTION dpia_refuse_change()"
        )
        op.execute(
            "CREATE TRIGGER role_grants_append_only_truncate BEFORE TRUNCATE ON role_grants "
            "FOR EACH STATEMENT EXECUTE FUNCTION dpia_refuse_change()"
        )
    else:
        for operation, verb in (("UPDATE", "changed"), ("DELETE", "deleted")):
            refusal = f"role_grants is append-only: a stored row cannot be {verb}"
            op.execute(
                f"CREATE TRIGGER role_grants_append_only_{operation.lower()} "
                f"BEFORE {operation} ON role_grants BEGIN SELECT RAISE(ABORT, '{refusal}'); END"
            )


def downgrade() -> None:
    raise RuntimeError("role grants are part of the record and cannot be dropped")
