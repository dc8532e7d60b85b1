"""Linking an agency's local id to a child, and creating a child the hub did not know: both audited."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.adapters.contract import AdapterConfigurationError, BadRecordError, LinkKind, Person
from hub.domain.access import ChildFacts
from hub.door import Door, Subject
from hub.identity import matcher
from hub.identity.demographics import Demographics
from hub.services.children import child_facts
from hub.storage import tables as t


def link_person(
    door: Door,
    agency_id: str,
    local_id: str,
    child_id: str,
    reason: str,
    *,
    action: str = "link",
    opened_on: date | None = None,
) -> None:
    """Record that the agency knows the child under ``local_id``; the involvement is filled in by ingest.

    ``action`` is what the policy is asked: "link" for an adapter's clear match, "resolve_identity" for a
    practitioner's decision."""
    child = door.get(t.Child, child_id)
    assert child is not None
    subject = Subject("agency_record_link", f"{agency_id}:{local_id}", child_id, agency_id)

    def write() -> None:
        door.add(
            t.AgencyRecordLink(
                agency_id=agency_id,
                child_id=child_id,
                local_id=local_id,
                kind=str(LinkKind.INVOLVEMENT),
                opened_on=opened_on or door.today(),
            )
        )
        door.flush()

    door.change(action, child_facts(door, child), subject, write, audit_action="link", reason=reason,
                refused=lambda: BadRecordError(f"the policy does not let this actor link {local_id}"))


def create_child(
    door: Door,
    partnership_id: str,
    person: Person | dict[str, Any],
    *,
    action: str = "ingest",
    mother_id: str | None = None,
) -> str:
    """A child the hub did not know. ``action`` is what the actor does ("ingest", or "resolve_identity")."""
    details = person if isinstance(person, dict) else person_details(person)
    subject = Subject("child")

    def write() -> str:
        born = details.get("date_of_birth")
        child = t.Child(
            id=t.new_id(),
            nhs_number=details.get("nhs_number"),
            given_name=details["given_name"],
            family_name=details["family_name"],
            date_of_birth=date.fromisoformat(born) if born else None,
            sex=details.get("sex"),
            postcode=details.get("postcode"),
            partnership_id=partnership_id,
            mother_id=mother_id,
            created_at=door.now(),
        )
        door.add(child)
        door.flush()
        door.query(matcher.index, child.id, matcher.demographics_of(child))
        return child.id

    return door.change(action, ChildFacts(), subject, write, audit_action="create", reason=lambda _: "new child",
                       recorded_as=lambda child_id: Subject("child", child_id, child_id),
                       refused=lambda: BadRecordError("the policy does not let this actor create a child"))


def demographics(person: Person) -> Demographics:
    return Demographics(
        person.given_name,
        person.family_name,
        person.date_of_birth,
        person.sex,
        person.postcode,
        person.nhs_number,
    )


def person_details(person: Person) -> dict[str, Any]:
    """The person as the agency gave them, JSON-ready (for the resolution queue)."""
    details = asdict(person)
    details["date_of_birth"] = person.date_of_birth.isoformat() if person.date_of_birth else None
    details.pop("mother", None)
    return details


def agency_partnership(session: Session, agency_id: str) -> str:
    """Where a child first heard of through this agency lives, until an address says otherwise (IN_AREA)."""
    partnership = session.scalar(
        select(t.AgencyPartnership.partnership_id)
        .where(t.AgencyPartnership.agency_id == agency_id)
        .order_by(t.AgencyPartnership.partnership_id)
        .limit(1)
    )
    if partnership is None:
        raise AdapterConfigurationError("The agency belongs to no partnership.")
    return partnership
