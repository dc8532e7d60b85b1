"""Notifications in the database: written at most once per dedupe key (safely under concurrency on both
databases), and each recipient's inbox as one SQL condition."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, and_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.domain.notification import Notice
from hub.storage import tables as t


def add_once(session: Session, notice: Notice, *, created_at: datetime, actor_practitioner_id: str | None = None,
             actor_agency_id: str | None = None) -> str | None:
    """Insert unless a notification with this dedupe key exists; the new notification's id, or None."""
    recipient = notice.recipient
    values = {
        "id": t.new_id(), "kind": str(notice.kind), "recipient_agency_id": recipient.agency_id,
        "recipient_practitioner_id": recipient.practitioner_id,
        "recipient_role": str(recipient.role) if recipient.role else None,
        "child_id": notice.child_id, "record_key": notice.record_key, "request_id": notice.request_id,
        "actor_practitioner_id": actor_practitioner_id, "actor_agency_id": actor_agency_id,
        "summary": notice.summary, "dedupe_key": notice.dedupe_key[:200], "created_at": created_at,
        "due_at": notice.due_at, "do_not_approach_parents": notice.do_not_approach_parents,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(t.Notification).values(values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    result: CursorResult[Any] = session.execute(statement)  # type: ignore[assignment]
    return str(values["id"]) if result.rowcount else None


def to_practitioner(practitioner_id: str) -> ColumnElement[bool]:
    """Addressed to the practitioner by name."""
    return t.Notification.recipient_practitioner_id == practitioner_id


def to_roles(agency_id: str, roles: Iterable[str]) -> ColumnElement[bool]:
    """Addressed to one of these roles at this agency."""
    return and_(t.Notification.recipient_agency_id == agency_id, t.Notification.recipient_role.in_(sorted(roles)))


def acknowledge(session: Session, notification_id: str, practitioner_id: str, at: datetime) -> bool:
    """Mark acknowledged unless someone already did; True when this call did."""
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(t.Notification)
        .where(t.Notification.id == notification_id, t.Notification.acknowledged_at.is_(None))
        .values(acknowledged_at=at, acknowledged_by=practitioner_id)
    )
    return bool(result.rowcount)
