"""Query fields. Each resolver calls one service with the request's door."""

from __future__ import annotations

import strawberry

from hub.context import RequestContext
from hub.services import children, registry
from schema.audit.queries import AuditQuery
from schema.types import Child, ChildMatchResult, Me, PurposeEntry

Info = strawberry.Info[RequestContext, None]


@strawberry.type
class Query(AuditQuery):  # issue 4: the audit queries for IG officers
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
        description="FIND: whether a child with this NHS number is known and which agencies to contact. "
        "Invalid NHS numbers (not ten digits, or a wrong Modulus 11 check digit) are an error."
    )
    def find_child_by_nhs_number(self, info: Info, nhs_number: str) -> ChildMatchResult | None:
        match = children.find_child_by_nhs_number(info.context.door, nhs_number)
        return ChildMatchResult.from_match(match) if match else None
