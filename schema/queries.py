"""Query fields. Each resolver calls one service with the request's door."""

from __future__ import annotations

import strawberry

from hub.context import RequestContext
from hub.identity.demographics import Demographics
from hub.services import children, records, registry
from schema.audit.queries import AuditQuery
from schema.identity import IdentityResolution, identity_resolutions
from schema.notifications.queries import NotificationQuery
from schema.partnership.queries import PartnershipQuery
from schema.requests.queries import RequestQuery
from schema.statistics.queries import StatisticsQuery
from schema.types import (
    Child,
    ChildMatchResult,
    FindChildrenInput,
    Me,
    PageInfo,
    PurposeEntry,
    Record,
    RecordEdge,
    RecordFilterInput,
    RecordWorklist,
)

Info = strawberry.Info[RequestContext, None]


@strawberry.type
class Query(AuditQuery, RequestQuery, NotificationQuery, StatisticsQuery, PartnershipQuery):
    @strawberry.field(description="The practitioner this call acts for, and their agency.")
    def me(self, info: Info) -> Me:
        actor = info.context.actor
        return Me(
            id=strawberry.ID(actor.practitioner_id),
            email=actor.email,
            name=actor.name,
            roles=sorted(actor.roles),
            agency_id=strawberry.ID(actor.agency_id),
            agency_name=actor.agency_name,
            agency_kind=actor.agency_kind,
            client_id=actor.client_id,
        )

    @strawberry.field(description="The purpose registry: the purposes an access may declare (Hub-Purpose).")
    def purposes(self, info: Info) -> list[PurposeEntry]:
        return [
            PurposeEntry(code=p.code, name=p.name, lawful_basis=p.lawful_basis, legislation=p.legislation)
            for p in registry.list_purposes(info.context.door)
        ]

    @strawberry.field(
        description="A child by hub id; null when there is none or the caller may not see them (the same answer)."
    )
    def child(self, info: Info, id: strawberry.ID) -> Child | None:
        view = children.read_child(info.context.door, str(id))
        return Child(view=view) if view else None

    @strawberry.field(
        description="Records about any child that you may see (e.g. a MASH worklist of current flags), newest "
        "first. No total is given: counting would scan every child."
    )
    def records(self, info: Info, filter: RecordFilterInput | None = None, first: int = 20,
                after: str | None = None) -> RecordWorklist:
        chosen = filter or RecordFilterInput()
        page = records.list_records_across_children(
            info.context.door,
            records.RecordFilter(categories=tuple(chosen.categories or ()), tiers=tuple(chosen.tiers or ()),
                                 active_only=chosen.active_only),
            first=first, after=after,
        )
        edges = [RecordEdge(cursor=cursor, node=Record(view=view))
                 for cursor, view in zip(page.cursors, page.views, strict=True)]
        return RecordWorklist(edges=edges, page_info=PageInfo(
            has_next_page=page.has_next, has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))

    @strawberry.field(
        description="A child named by NHS number, as unscheduled care does (CP-IS): the clinician sees flags "
        "from every agency, and each owner is alerted. Null when unknown or not visible (the same answer)."
    )
    def child_by_nhs_number(self, info: Info, nhs_number: str) -> Child | None:
        view = children.read_child_by_nhs_number(info.context.door, nhs_number)
        return Child(view=view) if view else None

    @strawberry.field(
        description="FIND by a child's details (names, date of birth, optionally sex and postcode): the children "
        "who may be this person and whom you have a relationship with (on your school's roll, in your area or "
        "your agency's case, as your role allows), best first, each with a match confidence band and whom to "
        "contact; never content. Only plausible matches are returned; none is linked or changed by asking. A "
        "withheld address never counts, except for the agency that withheld it; one child searched for again "
        "and again with differing details is not answered for a while, and the agencies involved are told."
    )
    def find_children(self, info: Info, input: FindChildrenInput) -> list[ChildMatchResult]:
        person = Demographics(input.given_name, input.family_name, input.date_of_birth, input.sex, input.postcode)
        return [ChildMatchResult.from_match(m) for m in children.find_children(info.context.door, person)]

    @strawberry.field(
        description="FIND: whether a child with this NHS number is known and which agencies to contact. Null for "
        "a child you have no relationship with (unscheduled care: any child you name by NHS number), the same "
        "answer as for a number no child holds. Invalid NHS numbers (not ten digits, or a wrong Modulus 11 "
        "check digit) are an error."
    )
    def find_child_by_nhs_number(self, info: Info, nhs_number: str) -> ChildMatchResult | None:
        match = children.find_child_by_nhs_number(info.context.door, nhs_number)
        return ChildMatchResult.from_match(match) if match else None

    identity_resolutions: list[IdentityResolution] = strawberry.field(
        resolver=identity_resolutions,
        description="People your agency holds whom the hub could not match with confidence: resolve each one.",
    )
