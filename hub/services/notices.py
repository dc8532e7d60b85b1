"""Writing a notification: once per dedupe key, with a signed-webhook delivery queued for each of the
recipient agency's systems in the same transaction (so a crash loses none).

A notification is not itself an access to child data: the access or decision that caused it is audited by
its service, and the notification row keeps who caused it and when. Reading, delivering and acknowledging a
notification are audited (``hub.services.inbox``, ``hub.worker``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.domain.notification import Notice
from hub.door import Door
from hub.storage import jobs, notifications
from hub.storage import tables as t


def write(session: Session, notice: Notice, now: datetime, *, actor_practitioner_id: str | None = None,
          actor_agency_id: str | None = None) -> str | None:
    """The new notification's id, or None when one with this dedupe key exists already."""
    notification_id = notifications.add_once(session, notice, created_at=now,
                                             actor_practitioner_id=actor_practitioner_id,
                                             actor_agency_id=actor_agency_id)
    if notification_id is None:
        return None
    endpoints = session.scalars(select(t.WebhookEndpoint.id).where(
        t.WebhookEndpoint.agency_id == notice.recipient.agency_id, t.WebhookEndpoint.active.is_(True))).all()
    for endpoint_id in endpoints:
        jobs.schedule(session, kind=jobs.JobKind.WEBHOOK, subject_id=notification_id, run_at=now, now=now,
                      key=f"{jobs.JobKind.WEBHOOK}:{endpoint_id}:{notification_id}",
                      payload={"endpoint_id": endpoint_id})
    return notification_id


def notify(door: Door, notice: Notice) -> str | None:
    """Write a notification caused by the actor's access or decision."""
    return door.query(write, replace(notice, summary=notice.summary[:2000]), door.now(),
                 actor_practitioner_id=door.actor.practitioner_id, actor_agency_id=door.actor.agency_id)
