"""shareRecord: an agency shares a record about a child, as its owner."""

from __future__ import annotations

import datetime

import strawberry

from hub.context import RequestContext
from hub.services import records
from schema.errors import EXPECTED, RecordError
from schema.types import Category, Record, Tier


@strawberry.input
class ShareRecordInput:
    child_id: strawberry.ID
    category: Category
    tier: Tier
    summary: str
    start_date: datetime.date
    detail: str | None = None
    end_date: datetime.date | None = None
    lawful_basis: str | None = strawberry.field(
        default=None, description="Defaults to the lawful basis of the declared purpose."
    )


@strawberry.type
class ShareRecordPayload:
    record: Record | None
    errors: list[RecordError]


def share_record(info: strawberry.Info[RequestContext, None], input: ShareRecordInput) -> ShareRecordPayload:
    door = info.context.door
    draft = records.RecordDraft(
        child_id=str(input.child_id),
        category=input.category,
        tier=input.tier,
        summary=input.summary,
        detail=input.detail,
        start_date=input.start_date,
        end_date=input.end_date,
        lawful_basis=input.lawful_basis,
    )
    try:
        with door.atomic():
            view = records.share_record(door, info.context.workflow, draft)
    except EXPECTED as error:
        return ShareRecordPayload(record=None, errors=[RecordError.from_error(error)])
    return ShareRecordPayload(record=Record(view=view), errors=[])
