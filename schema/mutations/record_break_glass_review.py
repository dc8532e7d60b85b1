"""recordBreakGlassReview: an IG officer records what the review of one break-glass use found."""

from __future__ import annotations

import strawberry

from hub.context import RequestContext
from hub.services import audit_review
from schema.audit.types import BreakGlassOutcome, BreakGlassReviewResult
from schema.errors import EXPECTED, RecordError


@strawberry.input
class RecordBreakGlassReviewInput:
    event_id: strawberry.ID = strawberry.field(description="The break-glass audit event's id.")
    outcome: BreakGlassOutcome
    notes: str = strawberry.field(description="What the review found; kept in the audit ledger.")


@strawberry.type
class RecordBreakGlassReviewPayload:
    review: BreakGlassReviewResult | None
    errors: list[RecordError]


def record_break_glass_review(info: strawberry.Info[RequestContext, None],
                              input: RecordBreakGlassReviewInput) -> RecordBreakGlassReviewPayload:
    try:
        review = audit_review.review_break_glass(info.context.door, str(input.event_id), input.outcome,
                                                 input.notes)
    except EXPECTED as error:
        return RecordBreakGlassReviewPayload(review=None, errors=[RecordError.from_error(error)])
    return RecordBreakGlassReviewPayload(review=BreakGlassReviewResult.from_review(review), errors=[])
