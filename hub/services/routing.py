"""Who receives a notification: the allocated worker by name when the hub knows them, otherwise the role at
the agency that reads what is addressed to it (hub.domain.notification)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from hub.domain.actor import AgencyKind
from hub.domain.notification import Recipient, escalation, front_door
from hub.storage import tables as t


def agency_kind(session: Session, agency_id: str) -> AgencyKind:
    agency = session.get(t.Agency, agency_id)
    if agency is None:
        raise LookupError(f"no agency {agency_id}")
    return AgencyKind(agency.kind)


def front_door_of(session: Session, agency_id: str) -> Recipient:
    return front_door(agency_id, agency_kind(session, agency_id))


def escalation_of(session: Session, agency_id: str) -> Recipient:
    return escalation(agency_id, agency_kind(session, agency_id))


def _open(today: date) -> ColumnElement[bool]:
    link = t.AgencyRecordLink
    return link.closed_on.is_(None) | (link.closed_on > today)


def owner_recipient(session: Session, child_id: str, owner_agency_id: str, today: date) -> Recipient:
    """The allocated worker of the owner's open involvement with the child, or the owner's front door when
    the case is closed or has no worker the hub knows."""
    link = t.AgencyRecordLink
    worker = session.scalar(
        select(link.allocated_practitioner_id, link.child_id)  # whose: hub.access.accounting
        .join(t.Practitioner, t.Practitioner.id == link.allocated_practitioner_id)
        .where(link.child_id == child_id, link.agency_id == owner_agency_id, link.kind == "INVOLVEMENT",
               _open(today), t.Practitioner.active.is_(True), t.Practitioner.agency_id == owner_agency_id)
        .order_by(link.opened_on.desc())
        .limit(1)
    )
    return Recipient(owner_agency_id, practitioner_id=worker) if worker else front_door_of(session, owner_agency_id)


def encompass_recipients(session: Session, child: t.Child, today: date) -> list[Recipient]:
    """Operation Encompass: the DSL of every school with the child on roll; for a child on no roll (home
    educated, or between schools) the front door of the local authority where the child lives."""
    link = t.AgencyRecordLink
    schools = session.scalars(
        select(link.agency_id, link.child_id).where(link.child_id == child.id, link.kind == "ROLL", _open(today))
        .distinct().order_by(link.agency_id)
    ).all()
    if schools:
        return [front_door(school, AgencyKind.SCHOOL) for school in schools]
    authorities = session.scalars(
        select(t.Agency.id)
        .join(t.AgencyPartnership, t.AgencyPartnership.agency_id == t.Agency.id)
        .where(t.AgencyPartnership.partnership_id == child.partnership_id,
               t.Agency.kind == str(AgencyKind.LOCAL_AUTHORITY))
        .order_by(t.Agency.id)
    ).all()
    return [front_door(authority, AgencyKind.LOCAL_AUTHORITY) for authority in authorities]
