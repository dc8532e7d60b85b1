"""declareEmergency: break the glass for one child, with a reason (purpose EMERGENCY)."""

from __future__ import annotations

import datetime

import strawberry

from hub.context import RequestContext
from hub.services import break_glass
from schema.errors import EXPECTED, RecordError


@strawberry.input
class DeclareEmergencyInput:
    child_id: strawberry.ID
    reason: str = strawberry.field(description="What the emergency is. An IG officer reviews every use.")


@strawberry.type(description="FLAG and SUMMARY access to one child until it expires; the owners are alerted.")
class EmergencyAccess:
    id: strawberry.ID
    child_id: strawberry.ID
    expires_at: datetime.datetime


@strawberry.type
class DeclareEmergencyPayload:
    emergency_access: EmergencyAccess | None
    errors: list[RecordError]


def declare_emergency(info: strawberry.Info[RequestContext, None],
                      input: DeclareEmergencyInput) -> DeclareEmergencyPayload:
    door = info.context.door
    try:
        with door.atomic():
            access = break_glass.declare_emergency(door, str(input.child_id), input.reason)
    except EXPECTED as error:
        return DeclareEmergencyPayload(emergency_access=None, errors=[RecordError.from_error(error)])
    return DeclareEmergencyPayload(
        emergency_access=EmergencyAccess(id=strawberry.ID(access.id), child_id=strawberry.ID(access.child_id),
                                         expires_at=access.expires_at),
        errors=[],
    )
