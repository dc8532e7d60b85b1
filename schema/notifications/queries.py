"""The inbox query."""

from __future__ import annotations

import strawberry

from hub.context import RequestContext
from hub.services import inbox
from schema.notifications.types import NotificationConnection, NotificationFilter

Info = strawberry.Info[RequestContext, None]


@strawberry.type
class NotificationQuery:
    @strawberry.field(description="Your inbox: notifications addressed to you, or to a role you hold at your "
                      "agency, newest first.")
    def notifications(self, info: Info, filter: NotificationFilter | None = None, first: int = 20,
                      after: str | None = None) -> NotificationConnection:
        chosen = filter or NotificationFilter()
        page = inbox.list_notifications(
            info.context.door, inbox.InboxFilter(unread_only=chosen.unread_only, kinds=tuple(chosen.kinds or ())),
            first=first, after=after)
        return NotificationConnection.from_page(page)
