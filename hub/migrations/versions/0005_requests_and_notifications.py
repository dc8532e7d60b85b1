"""Information requests, sharing decisions, notifications and their delivery.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Notifications written before this revision went to "the agency"; each now goes to the agency's front door
# (hub.domain.notification.FRONT_DOOR_ROLES, as it stood when this revision was written), so none is lost.
FRONT_DOOR_ROLES = {
    "LOCAL_AUTHORITY": "MASH_PRACTITIONER",
    "POLICE": "MASH_LEAD",
    "HEALTH": "HEALTH_SAFEGUARDING_PRACTITIONER",
    "SCHOOL": "DSL",
    "OTHER_RELEVANT_AGENCY": "MASH_LEAD",
}


def upgrade() -> None:
    op.add_column("notifications", sa.Column("request_id", sa.String(36), nullable=True))
    op.add_column("notifications", sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("notifications", sa.Column("do_not_approach_parents", sa.Boolean(), nullable=False,
                                             server_default=sa.false()))
    op.create_index("ix_notifications_practitioner", "notifications", ["recipient_practitioner_id", "created_at"])
    cases = " ".join(f"WHEN '{kind}' THEN '{role}'" for kind, role in FRONT_DOOR_ROLES.items())
    op.execute(f"UPDATE notifications SET recipient_role = (SELECT CASE agencies.kind {cases} END FROM agencies "
               "WHERE agencies.id = notifications.recipient_agency_id) "
               "WHERE recipient_role IS NULL AND recipient_practitioner_id IS NULL")

    with op.batch_alter_table("agency_record_links") as batch:
        batch.add_column(sa.Column("allocated_practitioner_id", sa.String(36), nullable=True))
        batch.create_foreign_key("fk_links_allocated_practitioner", "practitioners",
                                 ["allocated_practitioner_id"], ["id"])

    op.create_table(
        "request_timescales",
        sa.Column("partnership_id", sa.String(36), sa.ForeignKey("partnerships.id"), primary_key=True),
        sa.Column("rating", sa.String(10), primary_key=True),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("working_hours", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "information_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("child_id", sa.String(36), sa.ForeignKey("children.id"), nullable=False),
        sa.Column("partnership_id", sa.String(36), sa.ForeignKey("partnerships.id"), nullable=False),
        sa.Column("requesting_agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("requested_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=False),
        sa.Column("referrer_agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=True),
        sa.Column("purpose_code", sa.String(60), sa.ForeignKey("purposes.code"), nullable=False),
        sa.Column("lawful_basis", sa.String(300), nullable=False),
        sa.Column("case_reference", sa.String(100), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("consent_status", sa.String(20), nullable=False),
        sa.Column("consent_reason", sa.Text(), nullable=True),
        sa.Column("consent_override_by", sa.Text(), nullable=True),
        sa.Column("rating", sa.String(10), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=True),
    )
    op.create_index("ix_information_requests_child_id", "information_requests", ["child_id"])
    op.create_index("ix_information_requests_requester", "information_requests",
                    ["requesting_agency_id", "created_at"])
    op.create_index("ix_information_requests_partnership", "information_requests", ["partnership_id", "created_at"])
    op.create_table(
        "request_targets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("request_id", sa.String(36), sa.ForeignKey("information_requests.id"), nullable=False),
        sa.Column("agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decision", sa.String(20), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("shared_categories", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("grants_expire_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("request_id", "agency_id"),
    )
    op.create_index("ix_request_targets_agency", "request_targets", ["agency_id", "status"])
    op.create_table(
        "request_rating_changes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("request_id", sa.String(36), sa.ForeignKey("information_requests.id"), nullable=False),
        sa.Column("rating", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_request_rating_changes_request_id", "request_rating_changes", ["request_id"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject_id", sa.String(36), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False, unique=True),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(100), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_jobs_due", "jobs", ["status", "run_at"])
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_webhook_endpoints_agency_id", "webhook_endpoints", ["agency_id"])


def downgrade() -> None:
    op.drop_table("webhook_endpoints")
    op.drop_table("jobs")
    op.drop_table("request_rating_changes")
    op.drop_table("request_targets")
    op.drop_table("information_requests")
    op.drop_table("request_timescales")
    with op.batch_alter_table("agency_record_links") as batch:
        batch.drop_constraint("fk_links_allocated_practitioner", type_="foreignkey")
        batch.drop_column("allocated_practitioner_id")
    op.drop_index("ix_notifications_practitioner", "notifications")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("do_not_approach_parents")
        batch.drop_column("due_at")
        batch.drop_column("request_id")
