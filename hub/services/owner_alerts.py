"""Owner access alerts (CP-IS style, and better): an agency learns when a partner reads its records.

Recorded as notifications, one per child, owning agency, reading agency and day; the audit ledger keeps
every single access. Delivery (inboxes, webhooks) belongs to the notifications service.
"""

from __future__ import annotations

from hub.domain.access import RecordFacts
from hub.domain.record import RecordView
from hub.door import Door, Subject
from hub.storage import notifications

OWNER_ACCESS_ALERT = "RECORD_ACCESSED"


def alert_owner_if_due(door: Door, view: RecordView, facts: RecordFacts) -> None:
    """Record an alert to the record's owner when the policy says this access must be known to it."""
    if view.owner is None:
        return
    subject = Subject("record", view.record_key, view.child_id, view.owner.agency_id)
    if not door.decide("alert_owner", facts, subject, audit=False).allowed:
        return
    access = door.access(subject, "read")
    day = door.today().isoformat()
    notifications.add_once(
        door.session,
        kind=OWNER_ACCESS_ALERT,
        recipient_agency_id=view.owner.agency_id,
        child_id=view.child_id,
        record_key=view.record_key,
        actor_practitioner_id=door.actor.practitioner_id,
        actor_agency_id=door.actor.agency_id,
        summary=(f"{door.actor.name} ({door.actor.agency_name}) read your agency's records about this child "
                 f"for {access.purpose.name.lower()} (case {access.case_reference})."),
        dedupe_key=f"{OWNER_ACCESS_ALERT}:{view.child_id}:{view.owner.agency_id}:{door.actor.agency_id}:{day}",
        created_at=door.now(),
    )
