"""Who is who, for forms: a practitioner by e-mail address (to filter the audit by who acted) and the partner
agencies one may ask for information. Practitioners and agencies are not child data: these declare no
purpose; what they feed (an audit query, a request) is decided and recorded where it happens."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from hub.domain.record import AgencyContact
from hub.door import Door
from hub.storage import queries
from hub.storage import tables as t


@dataclass(frozen=True)
class PractitionerRef:
    id: str
    name: str
    email: str


def practitioner_by_email(door: Door, email: str) -> PractitionerRef | None:
    row = door.query(queries.practitioner_by_email, email.strip())
    return PractitionerRef(row.id, row.name, row.email) if row is not None else None


def partner_agencies(door: Door) -> list[AgencyContact]:
    """The other agencies of the actor's safeguarding partnerships, by name."""
    ids = door.scalars(
        select(t.AgencyPartnership.agency_id).where(
            t.AgencyPartnership.partnership_id.in_(sorted(door.actor.partnership_ids)),
            t.AgencyPartnership.agency_id != door.actor.agency_id).distinct()).all()
    return sorted(door.contacts(ids).values(), key=lambda contact: contact.name)


def partnership_agencies(door: Door) -> list[AgencyContact]:
    """Every agency of the actor's safeguarding partnerships (their own included), by name: the choices of a
    lesson's agencies or an arrangements draft's partners."""
    ids = door.scalars(
        select(t.AgencyPartnership.agency_id).where(
            t.AgencyPartnership.partnership_id.in_(sorted(door.actor.partnership_ids))).distinct()).all()
    return sorted(door.contacts(ids).values(), key=lambda contact: contact.name)
