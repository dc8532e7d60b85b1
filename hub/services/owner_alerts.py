"""Owner access alerts (CP-IS style, and better): an agency learns when a partner reads its records.

Recorded as notifications, one per child, owning agency, reading agency and day (the audit ledger keeps every
single access), addressed to the worker allocated to the owner's open involvement with the child, or to the
owner's front door when the case is closed.
"""

from __future__ import annotations

from hub.domain.access import RecordFacts
from hub.domain.notification import Notice, NotificationKind
from hub.domain.record import PART_TIERS, RecordView, Tier
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
    day = door.today().isoformat()
    recipient = door.memo(("owner_recipient", view.child_id, owner),
                          lambda: door.query(routing.owner_recipient, view.child_id, owner, door.today()))
    notices.notify(door, Notice(
        kind=NotificationKind.RECORD_ACCESSED,
        recipient=recipient,
        child_id=view.child_id,
        record_key=view.record_key,
        summary=_summary(door, view),
        dedupe_key=f"{OWNER_ACCESS_ALERT}:{view.child_id}:{owner}:{door.actor.agency_id}:{day}",
    ))


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
