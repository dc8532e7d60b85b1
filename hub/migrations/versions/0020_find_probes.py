"""FIND probes, for limiting repeated probing of one child.

Revision ID: 0020
Revises: 0006
Create Date: 2026-12-02

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A digest of the details asked, per practitioner and child, kept only for the probing window
    # (hub.services.find_probing): many differing questions about one child are refused and alerted.
    op.create_table(
        "find_probes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("practitioner_id", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=False),
        sa.Column("child_id", sa.String(36), sa.ForeignKey("children.id"), nullable=False),
        sa.Column("details_digest", sa.String(64), nullable=False),
        sa.Column("probed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_find_probes_practitioner_child", "find_probes",
                    ["practitioner_id", "child_id", "probed_at"])


def downgrade() -> None:
    op.drop_index("ix_find_probes_practitioner_child", table_name="find_probes")
    op.drop_table("find_probes")
