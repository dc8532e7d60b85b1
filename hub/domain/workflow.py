"""The rules of the request and notification workflow that a deployment configures (``HUB_*`` settings):
its working calendar, how early "due soon" comes, and how long a decision to share lets the requester read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from hub.domain.working_time import WorkingCalendar


@dataclass(frozen=True)
class Workflow:
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    due_soon: timedelta = timedelta(minutes=60)
    share_grant_hours: int = 24 * 30
