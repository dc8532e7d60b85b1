"""A subscriber's notifications as they arrive.

Polled from the database, so a notification written by any replica, or by the worker, reaches a subscriber
connected to any other. Each poll opens a door of its own, which authenticates the subscriber afresh (an
expired token or a deactivated practitioner ends the stream) and decides and audits every notification it
delivers before it is sent. A notification that commits late with an earlier ``created_at`` is still found:
each poll looks back ``grace`` and skips what it has delivered.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from starlette.concurrency import run_in_threadpool

from hub.access.accounting import SCOPED
from hub.domain.notification import NotificationView
from hub.domain.working_time import as_utc
from hub.door import Door, Subject
from hub.services import inbox
from hub.storage import tables as t

OpenDoor = Callable[[], AbstractContextManager[Door]]
BATCH = 100


@dataclass
class InboxStream:
    open_door: OpenDoor  # a door for the subscriber, in a unit of work committed when the block ends cleanly
    clock: Callable[[], datetime]  # the hub's clock (the doors' own)
    poll_seconds: float = 2.0
    grace: timedelta = timedelta(minutes=2)

    async def watch(self) -> AsyncIterator[NotificationView]:
        asked_at = self.clock()  # as the subscribe message is handled, before any wait for a worker thread
        since, delivered = await run_in_threadpool(self._start, asked_at)
        while True:
            views = await run_in_threadpool(self._poll, since, frozenset(delivered))
            for view in views:
                delivered[view.id] = view.created_at
                yield view
            if views:
                since = max(since, *(view.created_at for view in views))
                delivered = {key: at for key, at in delivered.items() if at >= since - self.grace}
            if len(views) < BATCH:
                await asyncio.sleep(self.poll_seconds)

    def _start(self, asked_at: datetime) -> tuple[datetime, dict[str, datetime]]:
        """Check the subscriber may watch at all (purpose, case reference), and deliver what arrives after the
        moment they asked: what was in the inbox by then counts as delivered. A notification stamped within
        ``grace`` after that moment is sent, even when it was written while this stream waited for a worker
        thread (a busy replica): sent twice at worst (one stamped ahead by another replica's clock), never
        missed. One stamped further ahead than any wait counts as in the inbox already, as before."""
        with self.open_door() as door:
            subject = Subject("notifications")
            door.access(subject, "subscribe")
            existing = door.execute(
                select(t.Notification.id, t.Notification.created_at)
                .where(inbox.addressed_condition(door, subject), t.Notification.created_at >= asked_at - self.grace,
                       or_(t.Notification.created_at <= asked_at, t.Notification.created_at > asked_at + self.grace))
                .execution_options(**{SCOPED: True})  # addressed as the policy allows: hub.access.accounting
            ).all()
            return asked_at, {row.id: as_utc(row.created_at) for row in existing}

    def _poll(self, since: datetime, delivered: frozenset[str]) -> list[NotificationView]:
        with self.open_door() as door:
            subject = Subject("notifications")
            door.access(subject, "subscribe")
            rows = door.scalars(
                select(t.Notification)
                .where(inbox.addressed_condition(door, subject), t.Notification.created_at >= since - self.grace,
                       t.Notification.id.not_in(sorted(delivered)))
                .order_by(t.Notification.created_at, t.Notification.id)
                .limit(BATCH)
            ).all()
            return [view for view in inbox.release(door, rows) if as_utc(view.created_at) >= since - self.grace]
