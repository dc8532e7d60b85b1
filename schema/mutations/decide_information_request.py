"""decideInformationRequest: an agency asked shares all, shares part, or declines, with reasons."""

from __future__ import annotations

import strawberry

from hub.context import RequestContext
from hub.domain.information_request import DecisionDraft
from hub.services import sharing
from schema.errors import EXPECTED, WorkflowError
from schema.requests.types import InformationRequest, SharingDecision, SharingReason
from schema.types import Category


@strawberry.input
class DecideInformationRequestInput:
    request_id: strawberry.ID
    decision: SharingDecision
    reason_codes: list[SharingReason] = strawberry.field(
        description="SHARED for what you share, and why you withhold the rest (e.g. NOT_HELD).")
    rationale: str = strawberry.field(description="Why you decided as you did; kept with the decision.")
    shared_categories: list[Category] | None = strawberry.field(
        default=None, description="For SHARE_PART: the categories you share. SHARE_ALL shares every one asked for.")
    grant_hours: int | None = strawberry.field(
        default=None, description="How long the requester may read what you share (default 30 days, at most 90).")


@strawberry.type
class DecideInformationRequestPayload:
    information_request: InformationRequest | None
    errors: list[WorkflowError]


def decide_information_request(info: strawberry.Info[RequestContext, None],
                               input: DecideInformationRequestInput) -> DecideInformationRequestPayload:
    door = info.context.door
    draft = DecisionDraft(decision=input.decision, reasons=tuple(input.reason_codes), rationale=input.rationale,
                          shared_categories=tuple(input.shared_categories or ()))
    try:
        with door.atomic():
            view = sharing.decide(door, info.context.workflow, str(input.request_id), draft, input.grant_hours)
    except EXPECTED as error:
        return DecideInformationRequestPayload(information_request=None, errors=[WorkflowError.from_error(error)])
    return DecideInformationRequestPayload(information_request=InformationRequest(view=view), errors=[])
