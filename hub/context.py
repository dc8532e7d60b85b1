"""The one request-scoped object GraphQL resolvers receive (``info.context``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from hub.domain.actor import Actor
from hub.domain.notification import NotificationView
from hub.domain.workflow import Workflow
from hub.door import Door


@dataclass
class RequestContext:
    door: Door
    request_id: str
    workflow: Workflow = field(default_factory=Workflow)

    @property
    def actor(self) -> Actor:
        return self.door.actor


@dataclass
class SubscriptionContext:
    """What a subscription over the websocket receives: the connection's ``connection_init`` payload (set by
    strawberry), and, once the payload authenticated, the subscriber's stream of notifications."""

    connection_params: dict[str, Any] = field(default_factory=dict)
    notifications: Callable[[], AsyncIterator[NotificationView]] | None = None
