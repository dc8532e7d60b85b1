"""Repeated probing of one child through FIND: refused, and told to the child's owning agency.

Asking about one child again and again with differing details (a postcode guessed district by district,
say) is how a withheld detail would be recovered, if any answer depended on it. None does, but a
practitioner who asks about one child with more than ``PROBE_LIMIT`` differing sets of details within
``PROBE_WINDOW`` gets, for that child, the answer for a child who does not exist until the window passes,
and the child's owning agency is told once a day who is probing (never what they asked).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from hub.domain.notification import Notice, NotificationKind
from hub.door import Door
from hub.identity.demographics import Demographics
from hub.services import notices, routing
from hub.storage import find_probes, queries
from hub.storage import tables as t

PROBE_LIMIT = 6
PROBE_WINDOW = timedelta(hours=1)
FIND_PROBING = str(NotificationKind.FIND_PROBING)


def probing_limited(door: Door, child: t.Child, person: Demographics) -> bool:
    """Record this FIND of ``child`` by ``person``'s details; True when the actor has probed the child too often
    (the owning agency is then alerted)."""
    now = door.now()
    asked = door.query(find_probes.record, door.actor.practitioner_id, child.id, _digest(child.id, person),
                               now, since=now - PROBE_WINDOW)
    if asked <= PROBE_LIMIT:
        return False
    for owner in _owners(door, child):
        notices.notify(door, Notice(
            kind=NotificationKind.FIND_PROBING,
            recipient=door.query(routing.owner_recipient, child.id, owner, door.today()),
            child_id=child.id,
            summary=(f"{door.actor.name} ({door.actor.agency_name}) searched for this child with {asked} "
                     f"differing sets of details within {PROBE_WINDOW.seconds // 60} minutes. The hub has "
                     "stopped answering their searches for this child for now; the audit ledger holds each "
                     "search for your IG officer."),
            dedupe_key=f"{FIND_PROBING}:{child.id}:{owner}:{door.actor.practitioner_id}:{door.today().isoformat()}",
        ))
    return True


def _owners(door: Door, child: t.Child) -> list[str]:
    """The agency that withheld the child's address, or else every agency involved with the child; never the
    prober's own."""
    owners = [child.address_withheld_by] if child.address_withheld_by else door.query(
        queries.involved_agency_ids, child.id, door.today())
    return [owner for owner in owners if owner != door.actor.agency_id]


def _digest(child_id: str, person: Demographics) -> str:
    asked = person.normalised()
    text = "\0".join((child_id, asked.given, asked.family, str(asked.dob), asked.sex or "", asked.postcode))
    return hashlib.sha256(text.encode()).hexdigest()
