"""Break-glass: in an emergency an eligible practitioner declares, with a reason, that they must see a
child's FLAG and SUMMARY information now. It lasts 60 minutes, every owner of records about the child is
alerted, and the declaration (action ``break_glass`` in the ledger) waits for IG review."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select

from hub.domain.access import ChildFacts
from hub.domain.notification import Notice, NotificationKind
from hub.door import Door, Subject
from hub.errors import ForbiddenError, NotFoundError, ValidationError
from hub.services import notices, routing
from hub.services.children import child_facts
from hub.storage import queries
from hub.storage import tables as t

BREAK_GLASS_DURATION = timedelta(minutes=60)
BREAK_GLASS_USED = str(NotificationKind.BREAK_GLASS_USED)


@dataclass(frozen=True)
class EmergencyAccess:
    id: str
    child_id: str
    expires_at: datetime


def declare_emergency(door: Door, child_id: str, reason: str) -> EmergencyAccess:
    subject = Subject("child", child_id, child_id)
    access = door.access(subject, "break_glass")
    child = door.query(queries.child, child_id)
    # Eligibility depends on the role and purpose alone, so it is decided (and refused) the same way whether
    # or not the child exists: the refusal reveals nothing about the child.
    facts = child_facts(door, child) if child else ChildFacts()
    why = reason.strip()

    def declare() -> tuple[t.BreakGlassSession, list[str]]:
        """The emergency access, and the agencies owning the child's records."""
        if child is None:
            door.refuse(subject, "break_glass", "no such child")
            raise NotFoundError("No child with this id.")
        if len(why) < 10:
            door.refuse(subject, "break_glass", "no adequate reason given")
            raise ValidationError("Say what the emergency is: an IG officer will review this access.", field="reason")
        now = door.now()
        session = t.BreakGlassSession(id=t.new_id(), practitioner_id=door.actor.practitioner_id,
                                      agency_id=door.actor.agency_id, child_id=child.id, reason=why,
                                      case_reference=access.case_reference, started_at=now,
                                      expires_at=now + BREAK_GLASS_DURATION)
        door.add(session)
        door.flush()
        owners = sorted(door.scalars(
            select(t.RecordVersion.owner_agency_id, t.RecordVersion.child_id)
            .where(t.RecordVersion.child_id == child.id).distinct()
        ).all())
        return session, owners

    # One ledger event per owning agency, naming it, so every owner's IG officer finds the use in their own
    # review queue (an agency's queue holds the events where it is the actor or the owner); one naming no
    # owner when the hub holds no records about the child.
    session, owners = door.change(
        "break_glass", facts, subject, declare, fields=("flag", "summary"), reason=lambda _: why,
        recorded_as=lambda declared: [replace(subject, owner_agency_id=owner) for owner in declared[1]] or subject,
        refused=lambda: ForbiddenError(
            "Your role may not declare an emergency access, or the purpose is not EMERGENCY.",
            "Declare Hub-Purpose: EMERGENCY; IG officers review every use."))
    assert child is not None  # declare refused a missing one
    for owner in owners:
        if owner != door.actor.agency_id:
            notices.notify(door, Notice(
                kind=NotificationKind.BREAK_GLASS_USED,
                recipient=door.query(routing.owner_recipient, child.id, owner, door.today()), child_id=child.id,
                summary=f"{door.actor.name} ({door.actor.agency_name}) declared an emergency to see this "
                        f"child's information: {reason.strip()}",
                dedupe_key=f"{BREAK_GLASS_USED}:{session.id}:{owner}"))
    return EmergencyAccess(session.id, child.id, session.expires_at)
