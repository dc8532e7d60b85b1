"""resolveIdentity: a practitioner decides who a queued person is: one of the candidates, or a new child."""

from __future__ import annotations

import strawberry

from hub.context import RequestContext
from hub.identity import resolution
from schema.errors import EXPECTED, RecordError
from schema.identity import IdentityResolution


@strawberry.input
class ResolveIdentityInput:
    resolution_id: strawberry.ID
    child_id: strawberry.ID | None = strawberry.field(
        default=None, description="The candidate the person is; leave out to record them as a new child."
    )


@strawberry.type
class ResolveIdentityPayload:
    resolution: IdentityResolution | None
    errors: list[RecordError]


def resolve_identity(
    info: strawberry.Info[RequestContext, None], input: ResolveIdentityInput
) -> ResolveIdentityPayload:
    door = info.context.door
    try:
        with door.atomic():
            view = resolution.resolve(
                door, str(input.resolution_id), link_to=str(input.child_id) if input.child_id else None
            )
    except EXPECTED as error:
        return ResolveIdentityPayload(resolution=None, errors=[RecordError.from_error(error)])
    return ResolveIdentityPayload(resolution=IdentityResolution(view=view), errors=[])
