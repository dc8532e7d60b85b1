"""The hub's tables (SQLAlchemy 2.x typed models). Migrations in hub/migrations create them.

Court-safe tables (``record_versions``, ``audit_events``) are append-only: database triggers refuse updates and
deletes, so no code path, and no operator with the hub's credentials, can rewrite history.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from hub.storage.types import UtcDateTime


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class Partnership(Base):
    __tablename__ = "partnerships"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Agency(Base):
    __tablename__ = "agencies"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40))
    # LA code, police force code, ODS code or school URN.
    official_code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    office_hours_phone: Mapped[str] = mapped_column(String(40))
    out_of_hours_phone: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(200))


class AgencyPartnership(Base):
    __tablename__ = "agency_partnerships"
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnerships.id"), primary_key=True)


class Practitioner(Base):
    __tablename__ = "practitioners"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ApiClient(Base):
    __tablename__ = "api_clients"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(String(100), unique=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(200))  # argon2id; the secret itself is never stored
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Purpose(Base):
    """The purpose registry: each purpose names its lawful basis and legislation."""

    __tablename__ = "purposes"
    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lawful_basis: Mapped[str] = mapped_column(String(300))
    legislation: Mapped[str] = mapped_column(String(300))


class Child(Base):
    __tablename__ = "children"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    nhs_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(20))
    # Sealed (hub.storage.sealing) while the address is withheld, so wider than a postcode.
    postcode: Mapped[str | None] = mapped_column(String(10).with_variant(Text, "postgresql"))
    # The child lives in this partnership's area (IN_AREA).
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnerships.id"), index=True)
    # An unborn child is linked to the mother until birth.
    mother_id: Mapped[str | None] = mapped_column(ForeignKey("children.id"))
    # Refuge or adoption: address fields hidden from everyone but this agency.
    address_withheld_by: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AgencyRecordLink(Base):
    """The identity index: which agency knows the child under which local id. A school's links are its roll."""

    __tablename__ = "agency_record_links"
    __table_args__ = (UniqueConstraint("agency_id", "local_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id"), index=True)
    local_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))  # INVOLVEMENT or ROLL
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    allocated_worker: Mapped[str | None] = mapped_column(String(200))
    # The allocated worker as a practitioner of the agency, when the hub knows them: alerts reach them by name.
    allocated_practitioner_id: Mapped[str | None] = mapped_column(ForeignKey("practitioners.id"))


Index("ix_links_child_agency", AgencyRecordLink.child_id, AgencyRecordLink.agency_id)


class RecordVersion(Base):
    """One immutable version of a record. Amending or ending a record appends a version with a reason."""

    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("record_key", "version"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    record_key: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id"), index=True)
    owner_agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    category: Mapped[str] = mapped_column(String(60))
    tier: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    lawful_basis: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(Text)  # why this version was made (amend / end)
    source_adapter: Mapped[str | None] = mapped_column(String(60))
    source_id: Mapped[str | None] = mapped_column(String(100))
    source_version: Mapped[str | None] = mapped_column(String(60))
    created_by: Mapped[str] = mapped_column(ForeignKey("practitioners.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


Index("ix_record_versions_start", RecordVersion.start_date, RecordVersion.record_key)
# Lists of records read newest first, then by key: this index is in that order (migration 0050).
Index("ix_record_versions_newest", RecordVersion.start_date.desc(), RecordVersion.record_key)
# A school's roll is listed by name (migration 0050).
Index("ix_children_name_order", Child.family_name, Child.given_name, Child.id)


class AuditEvent(Base):
    """One access to one resource, allowed or denied. Append-only and hash-chained (``hub.audit``)."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    request_id: Mapped[str] = mapped_column(String(64), index=True)
    operation: Mapped[str | None] = mapped_column(String(200))
    actor_practitioner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    actor_email: Mapped[str | None] = mapped_column(String(200))
    client_id: Mapped[str | None] = mapped_column(String(100))
    actor_agency_id: Mapped[str | None] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(60))
    resource_type: Mapped[str] = mapped_column(String(60))
    resource_id: Mapped[str | None] = mapped_column(String(100))
    child_id: Mapped[str | None] = mapped_column(String(36), index=True)
    owner_agency_id: Mapped[str | None] = mapped_column(String(36), index=True)
    fields: Mapped[list[str]] = mapped_column(JSON)
    purpose: Mapped[str | None] = mapped_column(String(60))
    lawful_basis: Mapped[str | None] = mapped_column(String(300))
    case_reference: Mapped[str | None] = mapped_column(String(100))
    decision: Mapped[str] = mapped_column(String(10))  # ALLOW or DENY
    rule: Mapped[str | None] = mapped_column(String(120))
    policy_version: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Grant(Base):
    """A time-bound permission for one agency to read one category of another agency's records about a child.
    Created by an approved information request, or for now directly by the owning agency."""

    __tablename__ = "grants"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id"))
    owner_agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    grantee_agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    category: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(36))
    granted_by: Mapped[str] = mapped_column(ForeignKey("practitioners.id"))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


Index("ix_grants_grantee_child", Grant.grantee_agency_id, Grant.child_id, Grant.expires_at)


class BreakGlassSession(Base):
    """An emergency access a practitioner declared, with a reason: FLAG and SUMMARY for 60 minutes."""

    __tablename__ = "break_glass_sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    practitioner_id: Mapped[str] = mapped_column(ForeignKey("practitioners.id"))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id"))
    reason: Mapped[str] = mapped_column(Text)
    case_reference: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


Index("ix_break_glass_practitioner_child", BreakGlassSession.practitioner_id, BreakGlassSession.child_id,
      BreakGlassSession.expires_at)


class Notification(Base):
    """Something an agency (or one of its practitioners or roles) must know: an access to its records, an
    incident about a pupil, an emergency access. ``dedupe_key`` keeps one per child, agency and day."""

    __tablename__ = "notifications"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40))
    recipient_agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    recipient_practitioner_id: Mapped[str | None] = mapped_column(ForeignKey("practitioners.id"))
    recipient_role: Mapped[str | None] = mapped_column(String(60))
    child_id: Mapped[str | None] = mapped_column(ForeignKey("children.id"))
    record_key: Mapped[str | None] = mapped_column(String(36))
    actor_practitioner_id: Mapped[str | None] = mapped_column(String(36))
    actor_agency_id: Mapped[str | None] = mapped_column(String(36))
    summary: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(36))
    # The information request it concerns, when it must be acted on by, and the police's instruction
    # not to approach the parents (Operation Encompass), which travels with every copy and escalation.
    request_id: Mapped[str | None] = mapped_column(String(36))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    do_not_approach_parents: Mapped[bool] = mapped_column(Boolean, default=False)


Index("ix_notifications_recipient", Notification.recipient_agency_id, Notification.created_at)
Index("ix_notifications_practitioner", Notification.recipient_practitioner_id, Notification.created_at)
Index("ix_notifications_record", Notification.record_key, Notification.recipient_agency_id, Notification.kind)
# -- signed checkpoints and children's data keys ---------------------------------------------------
# The break-glass review queue finds events by action, and reviews by the event they review (migration 0002).
Index("ix_audit_events_action_resource", AuditEvent.action, AuditEvent.resource_id)


class AuditCheckpoint(Base):
    """A signed C2SP checkpoint of the audit chain at ``size`` events (``hub.audit.note``). Append-only."""

    __tablename__ = "audit_checkpoints"
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                      autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(200))
    key_id: Mapped[str] = mapped_column(String(40))  # the signing key's id in the key directory
    note: Mapped[str] = mapped_column(Text)  # the signed note, exactly as signed
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())  # schedules the next; not signed


class ChildDataKey(Base):
    """A child's data key (AES-256-GCM), wrapped by a key-encryption key. Shredding clears ``wrapped_key``
    and keeps the row, so a shredded ciphertext is told apart from one that never had a key."""

    __tablename__ = "child_data_keys"
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)  # hex of the 8 bytes ciphertexts carry
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id"), index=True)
    kek_id: Mapped[str | None] = mapped_column(String(40))
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    shredded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


# -- information requests, sharing decisions, timers and webhook delivery ----------------------------
class RequestTimescale(Base):
    """A partnership's own time to answer a request of each RAG rating (defaults: hub.domain.information_request)."""

    __tablename__ = "request_timescales"
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnerships.id"), primary_key=True)
    rating: Mapped[str] = mapped_column(String(10), primary_key=True)
    hours: Mapped[float] = mapped_column(Float)
    working_hours: Mapped[bool] = mapped_column(Boolean)


class InformationRequest(Base):
    """A practitioner's request to other agencies for information about a child, with why, how urgently, and
    on what consent. Purpose, lawful basis and case reference are those the request declared."""

    __tablename__ = "information_requests"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id"), index=True)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("partnerships.id"))  # the child's, when asked
    requesting_agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    requested_by: Mapped[str] = mapped_column(ForeignKey("practitioners.id"))
    referrer_agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"))
    purpose_code: Mapped[str] = mapped_column(ForeignKey("purposes.code"))
    lawful_basis: Mapped[str] = mapped_column(String(300))
    case_reference: Mapped[str] = mapped_column(String(100))
    categories: Mapped[list[str]] = mapped_column(JSON)
    justification: Mapped[str] = mapped_column(Text)
    consent_status: Mapped[str] = mapped_column(String(20))
    consent_reason: Mapped[str | None] = mapped_column(Text)
    consent_override_by: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    outcome: Mapped[str | None] = mapped_column(String(30))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    outcome_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome_by: Mapped[str | None] = mapped_column(ForeignKey("practitioners.id"))


Index("ix_information_requests_requester", InformationRequest.requesting_agency_id, InformationRequest.created_at)
Index("ix_information_requests_partnership", InformationRequest.partnership_id, InformationRequest.created_at)


class RequestTarget(Base):
    """One agency asked, and its sharing decision: share all, share part or decline, with reasons."""

    __tablename__ = "request_targets"
    __table_args__ = (UniqueConstraint("request_id", "agency_id"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    request_id: Mapped[str] = mapped_column(ForeignKey("information_requests.id"))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"))
    status: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str | None] = mapped_column(String(20))
    reasons: Mapped[list[str]] = mapped_column(JSON)
    rationale: Mapped[str | None] = mapped_column(Text)
    shared_categories: Mapped[list[str]] = mapped_column(JSON)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("practitioners.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    grants_expire_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


Index("ix_request_targets_agency", RequestTarget.agency_id, RequestTarget.status)


class RequestRatingChange(Base):
    """The RAG rating's history: the first rating and every change, each with its reason and the due time it
    gave."""

    __tablename__ = "request_rating_changes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    request_id: Mapped[str] = mapped_column(ForeignKey("information_requests.id"), index=True)
    rating: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    changed_by: Mapped[str] = mapped_column(ForeignKey("practitioners.id"))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Job(Base):
    """A timer or a delivery the worker must carry out at ``run_at``: written in the same transaction as what
    caused it, so a crash loses none; taken under a lease, so two workers never both carry it out."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(36))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    run_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(20))  # PENDING, DONE, CANCELLED or DEAD (dead-lettered)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


Index("ix_jobs_due", Job.status, Job.run_at)


class WebhookEndpoint(Base):
    """An agency system that takes the agency's notifications as signed webhooks."""

    __tablename__ = "webhook_endpoints"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
