"""createInformationRequest: ask agencies of the child's partnership for information, with a RAG rating."""

from __future__ import annotations

import strawberry

from hub.context import RequestContext
from hub.services import information_requests
from schema.errors import EXPECTED, WorkflowError
from schema.requests.types import ConsentInput, InformationRequest, RagRating
from schema.types import Category


@strawberry.input
class CreateInformationRequestInput:
    child_id: strawberry.ID
    target_agency_ids: list[strawberry.ID] = strawberry.field(
        description="Agencies of the partnership of the area where the child lives; not your own.")
    categories: list[Category] = strawberry.field(description="The categories of information you need.")
    justification: str = strawberry.field(description="Why it is necessary and proportionate, for this child.")
    consent: ConsentInput
    rating: RagRating
    referrer_agency_id: strawberry.ID | None = strawberry.field(
        default=None, description="The agency whose referral led to this request: it is told the outcome.")


@strawberry.type
class CreateInformationRequestPayload:
    information_request: InformationRequest | None
    errors: list[WorkflowError]


def create_information_request(info: strawberry.Info[RequestContext, None],
                               input: CreateInformationRequestInput) -> CreateInformationRequestPayload:
    door = info.context.door
    draft = information_requests.RequestDraft(
        child_id=str(input.child_id), target_agency_ids=tuple(str(a) for a in input.target_agency_ids),
        categories=tuple(input.categories), justification=input.justification, consent=input.consent.to_domain(),
        rating=input.rating, referrer_agency_id=str(input.referrer_agency_id) if input.referrer_agency_id else None)
    try:
        with door.atomic():
            view = information_requests.create_request(door, info.context.workflow, draft)
    except EXPECTED as error:
        return CreateInformationRequestPayload(information_request=None, errors=[WorkflowError.from_error(error)])
    return CreateInformationRequestPayload(information_request=InformationRequest(view=view), errors=[])
