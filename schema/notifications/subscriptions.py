"""The notification subscription (graphql-transport-ws over the websocket at /graphql)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from hub.errors import ForbiddenError
from schema.notifications.types import Notification


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Notifications addressed to you, or to a role you hold, as they arrive. "
                             "Authenticate in connection_init: {authorization, purpose, caseReference}.")
    async def notification_received(self, info: strawberry.Info) -> AsyncGenerator[Notification, None]:
        notifications = getattr(info.context, "notifications", None)
        if notifications is None:
            raise ForbiddenError("Subscribe over the websocket at /graphql (graphql-transport-ws).")
        async for view in notifications():
            yield Notification(view=view)
