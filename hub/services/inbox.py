"""A school's inbox: Operation Encompass notifications to its DSLs, to read and acknowledge.

The police tell a child's school of a domestic abuse incident before the next school day; the DSL
acknowledges each one, so the police and IG can see it was received and by whom. Reading a notification is an
access like any other (decided, audited); the list is filtered to the actor's agency in SQL and each row is
then decided by the policy (``policies/notifications.polar``).

Requests for information addressed to the school, and answers to its own requests, join this inbox when the
information-requests service (issue 5) lands; until then the inbox holds incident notifications only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select

from hub.domain.access import NotificationFacts
from hub.domain.record import AgencyContact
from hub.door import Door, Subject
from hub.errors import ConflictError, NotFoundError, ValidationError
from hub.storage import tables as t

INCIDENT = "DOMESTIC_ABUSE_INCIDENT"
INBOX_KINDS = (INCIDENT,)
MAX_PAGE = 100


@dataclass(frozen=True)
class InboxItem:
    id: str
    kind: str
    summary: str
    child_id: str | None
    received_at: datetime
    sender: AgencyContact | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None  # the acknowledging practitioner's name


@dataclass(frozen=True)
class InboxPage:
    items: tuple[InboxItem, ...]
    offset: int
    total: int
    unacknowledged: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


def list_inbox(door: Door, *, first: int = 20, offset: int = 0) -> InboxPage:
    """Newest first; acknowledged ones stay where they were, marked, so the list does not jump."""
    if not 0 < first <= MAX_PAGE or offset < 0:
        raise ValidationError(f"Pages hold between 1 and {MAX_PAGE} notifications.", field="page")
    subject = Subject("notifications", None, None, door.actor.agency_id)
    door.access(subject, "list")
    mine = _addressed_to_actor(door)
    total, unacknowledged = door.session.execute(
        select(func.count(), func.count().filter(t.Notification.acknowledged_at.is_(None))).where(mine)
    ).one()
    rows = door.session.scalars(
        select(t.Notification).where(mine)
        .order_by(t.Notification.created_at.desc(), t.Notification.id)
        .offset(offset).limit(first)
    ).all()
    items = []
    for row in rows:
        row_subject = _subject(row)
        decision = door.decide("read", _facts(door, row), row_subject, audit=False)
        door.record(row_subject, "read", decision, fields=("summary", "received_at") if decision.allowed else ())
        if decision.allowed:
            items.append(row)
    return InboxPage(tuple(_items(door, items)), offset, int(total), int(unacknowledged))


def acknowledge(door: Door, notification_id: str) -> InboxItem:
    """The recipient confirms they have received the notification; recorded once, with who and when."""
    subject = Subject("notification", notification_id)
    door.access(subject, "acknowledge")
    row = door.session.get(t.Notification, notification_id)
    if row is None:
        door.refuse(subject, "acknowledge", "no such notification")
        raise NotFoundError("No notification with this id.")
    subject = _subject(row)
    decision = door.decide("acknowledge", _facts(door, row), subject, audit=False)
    if not decision.allowed:
        door.record(subject, "acknowledge", decision)
        raise NotFoundError("No notification with this id.")
    if row.acknowledged_at is not None:
        door.refuse(subject, "acknowledge", "already acknowledged")
        raise ConflictError("This notification has already been acknowledged.")
    row.acknowledged_at = door.now()
    row.acknowledged_by = door.actor.practitioner_id
    door.session.flush()
    door.record(subject, "acknowledge", decision, fields=("acknowledged_at", "acknowledged_by"))
    return _items(door, [row])[0]


def _addressed_to_actor(door: Door) -> ColumnElement[bool]:
    """The SQL half of the policy's ``addressed_to``: the policy still decides each row."""
    n = t.Notification
    return and_(
        n.recipient_agency_id == door.actor.agency_id,
        n.kind.in_(INBOX_KINDS),
        or_(n.recipient_practitioner_id.is_(None), n.recipient_practitioner_id == door.actor.practitioner_id),
        or_(n.recipient_role.is_(None), n.recipient_role.in_(sorted(str(role) for role in door.actor.roles))),
    )


def _facts(door: Door, row: t.Notification) -> NotificationFacts:
    return NotificationFacts(
        to_agency=row.recipient_agency_id == door.actor.agency_id,
        to_practitioner=row.recipient_practitioner_id in (None, door.actor.practitioner_id),
        to_role=row.recipient_role is None or row.recipient_role in {str(role) for role in door.actor.roles},
    )


def _subject(row: t.Notification) -> Subject:
    # The notification's content comes from the sender's record: the sender is its owner for the audit.
    return Subject("notification", row.id, row.child_id, row.actor_agency_id)


def _items(door: Door, rows: list[t.Notification]) -> list[InboxItem]:
    senders = door.contacts({row.actor_agency_id for row in rows if row.actor_agency_id})
    acknowledgers = {row.acknowledged_by for row in rows if row.acknowledged_by}
    names: dict[str, str] = {
        pid: name for pid, name in door.session.execute(
            select(t.Practitioner.id, t.Practitioner.name).where(t.Practitioner.id.in_(sorted(acknowledgers))))
    } if acknowledgers else {}
    return [
        InboxItem(id=row.id, kind=row.kind, summary=row.summary, child_id=row.child_id, received_at=row.created_at,
                  sender=senders.get(row.actor_agency_id or ""), acknowledged_at=row.acknowledged_at,
                  acknowledged_by=names.get(row.acknowledged_by or ""))
        for row in rows
    ]
