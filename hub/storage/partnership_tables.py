"""The partnership's own tables: arrangements and their signatures, intervention status, serious incidents,
rapid reviews with agencies' summaries, lessons, child deaths with agencies' reporting forms and the panel's
analysis, and the child death overview panels (CDOPs) with the child populations they cover.

Created by migration 0040. Free text about a child (an incident's description, agencies' summaries and
reporting forms, a death's circumstances) is sealed with the child's data key (``hub.storage.sealing``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.storage.tables import Base, new_id


class Cdop(Base):
    """A child death overview panel: one spans several partnerships, enough to see ~60 deaths a year."""

    __tablename__ = "cdops"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class CdopPartnership(Base):
    __tablename__ = "cdop_partnerships"
    cdop_id: Mapped[str] = mapped_column(ForeignKey("cdops.id"), primary_key=True)
    # A partnership's deaths are reviewed by one panel.
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnerships.id"), primary_key=True, unique=True)


class PartnershipPopulation(Base):
    """Children (0-17) living in the partnership's area: the denominator of rates per 100,000 children."""

    __tablename__ = "partnership_populations"
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnerships.id"), primary_key=True)
    children: Mapped[int] = mapped_column(Integer)
    as_of_year: Mapped[int] = mapped_column(Integer)


class Arrangement(Base):
    """One version of a partnership's published arrangements; ``content`` holds the document's sections."""

    __tablename__ = "partnership_arrangements"
    __table_args__ = (UniqueConstraint("partnership_id", "version"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnerships.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    drafted_by: Mapped[str] = mapped_column(ForeignKey("practitioners.id"))
    drafted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ArrangementSignature(Base):
    __tablename__ = "arrangement_signatures"
    __table_args__ = (UniqueConstraint("arrangement_id", "partner"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    arrangement_id: Mapped[str] = mapped_column(ForeignKey("partnership_arrangements.id"), index=True)
    partner: Mapped[str] = mapped_column(String(40))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    signed_by: Mapped[str] = mapped_column(ForeignKey("practitioners.id"))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Intervention(Base):
    """The intervention status's history: the newest row is the status now."""

    __tablename__ = "partnership_interventions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnerships.id"), index=True)
    status: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(ForeignKey("practitioners.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SeriousIncident(Base):
    __tablename__ = "serious_incidents"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnerships.id"), index=True)
    notifying_agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    recorded_by: Mapped[str] = mapped_column(ForeignKey("practitioners.id"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    looked_after: Mapped[bool] = mapped_column(Boolean, default=False)
    child_ids: Mapped[list[str]] = mapped_column(JSON)  # up to 4; the first child's data key seals the text
    description: Mapped[str] = mapped_column(Text)
    aware_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    notification_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notified_by: Mapped[str | None] = mapped_column(ForeignKey("practitioners.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RapidReview(Base):
    __tablename__ = "rapid_reviews"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    incident_id: Mapped[str] = mapped_column(ForeignKey("serious_incidents.id"), unique=True)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnerships.id"), index=True)
    status: Mapped[str] = mapped_column(String(30))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_by: Mapped[str] = mapped_column(ForeignKey("practitioners.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decision: Mapped[str | None] = mapped_column(String(30))
    reasons: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("practitioners.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    local_review_status: Mapped[str | None] = mapped_column(String(20))
    local_review_due_on: Mapped[date | None] = mapped_column(Date)
    local_review_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReviewReviewer(Base):
    __tablename__ = "review_reviewers"
    review_id: Mapped[str] = mapped_column(ForeignKey("rapid_reviews.id"), primary_key=True)
    practitioner_id: Mapped[str] = mapped_column(ForeignKey("practitioners.id"), primary_key=True, index=True)


class ReviewSummary(Base):
    """One agency asked for its summary of its involvement, and what it submitted."""

    __tablename__ = "review_summaries"
    __table_args__ = (UniqueConstraint("review_id", "agency_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    review_id: Mapped[str] = mapped_column(ForeignKey("rapid_reviews.id"))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[str | None] = mapped_column(ForeignKey("practitioners.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Lesson(Base):
    __tablename__ = "lessons"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnerships.id"), index=True)
    review_id: Mapped[str | None] = mapped_column(ForeignKey("rapid_reviews.id"))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    themes: Mapped[list[str]] = mapped_column(JSON)
    agency_ids: Mapped[list[str]] = mapped_column(JSON)
    published_by: Mapped[str] = mapped_column(ForeignKey("practitioners.id"))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ChildDeath(Base):
    __tablename__ = "child_deaths"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id"), unique=True)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnerships.id"), index=True)
    cdop_id: Mapped[str | None] = mapped_column(ForeignKey("cdops.id"), index=True)
    notifying_agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    notified_by: Mapped[str] = mapped_column(ForeignKey("practitioners.id"))
    notified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    date_of_death: Mapped[date] = mapped_column(Date)
    age_band: Mapped[str] = mapped_column(String(20))  # kept at notification: the panel never needs the birth date
    sex: Mapped[str | None] = mapped_column(String(20))
    unexpected: Mapped[bool] = mapped_column(Boolean)
    place_of_death: Mapped[str] = mapped_column(String(200))
    circumstances: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(60))
    factors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    modifiability: Mapped[str | None] = mapped_column(String(40))
    learning: Mapped[str | None] = mapped_column(Text)
    analysed_by: Mapped[str | None] = mapped_column(ForeignKey("practitioners.id"))
    analysed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


Index("ix_child_deaths_cdop_date", ChildDeath.cdop_id, ChildDeath.date_of_death)


class ChildDeathReport(Base):
    """An agency's reporting form for a child death."""

    __tablename__ = "child_death_reports"
    __table_args__ = (UniqueConstraint("death_id", "agency_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    death_id: Mapped[str] = mapped_column(ForeignKey("child_deaths.id"))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    involvement: Mapped[str | None] = mapped_column(Text)
    concerns: Mapped[str | None] = mapped_column(Text)
    submitted_by: Mapped[str | None] = mapped_column(ForeignKey("practitioners.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
