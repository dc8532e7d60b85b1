"""Mutations: one per file, each thin: clean the input, call one service, map expected errors."""

from __future__ import annotations

import strawberry

from schema.mutations.amend_record import AmendRecordPayload, amend_record
from schema.mutations.declare_emergency import DeclareEmergencyPayload, declare_emergency
from schema.mutations.end_record import EndRecordPayload, end_record
from schema.mutations.grant_access import GrantAccessPayload, grant_access
from schema.mutations.record_break_glass_review import RecordBreakGlassReviewPayload, record_break_glass_review
from schema.mutations.resolve_identity import ResolveIdentityPayload, resolve_identity
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
    grant_access: GrantAccessPayload = strawberry.mutation(
        resolver=grant_access,
        description="Let another agency read categories of your agency's records about a child, for a time.",
    )
    declare_emergency: DeclareEmergencyPayload = strawberry.mutation(
        resolver=declare_emergency,
        description="Break the glass: FLAG and SUMMARY of one child for 60 minutes (purpose EMERGENCY). "
        "Owners are alerted and an IG officer reviews every use.",
    )
    resolve_identity: ResolveIdentityPayload = strawberry.mutation(
        resolver=resolve_identity,
        description="Say who a queued person is: one of the candidates, or a new child. Audited.",
    )
    record_break_glass_review: RecordBreakGlassReviewPayload = strawberry.mutation(  # issue 4
        resolver=record_break_glass_review,
        description="Record what your review of a break-glass use found (IG officers; itself audited).",
    )
