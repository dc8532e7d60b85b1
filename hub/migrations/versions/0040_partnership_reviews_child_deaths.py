"""The partnership's own work: published arrangements and their signatures, intervention status, serious
incidents and rapid reviews with agencies' summaries, lessons, child death review, and the child death
overview panels with the child populations their statistics are rated against.

Revision ID: 0040
Revises: 0020
Create Date: 2026-12-02

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0040"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("child_death_reports", "child_deaths", "lessons", "review_summaries", "review_reviewers", "rapid_reviews",
          "serious_incidents", "partnership_interventions", "arrangement_signatures", "partnership_arrangements",
          "partnership_populations", "cdop_partnerships", "cdops")


def upgrade() -> None:
    op.create_table(
        "cdops",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "cdop_partnerships",
        sa.Column("cdop_id", sa.String(36), sa.ForeignKey("cdops.id"), primary_key=True),
        sa.Column("partnership_id", sa.String(36), sa.ForeignKey("partnerships.id"), primary_key=True, unique=True),
    )
    op.create_table(
        "partnership_populations",
        sa.Column("partnership_id", sa.String(36), sa.ForeignKey("partnerships.id"), primary_key=True),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("as_of_year", sa.Integer(), nullable=False),
    )
    op.create_table(
        "partnership_arrangements",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("partnership_id", sa.String(36), sa.ForeignKey("partnerships.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("drafted_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=False),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("partnership_id", "version"),
    )
    op.create_index("ix_partnership_arrangements_partnership_id", "partnership_arrangements", ["partnership_id"])
    op.create_table(
        "arrangement_signatures",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("arrangement_id", sa.String(36), sa.ForeignKey("partnership_arrangements.id"), nullable=False),
        sa.Column("partner", sa.String(40), nullable=False),
        sa.Column("agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("signed_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("arrangement_id", "partner"),
    )
    op.create_index("ix_arrangement_signatures_arrangement_id", "arrangement_signatures", ["arrangement_id"])
    op.create_table(
        "partnership_interventions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("partnership_id", sa.String(36), sa.ForeignKey("partnerships.id"), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_partnership_interventions_partnership_id", "partnership_interventions", ["partnership_id"])
    op.create_table(
        "serious_incidents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("partnership_id", sa.String(36), sa.ForeignKey("partnerships.id"), nullable=False),
        sa.Column("notifying_agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("recorded_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("looked_after", sa.Boolean(), nullable=False),
        sa.Column("child_ids", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("aware_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notification_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notified_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_serious_incidents_partnership_id", "serious_incidents", ["partnership_id"])
    op.create_index("ix_serious_incidents_notifying_agency_id", "serious_incidents", ["notifying_agency_id"])
    op.create_table(
        "rapid_reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("incident_id", sa.String(36), sa.ForeignKey("serious_incidents.id"), nullable=False, unique=True),
        sa.Column("partnership_id", sa.String(36), sa.ForeignKey("partnerships.id"), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(30), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("local_review_status", sa.String(20), nullable=True),
        sa.Column("local_review_due_on", sa.Date(), nullable=True),
        sa.Column("local_review_published_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_rapid_reviews_partnership_id", "rapid_reviews", ["partnership_id"])
    op.create_table(
        "review_reviewers",
        sa.Column("review_id", sa.String(36), sa.ForeignKey("rapid_reviews.id"), primary_key=True),
        sa.Column("practitioner_id", sa.String(36), sa.ForeignKey("practitioners.id"), primary_key=True),
    )
    op.create_index("ix_review_reviewers_practitioner_id", "review_reviewers", ["practitioner_id"])
    op.create_table(
        "review_summaries",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("review_id", sa.String(36), sa.ForeignKey("rapid_reviews.id"), nullable=False),
        sa.Column("agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("review_id", "agency_id"),
    )
    op.create_index("ix_review_summaries_agency_id", "review_summaries", ["agency_id"])
    op.create_table(
        "lessons",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("partnership_id", sa.String(36), sa.ForeignKey("partnerships.id"), nullable=False),
        sa.Column("review_id", sa.String(36), sa.ForeignKey("rapid_reviews.id"), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("agency_ids", sa.JSON(), nullable=False),
        sa.Column("published_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_lessons_partnership_id", "lessons", ["partnership_id"])
    op.create_table(
        "child_deaths",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_number", sa.String(40), nullable=False, unique=True),
        sa.Column("child_id", sa.String(36), sa.ForeignKey("children.id"), nullable=False, unique=True),
        sa.Column("partnership_id", sa.String(36), sa.ForeignKey("partnerships.id"), nullable=False),
        sa.Column("cdop_id", sa.String(36), sa.ForeignKey("cdops.id"), nullable=True),
        sa.Column("notifying_agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("notified_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("date_of_death", sa.Date(), nullable=False),
        sa.Column("age_band", sa.String(20), nullable=False),
        sa.Column("sex", sa.String(20), nullable=True),
        sa.Column("unexpected", sa.Boolean(), nullable=False),
        sa.Column("place_of_death", sa.String(200), nullable=False),
        sa.Column("circumstances", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("category", sa.String(60), nullable=True),
        sa.Column("factors", sa.JSON(), nullable=True),
        sa.Column("modifiability", sa.String(40), nullable=True),
        sa.Column("learning", sa.Text(), nullable=True),
        sa.Column("analysed_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=True),
        sa.Column("analysed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_child_deaths_cdop_date", "child_deaths", ["cdop_id", "date_of_death"])
    op.create_index("ix_child_deaths_cdop_id", "child_deaths", ["cdop_id"])
    op.create_index("ix_child_deaths_partnership_id", "child_deaths", ["partnership_id"])
    op.create_table(
        "child_death_reports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("death_id", sa.String(36), sa.ForeignKey("child_deaths.id"), nullable=False),
        sa.Column("agency_id", sa.String(36), sa.ForeignKey("agencies.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("involvement", sa.Text(), nullable=True),
        sa.Column("concerns", sa.Text(), nullable=True),
        sa.Column("submitted_by", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("death_id", "agency_id"),
    )
    op.create_index("ix_child_death_reports_agency_id", "child_death_reports", ["agency_id"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
