"""Read queries the door and services use. Nothing outside the hub's core imports this module."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from hub.domain.access import ChildFacts
from hub.domain.actor import Actor, AgencyKind, Purpose, Role
from hub.domain.record import AgencyContact
from hub.storage import tables as t


def load_actor(session: Session, practitioner_id: str, client_id: str | None = None) -> Actor | None:
    row = session.execute(
        select(t.Practitioner, t.Agency)
        .join(t.Agency, t.Agency.id == t.Practitioner.agency_id)
        .where(t.Practitioner.id == practitioner_id, t.Practitioner.active.is_(True))
    ).first()
    if row is None:
        return None
    practitioner, agency = row
    partnerships = session.scalars(
        select(t.AgencyPartnership.partnership_id).where(t.AgencyPartnership.agency_id == agency.id)
    ).all()
    return Actor(
        practitioner_id=practitioner.id,
        email=practitioner.email,
        name=practitioner.name,
        agency_id=agency.id,
        agency_name=agency.name,
        agency_kind=AgencyKind(agency.kind),
        roles=frozenset(Role(r) for r in practitioner.roles),
        partnership_ids=frozenset(partnerships),
        client_id=client_id,
    )


def practitioner_by_email(session: Session, email: str) -> t.Practitioner | None:
    return session.scalar(select(t.Practitioner).where(func.lower(t.Practitioner.email) == email.lower()))


def purpose(session: Session, code: str) -> Purpose | None:
    row = session.get(t.Purpose, code)
    if row is None:
        return None
    return Purpose(row.code, row.name, row.lawful_basis, row.legislation)


def child(session: Session, child_id: str) -> t.Child | None:
    return session.get(t.Child, child_id)


def child_by_nhs_number(session: Session, nhs_number: str) -> t.Child | None:
    return session.scalar(select(t.Child).where(t.Child.nhs_number == nhs_number))


def child_facts(
    session: Session, actor: Actor, child: t.Child, *, identified_by_nhs_number: bool = False, today: date
) -> ChildFacts:
    """The actor's relationships with one child, in one round trip."""
    link = t.AgencyRecordLink
    mine = and_(link.child_id == child.id, link.agency_id == actor.agency_id)
    is_open = (link.closed_on.is_(None)) | (link.closed_on > today)
    on_roll = exists().where(mine, link.kind == "ROLL", is_open)
    involved = exists().where(mine, link.kind == "INVOLVEMENT", is_open)
    linked = exists().where(mine)
    holds_records = exists().where(
        t.RecordVersion.child_id == child.id, t.RecordVersion.owner_agency_id == actor.agency_id
    )
    row = session.execute(select(on_roll, involved, linked, holds_records)).one()
    return ChildFacts(
        on_roll=bool(row[0]),
        involved=bool(row[1]),
        known=bool(row[2] or row[3]),
        in_area=child.partnership_id in actor.partnership_ids,
        identified_by_nhs_number=identified_by_nhs_number,
        address_withheld=child.address_withheld_by is not None,
        withholds_address=child.address_withheld_by == actor.agency_id,
    )


def current_versions():  # type: ignore[no-untyped-def]
    """Selects the newest version of each record: versions are appended, never updated."""
    newer = aliased(t.RecordVersion)
    return select(t.RecordVersion).where(
        ~exists().where(newer.record_key == t.RecordVersion.record_key, newer.version > t.RecordVersion.version)
    )


def current_version(session: Session, record_key: str) -> t.RecordVersion | None:
    return session.scalar(
        select(t.RecordVersion)
        .where(t.RecordVersion.record_key == record_key)
        .order_by(t.RecordVersion.version.desc())
        .limit(1)
    )


def contact(agency: t.Agency) -> AgencyContact:
    return AgencyContact(
        agency_id=agency.id,
        name=agency.name,
        kind=agency.kind,
        office_hours_phone=agency.office_hours_phone,
        out_of_hours_phone=agency.out_of_hours_phone,
        email=agency.email,
    )


def agency_contacts(session: Session, agency_ids: Iterable[str]) -> dict[str, AgencyContact]:
    ids = set(agency_ids)
    if not ids:
        return {}
    return {a.id: contact(a) for a in session.scalars(select(t.Agency).where(t.Agency.id.in_(ids)))}


def involved_agency_ids(session: Session, child_id: str, today: date) -> list[str]:
    """Agencies with an open link to the child, or an active record about them."""
    link = t.AgencyRecordLink
    linked = select(link.agency_id).where(
        link.child_id == child_id, (link.closed_on.is_(None)) | (link.closed_on > today)
    )
    current = current_versions().where(t.RecordVersion.child_id == child_id, t.RecordVersion.status == "ACTIVE")
    holding = select(current.subquery().c.owner_agency_id)
    return sorted(set(session.scalars(linked.union(holding))))
