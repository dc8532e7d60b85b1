"""Subscriptions at /graphql over a websocket, with the graphql-transport-ws protocol only.

The connection authenticates in its ``connection_init`` payload, because browsers cannot set headers on a
websocket: ``{"authorization": "Bearer <token>", "purpose": "...", "caseReference": "...",
"onBehalfOf": "..."}`` (``onBehalfOf`` for agency systems). A connection that does not authenticate is closed
with 4403 and the refusal audited. Only subscriptions run here: queries and mutations go to POST /graphql,
where each request has its own transaction and audit.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from hub.access.request import RequestScope, open_request
from hub.bootstrap import Hub
from hub.context import SubscriptionContext
from hub.domain.actor import Actor
from hub.domain.notification import NotificationView
from hub.door import Door
from hub.errors import AuthenticationError
from hub.services.notification_stream import InboxStream
from schema.build import SchemaLimits, build_schema

log = logging.getLogger("hub.subscriptions")


class SubscriptionEndpoint(GraphQL[SubscriptionContext, None]):
    def __init__(self, hub: Hub) -> None:
        settings = hub.settings
        schema = build_schema(SchemaLimits(
            production=settings.production, max_query_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases, max_tokens=settings.max_tokens, max_operations=settings.max_operations,
            max_cost=settings.max_cost), subscriptions_only=True)
        super().__init__(schema, graphql_ide=None, allow_queries_via_get=False, keep_alive=True,
                         keep_alive_interval=15, subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
                         max_subscriptions_per_connection=5)
        self.hub = hub

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket
                          ) -> SubscriptionContext:
        return SubscriptionContext()

    async def on_ws_connect(self, context: SubscriptionContext) -> None:
        params = context.connection_params
        rid = uuid.uuid4().hex

        def text(name: str) -> str | None:
            value = params.get(name)
            return value if isinstance(value, str) else None

        authorization, on_behalf_of = text("authorization"), text("onBehalfOf")
        try:
            await run_in_threadpool(self._authenticate, rid, authorization, on_behalf_of)
        except AuthenticationError as error:
            raise ConnectionRejectionError({"code": error.code, "message": error.message}) from None

        @contextmanager
        def open_door() -> Iterator[Door]:
            with open_request(self.hub.gateway, request_id=uuid.uuid4().hex,
                              operation="subscription notificationReceived") as request:
                actor = self._actor(request, authorization, on_behalf_of)
                door = request.enter(actor, purpose=text("purpose"), case_reference=text("caseReference"))
                try:
                    yield door
                finally:
                    request.commit()  # the audit of what was delivered, or of the refusal, whatever happened

        stream = InboxStream(open_door, self.hub.gateway.clock,
                             poll_seconds=self.hub.settings.workflow.subscription_poll_seconds)

        def notifications() -> AsyncIterator[NotificationView]:
            return stream.watch()

        context.notifications = notifications

    def _authenticate(self, rid: str, authorization: str | None, on_behalf_of: str | None) -> None:
        with open_request(self.hub.gateway, request_id=rid) as request:
            self._actor(request, authorization, on_behalf_of)
            request.commit()

    def _actor(self, request: RequestScope, authorization: str | None, on_behalf_of: str | None) -> Actor:
        """The subscriber, authenticated afresh; a refusal is audited (and committed) before it is raised."""
        try:
            return request.authenticate(self.hub.tokens, authorization, on_behalf_of,
                                        resource_type="graphql_subscription")
        except AuthenticationError:
            request.commit()
            raise
