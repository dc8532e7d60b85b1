"""Adapter cursors, quarantine and identity resolution.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SYNC_PURPOSE = {
    "code": "AGENCY_RECORD_SYNC",
    "name": "An agency's adapter keeping the hub's copy of its records in step with its own system",
    "lawful_basis": "UK GDPR Art 6(1)(e) public task; DPA 2018 Sch 1 para 18 (safeguarding of children)",
    "legislation": "Children Act 2004 s.11; Children's Wellbeing and Schools Act 2026 s.4",
}


def upgrade() -> None:
    op.create_table(
        "adapter_cursors",
        sa.Column("adapter", sa.String(60), primary_key=True),
        sa.Column("cursor", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "adapter_source_items",
        sa.Column("adapter", sa.String(60), primary_key=True),
        sa.Column("source_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.String(36), sa.ForeignKey("children.id"), nullable=False),
        sa.Column("record_key", sa.String(36), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_adapter_source_items_child_id", "adapter_source_items", ["child_id"])
    op.create_table(
        "adapter_quarantine",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("adapter", sa.String(60), nullable=False),
        sa.Column("source_id", sa.String(100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("resolution_id", sa.String(36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_adapter_quarantine_adapter", "adapter_quarantine", ["adapter"])
    op.create_index("ix_adapter_quarantine_status", "adapter_quarantine", ["status"])
    op.create_table(
        "identity_keys",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("child_id", sa.String(36), sa.ForeignKey("children.id"), primary_key=True),
    )
    op.create_index("ix_identity_keys_child", "identity_keys", ["child_id"])
    op.create_table(
        "identity_resolutions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("adapter", sa.String(60), nullable=False),
        sa.Column("local_id", sa.String(100), nullable=False),
        sa.Column("person", sa.JSON(), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("best_score", sa.Float(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_child_id", sa.String(36), sa.ForeignKey("children.id"), nullable=True),
        sa.Column("resolved_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_identity_resolutions_agency_id", "identity_resolutions", ["agency_id"])
    op.create_index("ix_identity_resolutions_status", "identity_resolutions", ["status"])
    op.create_index("ix_identity_resolutions_local", "identity_resolutions", ["agency_id", "local_id", "status"])
    # Matching by NHS number and by date of birth must not scan the children.
    op.create_index("ix_children_date_of_birth", "children", ["date_of_birth"])
    purposes = sa.table("purposes", *(sa.column(name) for name in SYNC_PURPOSE))
    op.bulk_insert(purposes, [SYNC_PURPOSE])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM purposes WHERE code = 'AGENCY_RECORD_SYNC'"))
    op.drop_index("ix_children_date_of_birth", "children")
    for table in ("identity_resolutions", "identity_keys", "adapter_quarantine", "adapter_source_items",
                  "adapter_cursors"):
        op.drop_table(table)
