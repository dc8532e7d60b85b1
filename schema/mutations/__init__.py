"""Mutations: one per file, each thin: clean the input, call one service, map expected errors."""

from __future__ import annotations

import strawberry

from schema.mutations.amend_record import AmendRecordPayload, amend_record
from schema.mutations.end_record import EndRecordPayload, end_record
from schema.mutations.record_break_glass_review import RecordBreakGlassReviewPayload, record_break_glass_review
from schema.mutations.share_record import ShareRecordPayload, share_record


@strawberry.type
class Mutation:
    share_record: ShareRecordPayload = strawberry.mutation(
        resolver=share_record, description="Share a record about a child, owned by your agency."
    )
    amend_record: AmendRecordPayload = strawberry.mutation(
        resolver=amend_record, description="Amend your agency's record: a new version, with the reason."
    )
    end_record: EndRecordPayload = strawberry.mutation(
        resolver=end_record, description="End your agency's record (e.g. a plan closed), with the reason."
    )
    record_break_glass_review: RecordBreakGlassReviewPayload = strawberry.mutation(  # issue 4
        resolver=record_break_glass_review,
        description="Record what your review of a break-glass use found (IG officers; itself audited).",
    )
