"""acknowledgeNotification: only its recipient acknowledges a notification."""

from __future__ import annotations

import strawberry

from hub.context import RequestContext
from hub.services import inbox
from schema.errors import EXPECTED, WorkflowError
from schema.notifications.types import Notification


@strawberry.input
class AcknowledgeNotificationInput:
    notification_id: strawberry.ID


@strawberry.type
class AcknowledgeNotificationPayload:
    notification: Notification | None
    errors: list[WorkflowError]


def acknowledge_notification(info: strawberry.Info[RequestContext, None],
                             input: AcknowledgeNotificationInput) -> AcknowledgeNotificationPayload:
    door = info.context.door
    try:
        with door.atomic():
            view = inbox.acknowledge(door, str(input.notification_id))
    except EXPECTED as error:
        return AcknowledgeNotificationPayload(notification=None, errors=[WorkflowError.from_error(error)])
    return AcknowledgeNotificationPayload(notification=Notification(view=view), errors=[])
