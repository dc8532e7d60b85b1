"""Owner access alerts (CP-IS style, and better): an agency learns when a partner reads its records.

Recorded as notifications, one per child, owning agency, reading agency and day (the audit ledger keeps every
single access), addressed to the worker allocated to the owner's open involvement with the child, or to the
owner's front door when the case is closed.
"""

from __future__ import annotations

from hub.domain.access import RecordFacts
from hub.domain.notification import Notice, NotificationKind
from hub.domain.record import RecordView
from hub.door import Door, Subject
from hub.services import notices, routing

OWNER_ACCESS_ALERT = str(NotificationKind.RECORD_ACCESSED)


def alert_owner_if_due(door: Door, view: RecordView, facts: RecordFacts) -> None:
    """Record an alert to the record's owner when the policy says this access must be known to it."""
    if view.owner is None:
        return
    owner = view.owner.agency_id
    subject = Subject("record", view.record_key, view.child_id, owner)
    decision = door.decide("alert_owner", facts, subject, audit=False)
    if not decision.allowed:
        return
    access = door.access(subject, "read")
    day = door.today().isoformat()
    recipient = door.memo(("owner_recipient", view.child_id, owner),
                          lambda: door.query(routing.owner_recipient, view.child_id, owner, door.today()))
    notices.notify(door, Notice(
        kind=NotificationKind.RECORD_ACCESSED,
        recipient=recipient,
        child_id=view.child_id,
        record_key=view.record_key,
        summary=(f"{door.actor.name} ({door.actor.agency_name}) read your agency's records about this child "
                 f"for {access.purpose.name.lower()} (case {access.case_reference})."),
        dedupe_key=f"{OWNER_ACCESS_ALERT}:{view.child_id}:{owner}:{door.actor.agency_id}:{day}",
    ))
