"""Query fields for information requests: each resolver calls one service with the request's door."""

from __future__ import annotations

import strawberry

from hub.context import RequestContext
from hub.services import information_requests
from schema.requests.types import InformationRequest, InformationRequestConnection, InformationRequestFilter

Info = strawberry.Info[RequestContext, None]


@strawberry.type
class RequestQuery:
    @strawberry.field(description="An information request your agency made or was asked; null when there is none "
                      "or it is not yours to see (the same answer).")
    def information_request(self, info: Info, id: strawberry.ID) -> InformationRequest | None:
        view = information_requests.read_request(info.context.door, str(id))
        return InformationRequest(view=view) if view else None

    @strawberry.field(description="Information requests your agency made or was asked, newest first.")
    def information_requests(self, info: Info, filter: InformationRequestFilter | None = None, first: int = 20,
                             after: str | None = None) -> InformationRequestConnection:
        chosen = filter or InformationRequestFilter()
        page = information_requests.list_requests(
            info.context.door,
            information_requests.RequestFilter(direction=chosen.direction, open_only=chosen.open_only),
            first=first, after=after)
        return InformationRequestConnection.from_page(page)
