"""Grants and break-glass, and the notifications table owner alerts are recorded in.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grants",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("child_id", sa.String(36), sa.ForeignKey("children.id"), nullable=False),
        sa.Column("owner_agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("grantee_agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("request_id", sa.String(36), nullable=True),
        sa.Column("granted_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_grants_grantee_child", "grants", ["grantee_agency_id", "child_id", "expires_at"])
    op.create_table(
        "break_glass_sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("practitioner_id", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=False),
        sa.Column("agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("child_id", sa.String(36), sa.ForeignKey("children.id"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("case_reference", sa.String(100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_break_glass_practitioner_child", "break_glass_sessions",
                    ["practitioner_id", "child_id", "expires_at"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("recipient_agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("recipient_practitioner_id", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=True),
        sa.Column("recipient_role", sa.String(60), nullable=True),
        sa.Column("child_id", sa.String(36), sa.ForeignKey("children.id"), nullable=True),
        sa.Column("record_key", sa.String(36), nullable=True),
        sa.Column("actor_practitioner_id", sa.String(36), nullable=True),
        sa.Column("actor_agency_id", sa.String(36), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(36), nullable=True),
    )
    op.create_index("ix_notifications_recipient", "notifications", ["recipient_agency_id", "created_at"])
    op.create_index("ix_notifications_record", "notifications", ["record_key", "recipient_agency_id", "kind"])
    # Worklists across children are read newest first and stop after a page.
    op.create_index("ix_record_versions_start", "record_versions", ["start_date", "record_key"])


def downgrade() -> None:
    op.drop_index("ix_record_versions_start", "record_versions")
    op.drop_table("notifications")
    op.drop_table("break_glass_sessions")
    op.drop_table("grants")
