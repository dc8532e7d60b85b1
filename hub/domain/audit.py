"""Audit events as information-governance officers see them: metadata of accesses, never record content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

BREAK_GLASS = "break_glass"  # the action of an emergency access
REVIEW_BREAK_GLASS = "review_break_glass"  # the action that records an IG officer's review of one


class BreakGlassOutcome(StrEnum):
    JUSTIFIED = "JUSTIFIED"
    NOT_JUSTIFIED = "NOT_JUSTIFIED"
    ESCALATED = "ESCALATED"  # referred on, e.g. to the data protection officer


@dataclass(frozen=True)
class AuditFilter:
    since: datetime | None = None
    until: datetime | None = None
    child_id: str | None = None
    practitioner_id: str | None = None
    action: str | None = None
    decision: str | None = None  # ALLOW or DENY
    # Leave out this practitioner's own access reviews (an IG officer's searches would bury what they seek).
    hide_reviews_by: str | None = None


@dataclass(frozen=True)
class AuditEventView:
    seq: int
    occurred_at: datetime
    request_id: str
    operation: str | None
    actor_practitioner_id: str | None
    actor_email: str | None
    client_id: str | None
    actor_agency_id: str | None
    actor_agency_name: str | None
    action: str
    resource_type: str
    resource_id: str | None
    child_id: str | None
    owner_agency_id: str | None
    owner_agency_name: str | None
    fields: tuple[str, ...]
    purpose: str | None
    lawful_basis: str | None
    case_reference: str | None
    decision: str
    rule: str | None
    policy_version: str | None
    reason: str | None
    hash: str


@dataclass(frozen=True)
class AuditPage:
    events: tuple[AuditEventView, ...]
    total: int
    has_next: bool
    has_previous: bool


@dataclass(frozen=True)
class BreakGlassReview:
    event: AuditEventView
    outcome: BreakGlassOutcome
    notes: str
    reviewed_by: str
    reviewed_at: datetime
