"""Owner access alerts (CP-IS style, and better): an agency learns when a partner reads its records.

Recorded as notifications, one per child, owning agency, reading agency and day (the audit ledger keeps every
single access), addressed to the worker allocated to the owner's open involvement with the child, or to the
owner's front door when the case is closed.

Only the first read of a day can write an alert, so each process remembers the alerts it has seen committed
(``AlertsSeen``) and spends no routing lookup and no insert on the reads after it. The database's dedupe key
stays the arbiter between processes: a process that has not seen an alert yet tries the insert, which writes
nothing when another process got there first.
"""

from __future__ import annotations

import threading
import weakref

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, SessionTransaction

from hub.domain.access import RecordFacts
from hub.domain.notification import Notice, NotificationKind
from hub.domain.record import PART_TIERS, RecordView, Tier
from hub.door import Door, Subject
from hub.services import notices, routing

OWNER_ACCESS_ALERT = str(NotificationKind.RECORD_ACCESSED)
_PENDING = "hub.owner_alerts.pending"


class AlertsSeen:
    """Dedupe keys of alerts known to be committed in one database. A key is remembered only after the
    transaction that wrote (or met) its notification commits: a rolled-back read must not silence the alert
    the next read owes the owner. Keys hold the day, so the set is emptied when the day changes."""

    def __init__(self, capacity: int = 100_000) -> None:
        self.enabled = True  # the benchmark turns it off to measure what it saves
        self._capacity = capacity
        self._keys: set[str] = set()
        self._day = ""
        self._lock = threading.Lock()

    def __contains__(self, key: str) -> bool:
        return self.enabled and key in self._keys

    def remember(self, day: str, keys: set[str]) -> None:
        with self._lock:
            if day != self._day or len(self._keys) + len(keys) > self._capacity:
                self._keys, self._day = set(), day
            self._keys |= keys


_seen: weakref.WeakKeyDictionary[Engine, AlertsSeen] = weakref.WeakKeyDictionary()
_seen_lock = threading.Lock()


def alerts_seen(engine: Engine) -> AlertsSeen:
    """This process's memory of committed alerts in the database behind ``engine``."""
    with _seen_lock:
        return _seen.setdefault(engine, AlertsSeen())


def alert_owner_if_due(door: Door, view: RecordView, facts: RecordFacts) -> None:
    """Record an alert to the record's owner when the policy says this access must be known to it."""
    if view.owner is None:
        return
    owner = view.owner.agency_id
    subject = Subject("record", view.record_key, view.child_id, owner)
    decision = door.decide("alert_owner", facts, subject, audit=False)
    if not decision.allowed:
        return
    day = door.today().isoformat()
    dedupe_key = f"{OWNER_ACCESS_ALERT}:{view.child_id}:{owner}:{door.actor.agency_id}:{day}"
    seen = door.query(_seen_in)
    if dedupe_key in seen or door.query(_pending, day, dedupe_key):
        return  # the owner has been (or, once this request commits, will be) told today
    recipient = door.memo(("owner_recipient", view.child_id, owner),
                          lambda: door.query(routing.owner_recipient, view.child_id, owner, door.today()))
    notices.notify(door, Notice(
        kind=NotificationKind.RECORD_ACCESSED,
        recipient=recipient,
        child_id=view.child_id,
        record_key=view.record_key,
        summary=_summary(door, view),
        dedupe_key=dedupe_key,
    ))
    door.query(_remember_on_commit, seen, day, dedupe_key)


def _summary(door: Door, view: RecordView) -> str:
    """What was read (the tiers), by which agency, and whom to contact. Never the reader's purpose or case
    reference: they could tell the owner of another agency's restricted work (a live investigation, say)."""
    read = [str(tier).lower() for tier in (Tier.FLAG, Tier.SUMMARY, Tier.DETAIL)
            if any(PART_TIERS[field] == tier for field in view.released_fields)] or ["flag"]
    tiers = " and ".join(read) if len(read) < 3 else f"{read[0]}, {read[1]} and {read[2]}"
    contact = door.contacts([door.actor.agency_id]).get(door.actor.agency_id)
    reach = f" on {contact.office_hours_phone}" if contact and contact.office_hours_phone else ""
    return (f"{door.actor.name} ({door.actor.agency_name}) read the {tiers} of your agency's records about this "
            f"child. To ask why, contact {door.actor.agency_name}{reach}.")


def _seen_in(session: Session) -> AlertsSeen:
    return alerts_seen(session.get_bind())  # type: ignore[arg-type]


def _pending(session: Session, day: str, key: str) -> bool:
    """Written by an earlier read of this request, not yet committed."""
    return key in session.info.get(_PENDING, {}).get(day, ())


def _remember_on_commit(session: Session, seen: AlertsSeen, day: str, key: str) -> None:
    if _PENDING not in session.info:
        def committed(done: Session) -> None:
            if done.get_nested_transaction() is None:  # the request's transaction, not a savepoint
                for pending_day, keys in done.info.get(_PENDING, {}).items():
                    seen.remember(pending_day, keys)

        def ended(done: Session, transaction: SessionTransaction) -> None:
            if transaction.parent is None:  # committed (remembered above) or rolled back: start afresh
                done.info.get(_PENDING, {}).clear()

        event.listen(session, "after_commit", committed)
        event.listen(session, "after_transaction_end", ended)
    session.info.setdefault(_PENDING, {}).setdefault(day, set()).add(key)
