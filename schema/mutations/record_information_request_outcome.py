"""recordInformationRequestOutcome: the requester records what it decided; the agencies asked and the referrer
are told."""

from __future__ import annotations

import strawberry

from hub.context import RequestContext
from hub.services import information_requests
from schema.errors import EXPECTED, WorkflowError
from schema.requests.types import InformationRequest, RequestOutcome


@strawberry.input
class RecordInformationRequestOutcomeInput:
    request_id: strawberry.ID
    outcome: RequestOutcome
    note: str | None = None


@strawberry.type
class RecordInformationRequestOutcomePayload:
    information_request: InformationRequest | None
    errors: list[WorkflowError]


def record_information_request_outcome(info: strawberry.Info[RequestContext, None],
                                       input: RecordInformationRequestOutcomeInput
                                       ) -> RecordInformationRequestOutcomePayload:
    door = info.context.door
    try:
        with door.atomic():
            view = information_requests.record_outcome(door, str(input.request_id), input.outcome, input.note)
    except EXPECTED as error:
        return RecordInformationRequestOutcomePayload(information_request=None,
                                                      errors=[WorkflowError.from_error(error)])
    return RecordInformationRequestOutcomePayload(information_request=InformationRequest(view=view), errors=[])
