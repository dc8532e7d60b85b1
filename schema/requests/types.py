"""GraphQL types of information requests and sharing decisions. They wrap the views the services release."""

from __future__ import annotations

import datetime

import strawberry

from hub.context import RequestContext
from hub.domain import information_request as domain
from hub.services import children, information_requests
from schema.types import Agency, Category, Child, PageInfo

Info = strawberry.Info[RequestContext, None]

RagRating = strawberry.enum(domain.RagRating, description="How urgent: Red 4 clock hours, Amber 24 and Green 72 "
                            "working hours by default; a partnership may set its own.")
ConsentStatus = strawberry.enum(domain.ConsentStatus)
SharingDecision = strawberry.enum(domain.SharingDecision)
SharingReason = strawberry.enum(domain.SharingReason, description="Why an agency shared or withheld.")
RequestOutcome = strawberry.enum(domain.RequestOutcome, description="What the requester decided for the child.")
RequestStatus = strawberry.enum(domain.RequestStatus)
TargetStatus = strawberry.enum(domain.TargetStatus)
RequestDirection = strawberry.enum(information_requests.Direction)


def agency(info: Info, agency_id: str) -> Agency | None:
    contact = info.context.door.contacts([agency_id]).get(agency_id)
    return Agency.from_contact(contact) if contact else None


@strawberry.type(description="Whether consent was sought, and if it was refused, who approved going ahead.")
class Consent:
    status: ConsentStatus
    reason: str | None
    override_approved_by: str | None


@strawberry.input(description="Consent: refused or not sought needs a reason; an override of a refusal names who "
                  "approved it.")
class ConsentInput:
    status: ConsentStatus
    reason: str | None = None
    override_approved_by: str | None = None

    def to_domain(self) -> domain.Consent:
        return domain.Consent(self.status, self.reason, self.override_approved_by)


@strawberry.type(description="One agency asked, and its decision once made.")
class RequestTarget:
    view: strawberry.Private[domain.TargetView]

    @strawberry.field
    def agency(self, info: Info) -> Agency | None:
        return agency(info, self.view.agency_id)

    @strawberry.field
    def status(self) -> TargetStatus:
        return self.view.status

    @strawberry.field
    def decision(self) -> SharingDecision | None:
        return self.view.decision

    @strawberry.field
    def reason_codes(self) -> list[SharingReason]:
        return list(self.view.reasons)

    @strawberry.field
    def rationale(self) -> str | None:
        return self.view.rationale

    @strawberry.field(description="The categories of its records the agency shared.")
    def shared_categories(self) -> list[Category]:
        return list(self.view.shared_categories)

    @strawberry.field
    def decided_by(self) -> str | None:
        return self.view.decided_by_name

    @strawberry.field
    def decided_at(self) -> datetime.datetime | None:
        return self.view.decided_at

    @strawberry.field(description="When the requester stops being able to read what was shared.")
    def grants_expire_at(self) -> datetime.datetime | None:
        return self.view.grants_expire_at


@strawberry.type(description="A RAG rating, when given, why, and the due time it set.")
class RatingChange:
    rating: RagRating
    reason: str
    due_at: datetime.datetime
    changed_by: str
    changed_at: datetime.datetime


@strawberry.type(description="A request for information about a child, and each agency's decision on it.")
class InformationRequest:
    view: strawberry.Private[domain.RequestView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.id)

    @strawberry.field
    def child_id(self) -> strawberry.ID:
        return strawberry.ID(self.view.child_id)

    @strawberry.field(description="The child, as far as you may know them (null otherwise).")
    def child(self, info: Info) -> Child | None:
        view = children.read_child(info.context.door, self.view.child_id)
        return Child(view=view) if view else None

    @strawberry.field
    def requesting_agency(self, info: Info) -> Agency | None:
        return agency(info, self.view.requesting_agency_id)

    @strawberry.field
    def requested_by(self) -> str:
        return self.view.requested_by_name

    @strawberry.field(description="The agency whose referral led to this request: it hears the outcome.")
    def referrer_agency(self, info: Info) -> Agency | None:
        return agency(info, self.view.referrer_agency_id) if self.view.referrer_agency_id else None

    @strawberry.field(description="The purpose declared (Hub-Purpose), from the purpose registry.")
    def purpose(self) -> str:
        return self.view.purpose_code

    @strawberry.field
    def lawful_basis(self) -> str:
        return self.view.lawful_basis

    @strawberry.field
    def case_reference(self) -> str:
        return self.view.case_reference

    @strawberry.field
    def categories(self) -> list[Category]:
        return list(self.view.categories)

    @strawberry.field
    def justification(self) -> str:
        return self.view.justification

    @strawberry.field
    def consent(self) -> Consent:
        consent = self.view.consent
        return Consent(status=consent.status, reason=consent.reason,
                       override_approved_by=consent.override_approved_by)

    @strawberry.field
    def rating(self) -> RagRating:
        return self.view.rating

    @strawberry.field(description="When the agencies asked must have answered.")
    def due_at(self) -> datetime.datetime:
        return self.view.due_at

    @strawberry.field
    def status(self) -> RequestStatus:
        return self.view.status

    @strawberry.field
    def created_at(self) -> datetime.datetime:
        return self.view.created_at

    @strawberry.field
    def outcome(self) -> RequestOutcome | None:
        return self.view.outcome

    @strawberry.field
    def outcome_note(self) -> str | None:
        return self.view.outcome_note

    @strawberry.field
    def outcome_at(self) -> datetime.datetime | None:
        return self.view.outcome_at

    @strawberry.field(description="The agencies asked. An agency asked sees only its own decision.")
    def targets(self) -> list[RequestTarget]:
        return [RequestTarget(view=target) for target in self.view.targets]

    @strawberry.field(description="The first rating and every change, oldest first.")
    def rating_history(self) -> list[RatingChange]:
        return [RatingChange(rating=c.rating, reason=c.reason, due_at=c.due_at, changed_by=c.changed_by_name,
                             changed_at=c.changed_at) for c in self.view.rating_history]


@strawberry.type
class InformationRequestEdge:
    cursor: str
    node: InformationRequest


@strawberry.type
class InformationRequestConnection:
    edges: list[InformationRequestEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: information_requests.RequestPage) -> InformationRequestConnection:
        edges = [InformationRequestEdge(cursor=cursor, node=InformationRequest(view=view))
                 for cursor, view in zip(page.cursors, page.views, strict=True)]
        return cls(edges=edges, total_count=page.total, page_info=PageInfo(
            has_next_page=page.has_next, has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))


@strawberry.input(description="Narrow the requests listed; applied in the database.")
class InformationRequestFilter:
    direction: RequestDirection | None = strawberry.field(
        default=None, description="SENT: made by your agency; RECEIVED: to your agency; null: both.")
    open_only: bool = False
