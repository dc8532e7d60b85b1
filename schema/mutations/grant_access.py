"""grantAccess: the owning agency lets another agency read categories of its records about a child."""

from __future__ import annotations

import datetime

import strawberry

from hub.context import RequestContext
from hub.services import grants
from schema.errors import EXPECTED, RecordError
from schema.types import Category


@strawberry.input
class GrantAccessInput:
    child_id: strawberry.ID
    grantee_agency_id: strawberry.ID
    categories: list[Category]
    hours: int = strawberry.field(description="How long the grant lasts (at most 90 days).")
    reason: str = strawberry.field(description="Why sharing is necessary and proportionate; kept with the grant.")


@strawberry.type(description="A time-bound permission to read one category of your agency's records.")
class Grant:
    id: strawberry.ID
    child_id: strawberry.ID
    grantee_agency_id: strawberry.ID
    category: Category
    expires_at: datetime.datetime


@strawberry.type
class GrantAccessPayload:
    grants: list[Grant]
    errors: list[RecordError]


def grant_access(info: strawberry.Info[RequestContext, None], input: GrantAccessInput) -> GrantAccessPayload:
    door = info.context.door
    request = grants.GrantRequest(child_id=str(input.child_id), grantee_agency_id=str(input.grantee_agency_id),
                                  categories=tuple(input.categories), hours=input.hours, reason=input.reason)
    try:
        with door.atomic():
            made = grants.grant_access(door, request)
    except EXPECTED as error:
        return GrantAccessPayload(grants=[], errors=[RecordError.from_error(error)])
    return GrantAccessPayload(
        grants=[Grant(id=strawberry.ID(g.id), child_id=strawberry.ID(g.child_id),
                      grantee_agency_id=strawberry.ID(g.grantee_agency_id), category=g.category,
                      expires_at=g.expires_at) for g in made],
        errors=[],
    )
