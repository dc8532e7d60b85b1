"""Writing a notification: once per dedupe key, with a signed-webhook delivery queued for each of the
recipient agency's systems in the same transaction (so a crash loses none), and, through the door, audited."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.domain.notification import Notice
from hub.door import Door, Subject
from hub.policy import Decision
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


def notify(door: Door, notice: Notice, decision: Decision) -> str | None:
    """Write a notification caused by the actor's access, and audit it under the decision that allowed that
    access."""
    notice = replace(notice, summary=notice.summary[:2000])
    notification_id = write(door.session, notice, door.now(), actor_practitioner_id=door.actor.practitioner_id,
                            actor_agency_id=door.actor.agency_id)
    if notification_id is not None:
        recipient = notice.recipient
        door.record(Subject("notification", notification_id, notice.child_id, None), "notify", decision,
                    fields=("kind", "summary"),
                    reason=f"{notice.kind} to {recipient.role or 'practitioner ' + str(recipient.practitioner_id)} "
                           f"at agency {recipient.agency_id}")
    return notification_id
