"""Audit events as GraphQL types: metadata of accesses, never record content."""

from __future__ import annotations

import datetime

import strawberry

from hub.audit.entry import Verdict
from hub.domain import audit as audit_domain
from hub.domain.audit import AuditEventView, AuditPage, BreakGlassReview
from hub.services.audit_review import encode_cursor
from schema.types import PageInfo

AuditDecision = strawberry.enum(Verdict, name="AuditDecision", description="What the policy decided.")
BreakGlassOutcome = strawberry.enum(audit_domain.BreakGlassOutcome,
                                    description="What an IG review of a break-glass use concluded.")


@strawberry.type(description="Who made an access: practitioner, the agency system acting for them, agency.")
class AuditActor:
    practitioner_id: strawberry.ID | None
    email: str | None
    client_id: str | None
    agency_id: strawberry.ID | None
    agency_name: str | None


@strawberry.type(description="One access to one resource, allowed or denied, as the tamper-evident ledger "
                  "holds it.")
class AuditEvent:
    view: strawberry.Private[AuditEventView]

    @strawberry.field(description="The event's sequence number in the ledger.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.seq))

    @strawberry.field
    def occurred_at(self) -> datetime.datetime:
        return self.view.occurred_at

    @strawberry.field(description="The request that made the access; the agency system's X-Request-Id.")
    def request_id(self) -> str:
        return self.view.request_id

    @strawberry.field
    def operation(self) -> str | None:
        return self.view.operation

    @strawberry.field
    def actor(self) -> AuditActor:
        v = self.view
        return AuditActor(
            practitioner_id=strawberry.ID(v.actor_practitioner_id) if v.actor_practitioner_id else None,
            email=v.actor_email, client_id=v.client_id,
            agency_id=strawberry.ID(v.actor_agency_id) if v.actor_agency_id else None,
            agency_name=v.actor_agency_name,
        )

    @strawberry.field(description="read, list, find, share, amend, break_glass, export, ...")
    def action(self) -> str:
        return self.view.action

    @strawberry.field
    def resource_type(self) -> str:
        return self.view.resource_type

    @strawberry.field
    def resource_id(self) -> str | None:
        return self.view.resource_id

    @strawberry.field
    def child_id(self) -> strawberry.ID | None:
        return strawberry.ID(self.view.child_id) if self.view.child_id else None

    @strawberry.field(description="The agency that owns what was accessed.")
    def owner_agency_id(self) -> strawberry.ID | None:
        return strawberry.ID(self.view.owner_agency_id) if self.view.owner_agency_id else None

    @strawberry.field
    def owner_agency_name(self) -> str | None:
        return self.view.owner_agency_name

    @strawberry.field(description="The fields released, by name; never their content.")
    def fields(self) -> list[str]:
        return list(self.view.fields)

    @strawberry.field
    def purpose(self) -> str | None:
        return self.view.purpose

    @strawberry.field
    def lawful_basis(self) -> str | None:
        return self.view.lawful_basis

    @strawberry.field
    def case_reference(self) -> str | None:
        return self.view.case_reference

    @strawberry.field
    def decision(self) -> AuditDecision:
        return Verdict(self.view.decision)

    @strawberry.field(description="The policy rule that decided, and the policy version it belongs to.")
    def rule(self) -> str | None:
        return self.view.rule

    @strawberry.field
    def policy_version(self) -> str | None:
        return self.view.policy_version

    @strawberry.field(description="Why an access was refused, or what a review or export recorded.")
    def reason(self) -> str | None:
        return self.view.reason

    @strawberry.field(description="The event's hash in the chain (`hub audit verify` checks it).")
    def hash(self) -> str:
        return self.view.hash


@strawberry.type
class AuditEventEdge:
    cursor: str
    node: AuditEvent


@strawberry.type(description="A page of audit events, counted after filtering.")
class AuditEventConnection:
    edges: list[AuditEventEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: AuditPage) -> AuditEventConnection:
        edges = [AuditEventEdge(cursor=encode_cursor(e.seq), node=AuditEvent(view=e)) for e in page.events]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, has_previous_page=page.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total,
        )


@strawberry.input(description="Narrows audit events; all given conditions must hold.")
class AuditEventFilter:
    since: datetime.datetime | None = strawberry.field(default=None, description="At or after this moment.")
    until: datetime.datetime | None = strawberry.field(default=None, description="Before this moment.")
    child_id: strawberry.ID | None = None
    practitioner_id: strawberry.ID | None = strawberry.field(default=None,
                                                            description="The acting practitioner.")
    action: str | None = None
    decision: AuditDecision | None = None

    def to_domain(self) -> audit_domain.AuditFilter:
        return audit_domain.AuditFilter(
            since=self.since, until=self.until, child_id=str(self.child_id) if self.child_id else None,
            practitioner_id=str(self.practitioner_id) if self.practitioner_id else None, action=self.action,
            decision=str(self.decision) if self.decision else None,
        )


@strawberry.type(description="The recorded outcome of reviewing a break-glass use.")
class BreakGlassReviewResult:
    event: AuditEvent
    outcome: BreakGlassOutcome
    notes: str
    reviewed_by: str
    reviewed_at: datetime.datetime

    @classmethod
    def from_review(cls, review: BreakGlassReview) -> BreakGlassReviewResult:
        return cls(event=AuditEvent(view=review.event), outcome=review.outcome, notes=review.notes,
                   reviewed_by=review.reviewed_by, reviewed_at=review.reviewed_at)
