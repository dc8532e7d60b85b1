"""The one request-scoped object GraphQL resolvers receive (``info.context``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.domain.actor import Actor
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
