"""The demo's history, after its first sync: the police simulator's past incidents reach the schools as
Operation Encompass notices, which the schools' DSLs acknowledged at the time. Without this the demo opens
with dozens of months-old notices "to acknowledge" in a DSL's inbox, hiding the one that matters.

Only notices about incidents that began before the day of the sync are marked; one reported today (or the
simulator's next incident, later) arrives as new. The change is one administrative event on the ledger.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from hub.access.system import SystemDoor
from hub.domain.access import HubResource
from hub.door import Subject
from hub.storage import tables as t

KIND = "DOMESTIC_ABUSE_INCIDENT"


def acknowledge_past_encompass(door: SystemDoor, now: datetime) -> int:
    """Mark the school DSLs' past Encompass notices acknowledged; how many (none when the policy refuses)."""
    if not door.decide("acknowledge", HubResource("demo_history"), Subject("notification"),
                       "demo history: past Operation Encompass notices marked acknowledged by the schools' DSLs"
                       ).allowed:
        return 0
    started = (select(t.RecordVersion.record_key)
               .where(t.RecordVersion.start_date < now.date())
               .scalar_subquery())
    pending = door.scalars(select(t.Notification).where(
        t.Notification.kind == KIND, t.Notification.acknowledged_at.is_(None),
        t.Notification.recipient_role == "DSL", t.Notification.record_key.in_(started))).all()
    dsls: dict[str, str | None] = {}
    for notice in pending:
        if notice.recipient_agency_id not in dsls:
            staff = door.scalars(select(t.Practitioner).where(
                t.Practitioner.agency_id == notice.recipient_agency_id).order_by(t.Practitioner.email)).all()
            dsls[notice.recipient_agency_id] = next((p.id for p in staff if "DSL" in p.roles), None)
        notice.acknowledged_at = notice.created_at  # as it arrived: the school had read it at the time
        notice.acknowledged_by = dsls[notice.recipient_agency_id]
    door.explain(f"demo history: {len(pending)} past Operation Encompass notices marked acknowledged by the "
                 "schools' DSLs")
    return len(pending)
