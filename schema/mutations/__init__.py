"""Mutations: one per file, each thin: clean the input, call one service, map expected errors."""

from __future__ import annotations

import strawberry

from schema.mutations.acknowledge_notification import AcknowledgeNotificationPayload, acknowledge_notification
from schema.mutations.amend_record import AmendRecordPayload, amend_record
from schema.mutations.change_information_request_rating import (
    ChangeInformationRequestRatingPayload,
    change_information_request_rating,
)
from schema.mutations.create_information_request import CreateInformationRequestPayload, create_information_request
from schema.mutations.decide_information_request import DecideInformationRequestPayload, decide_information_request
from schema.mutations.declare_emergency import DeclareEmergencyPayload, declare_emergency
from schema.mutations.end_record import EndRecordPayload, end_record
from schema.mutations.grant_access import GrantAccessPayload, grant_access
from schema.mutations.notify_domestic_abuse_incident import (
    NotifyDomesticAbuseIncidentPayload,
    notify_domestic_abuse_incident,
)
from schema.mutations.record_break_glass_review import RecordBreakGlassReviewPayload, record_break_glass_review
from schema.mutations.record_information_request_outcome import (
    RecordInformationRequestOutcomePayload,
    record_information_request_outcome,
)
from schema.mutations.resolve_identity import ResolveIdentityPayload, resolve_identity
from schema.mutations.share_record import ShareRecordPayload, share_record
from schema.partnership.mutations import PartnershipMutation


@strawberry.type
class Mutation(PartnershipMutation):
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
    record_break_glass_review: RecordBreakGlassReviewPayload = strawberry.mutation(
        resolver=record_break_glass_review,
        description="Record what your review of a break-glass use found (IG officers; itself audited).",
    )
    # Information requests, sharing decisions, notifications and Operation Encompass.
    create_information_request: CreateInformationRequestPayload = strawberry.mutation(
        resolver=create_information_request,
        description="Ask agencies of the child's partnership for information, with a purpose (Hub-Purpose), a RAG "
        "rating and consent status. Each agency asked is notified, and told again when it is due.",
    )
    change_information_request_rating: ChangeInformationRequestRatingPayload = strawberry.mutation(
        resolver=change_information_request_rating,
        description="Re-rate your agency's request, with a reason: the due time is recomputed from now.",
    )
    decide_information_request: DecideInformationRequestPayload = strawberry.mutation(
        resolver=decide_information_request,
        description="Answer a request to your agency: share all, share part, or decline, with reasons. A share "
        "lets the requesting agency read the categories shared, for a time.",
    )
    record_information_request_outcome: RecordInformationRequestOutcomePayload = strawberry.mutation(
        resolver=record_information_request_outcome,
        description="Record what your agency decided on its request; the agencies asked and the referrer are told.",
    )
    acknowledge_notification: AcknowledgeNotificationPayload = strawberry.mutation(
        resolver=acknowledge_notification,
        description="Acknowledge a notification addressed to you or to a role you hold.",
    )
    notify_domestic_abuse_incident: NotifyDomesticAbuseIncidentPayload = strawberry.mutation(
        resolver=notify_domestic_abuse_incident,
        description="Operation Encompass (police): share a domestic abuse incident with its statutory fields; the "
        "child's school is notified before the next school day starts, or the local authority for a child on no "
        "roll.",
    )
