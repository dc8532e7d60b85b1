"""endRecord: the owning agency ends a record (a plan closes), appending a version with a reason."""

from __future__ import annotations

import datetime

import strawberry

from hub.context import RequestContext
from hub.services import records
from schema.errors import EXPECTED, RecordError
from schema.types import Record


@strawberry.input
class EndRecordInput:
    record_id: strawberry.ID
    reason: str
    end_date: datetime.date | None = strawberry.field(default=None, description="Defaults to today.")
    expected_version: int | None = None


@strawberry.type
class EndRecordPayload:
    record: Record | None
    errors: list[RecordError]


def end_record(info: strawberry.Info[RequestContext, None], input: EndRecordInput) -> EndRecordPayload:
    door = info.context.door
    amendment = records.Amendment(
        record_id=str(input.record_id),
        reason=input.reason,
        expected_version=input.expected_version,
        end_date=input.end_date,
        ends=True,
    )
    try:
        with door.atomic():
            view = records.amend_record(door, amendment)
    except EXPECTED as error:
        return EndRecordPayload(record=None, errors=[RecordError.from_error(error)])
    return EndRecordPayload(record=Record(view=view), errors=[])
