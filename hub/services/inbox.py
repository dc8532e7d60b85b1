"""A practitioner's inbox: the notifications addressed to them by name or to a role they hold at their
agency, newest first, filtered in SQL; and acknowledging one, which only its recipient may do (anyone else
gets the same NOT_FOUND as for an id that does not exist)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, false, func, or_, select

from hub.access.accounting import SCOPED
from hub.domain.access import NotificationFacts
from hub.domain.notification import NEEDS_ACKNOWLEDGEMENT, NotificationKind, NotificationView
from hub.domain.working_time import as_utc
from hub.door import Door, Subject
from hub.errors import NotFoundError
from hub.services.paging import Keyset, Sort
from hub.storage import notifications
from hub.storage import tables as t

RESOURCE = "notification"
# Newest first; the id breaks ties between notifications made in the same moment.
NOTIFICATIONS = Keyset("notification", Sort(t.Notification.created_at, datetime, descending=True),
                       Sort(t.Notification.id, str))
FIELDS = ("kind", "summary", "due_at")


class Status(StrEnum):
    """Where a notification stands for its reader: the inbox's status filter."""

    TO_ACKNOWLEDGE = "to-acknowledge"  # an acknowledgement is due and not yet given
    OVERDUE = "overdue"  # ... and its time has passed
    ACKNOWLEDGED = "acknowledged"


@dataclass(frozen=True)
class InboxFilter:
    unread_only: bool = False
    kinds: tuple[NotificationKind, ...] = ()
    status: Status | None = None


@dataclass(frozen=True)
class InboxPage:
    views: tuple[NotificationView, ...]
    cursors: tuple[str, ...]  # one per view
    has_next: bool
    has_previous: bool
    total: int
    unread: int
    to_acknowledge: int = 0  # of the unread, those whose kind asks for an acknowledgement


def list_notifications(door: Door, wanted: InboxFilter, *, first: int = 20, after: str | None = None) -> InboxPage:
    NOTIFICATIONS.check(first, after)
    subject = Subject("notifications")
    door.access(subject, "list")
    visible = addressed_condition(door, subject)
    # Addressed to the actor as the policy allows: its rows are decided (hub.access.accounting), the page's peek
    # at the next row included.
    statement = select(t.Notification).where(visible).execution_options(**{SCOPED: True})
    if wanted.kinds:
        statement = statement.where(t.Notification.kind.in_([str(kind) for kind in wanted.kinds]))
    to_acknowledge = _count(door, _with_status(statement, Status.TO_ACKNOWLEDGE, door.now()))  # whatever is shown
    statement = _with_status(statement, wanted.status, door.now())
    unread = _count(door, statement.where(t.Notification.acknowledged_at.is_(None)))
    if wanted.unread_only:
        statement = statement.where(t.Notification.acknowledged_at.is_(None))
    total = unread if wanted.unread_only else _count(door, statement)
    page, params = NOTIFICATIONS.page(statement, first, after)
    rows = door.execute(page, params).scalars().all()
    views = release(door, rows[:first])
    cursors = {row.id: NOTIFICATIONS.encode((row.created_at, row.id)) for row in rows}
    return InboxPage(tuple(views), tuple(cursors[view.id] for view in views), len(rows) > first, after is not None,
                     total, unread, to_acknowledge)


def _with_status(statement: Select[t.Notification], status: Status | None,
                 now: datetime) -> Select[t.Notification]:
    due = t.Notification.kind.in_([str(kind) for kind in NEEDS_ACKNOWLEDGEMENT])
    pending = t.Notification.acknowledged_at.is_(None)
    if status == Status.TO_ACKNOWLEDGE:
        return statement.where(due, pending)
    if status == Status.OVERDUE:
        return statement.where(due, pending, t.Notification.due_at < now)
    if status == Status.ACKNOWLEDGED:
        return statement.where(t.Notification.acknowledged_at.is_not(None))
    return statement


def acknowledge_many(door: Door, notification_ids: Sequence[str]) -> int:
    """Acknowledge each (each decided and audited on its own); how many were the reader's to acknowledge.
    An id that is not theirs is refused and recorded as for one alone, and the others still count."""
    done = 0
    for notification_id in dict.fromkeys(notification_ids):
        try:
            acknowledge(door, notification_id)
        except NotFoundError:
            continue
        done += 1
    return done


def release(door: Door, rows: Sequence[t.Notification]) -> list[NotificationView]:
    """Decide, audit and view each notification (one audit event per notification released)."""
    views = []
    senders = door.contacts({row.actor_agency_id for row in rows if row.actor_agency_id})
    for row in rows:
        subject = Subject(RESOURCE, row.id, row.child_id)
        decision = door.decide("read", facts(door, row), subject, audit=False)
        if not decision.allowed:  # SQL and policy disagree: fail closed, and say so
            door.refuse(subject, "read", "withheld: visible in SQL but not by policy")
            continue
        door.record(subject, "read", decision, fields=FIELDS)
        sender = senders.get(row.actor_agency_id) if row.actor_agency_id else None
        views.append(view(row, sender.name if sender else None))
    return views


def addressed_condition(door: Door, subject: Subject) -> ColumnElement[bool]:
    """The SQL for "addressed to the actor", kept to what the policy allows of it (deny by default)."""
    actor = door.actor
    by_name = notifications.to_practitioner(actor.practitioner_id)
    by_role = notifications.to_roles(actor.agency_id, (str(role) for role in actor.roles))
    cases = [condition for condition, fact in ((by_name, NotificationFacts(True, False)),
                                               (by_role, NotificationFacts(False, True)))
             if door.decide("read", fact, subject, audit=False).allowed]
    return or_(*cases) if cases else false()


def facts(door: Door, row: t.Notification) -> NotificationFacts:
    actor = door.actor
    return NotificationFacts(
        to_actor=row.recipient_practitioner_id == actor.practitioner_id,
        to_actor_role=(row.recipient_agency_id == actor.agency_id and row.recipient_role is not None
                       and row.recipient_role in {str(role) for role in actor.roles}))


def acknowledge(door: Door, notification_id: str) -> NotificationView:
    subject = Subject(RESOURCE, notification_id)
    door.access(subject, "acknowledge")
    row = door.get(t.Notification, notification_id)
    if row is None:
        door.refuse(subject, "acknowledge", "no such notification")
        raise NotFoundError("No notification with this id.")
    subject = Subject(RESOURCE, row.id, row.child_id)

    def acknowledge_row() -> bool:
        """Whether this call acknowledged it (False: it was already)."""
        done = door.query(notifications.acknowledge, row.id, door.actor.practitioner_id, door.now())
        door.refresh(row)
        return done

    # Not the recipient: the same answer as no such notification.
    door.change("acknowledge", facts(door, row), subject, acknowledge_row, fields=("acknowledged_at",),
                reason=lambda done: None if done else f"already acknowledged at {_iso(row.acknowledged_at)}",
                refused=lambda: NotFoundError("No notification with this id."))
    sender = door.contacts([row.actor_agency_id]).get(row.actor_agency_id) if row.actor_agency_id else None
    return view(row, sender.name if sender else None)


def view(row: t.Notification, sender_name: str | None) -> NotificationView:
    return NotificationView(
        id=row.id, kind=NotificationKind(row.kind), recipient_agency_id=row.recipient_agency_id,
        recipient_practitioner_id=row.recipient_practitioner_id, recipient_role=row.recipient_role,
        summary=row.summary, child_id=row.child_id, record_key=row.record_key, request_id=row.request_id,
        sender_agency_id=row.actor_agency_id, sender_agency_name=sender_name, due_at=_utc(row.due_at),
        do_not_approach_parents=row.do_not_approach_parents,
        created_at=as_utc(row.created_at), acknowledged_at=_utc(row.acknowledged_at))


def _count(door: Door, statement: Select[t.Notification]) -> int:
    return door.scalar(select(func.count()).select_from(statement.subquery())) or 0


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment else None


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else "an unknown time"
