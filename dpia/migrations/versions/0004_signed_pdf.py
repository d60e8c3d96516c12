"""The signed PDF/A beside the .docx: `versions.signed_pdf_sha256`.

A frozen version may keep the PDF/A copy of its document with the PAdES signatures inside it,
stored once in `blobs` like every other file. The column copies a field of the version's
record, which names the PDF only when there is one, so every record stored before keeps its
content hash and its chain, and no stored row is rewritten (the append-only guards stay).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("versions", sa.Column("signed_pdf_sha256", sa.String(64), nullable=True))


def downgrade() -> None:
    raise RuntimeError(
        "a signed PDF kept with a version is part of the legal record; restore a backup instead"
    )
