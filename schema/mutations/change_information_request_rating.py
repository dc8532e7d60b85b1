"""changeInformationRequestRating: the requesting agency re-rates its request, with a reason."""

from __future__ import annotations

import strawberry

from hub.context import RequestContext
from hub.services import information_requests
from schema.errors import EXPECTED, WorkflowError
from schema.requests.types import InformationRequest, RagRating


@strawberry.input
class ChangeInformationRequestRatingInput:
    request_id: strawberry.ID
    rating: RagRating
    reason: str = strawberry.field(description="Why the rating changes; kept in the rating history.")


@strawberry.type
class ChangeInformationRequestRatingPayload:
    information_request: InformationRequest | None
    errors: list[WorkflowError]


def change_information_request_rating(info: strawberry.Info[RequestContext, None],
                                      input: ChangeInformationRequestRatingInput
                                      ) -> ChangeInformationRequestRatingPayload:
    door = info.context.door
    try:
        with door.atomic():
            view = information_requests.change_rating(door, info.context.workflow, str(input.request_id),
                                                      input.rating, input.reason)
    except EXPECTED as error:
        return ChangeInformationRequestRatingPayload(information_request=None,
                                                     errors=[WorkflowError.from_error(error)])
    return ChangeInformationRequestRatingPayload(information_request=InformationRequest(view=view), errors=[])
