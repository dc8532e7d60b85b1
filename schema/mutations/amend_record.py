"""amendRecord: the owning agency changes a record by appending a version with a reason."""

from __future__ import annotations

import strawberry

from hub.context import RequestContext
from hub.services import records
from schema.errors import EXPECTED, RecordError
from schema.types import Record, Tier


@strawberry.input
class AmendRecordInput:
    record_id: strawberry.ID
    reason: str = strawberry.field(description="Why the record changes; kept with the new version.")
    expected_version: int | None = strawberry.field(
        default=None, description="The version you read; the change is refused if someone changed it since."
    )
    summary: str | None = None
    detail: str | None = None
    tier: Tier | None = None


@strawberry.type
class AmendRecordPayload:
    record: Record | None
    errors: list[RecordError]


def amend_record(info: strawberry.Info[RequestContext, None], input: AmendRecordInput) -> AmendRecordPayload:
    door = info.context.door
    amendment = records.Amendment(
        record_id=str(input.record_id),
        reason=input.reason,
        expected_version=input.expected_version,
        summary=input.summary,
        detail=input.detail,
        tier=input.tier,
    )
    try:
        with door.atomic():
            view = records.amend_record(door, amendment)
    except EXPECTED as error:
        return AmendRecordPayload(record=None, errors=[RecordError.from_error(error)])
    return AmendRecordPayload(record=Record(view=view), errors=[])
