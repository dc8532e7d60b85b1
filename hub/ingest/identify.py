"""Who the person in a source record is: the agency's existing link, an unborn child through the mother,
or identity matching (link, queue for a practitioner, or a new child). Every link is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hub.adapters.contract import BadRecordError, Person
from hub.door import Door, Subject
from hub.identity import matcher
from hub.identity.links import create_child, demographics, link_person, person_details
from hub.identity.resolution import enqueue
from hub.ingest.target import SyncTarget
from hub.services.children import child_facts
from hub.storage import tables as t

# What the hub's columns hold; an agency's value past these is bad data, quarantined with the reason.
LIMITS = {"local_id": 100, "given_name": 100, "family_name": 100, "postcode": 10, "sex": 20}


def identify(door: Door, target: SyncTarget, person: Person) -> str | None:
    """The child's hub id, or None when a practitioner must first decide who the person is."""
    check_person(person)
    link = _link(door, target.agency_id, person.local_id)
    if link is not None:
        child = door.get(t.Child, link.child_id)
        assert child is not None  # a foreign key holds it
        if child.date_of_birth is None and child.mother_id is not None and person.date_of_birth is not None:
            _record_birth(door, target, child, person)
        return child.id
    if person.unborn:
        assert person.mother is not None
        mother_id = identify(door, target, person.mother)
        if mother_id is None:
            return None
        return _unborn_child(door, target, person, mother_id)
    # The ingesting agency's answer: another agency's withheld address must not move it (a refuge postcode
    # guessed in a feed would otherwise be confirmed by the link, or by the queue's reasons).
    found = door.query(matcher.match, demographics(person), address_reader=target.agency_id)
    if found.outcome == matcher.Outcome.REVIEW:
        enqueue(door, target.adapter, target.agency_id, person_details(person), found)
        return None
    if found.outcome == matcher.Outcome.LINK:
        assert found.child_id is not None
        child_id = found.child_id
        reason = f"{found.reason} (score {found.score:.2f})"
    else:
        child_id = create_child(door, target.partnership_id, person)
        reason = f"new child: {found.reason}"
    link_person(door, target.agency_id, person.local_id, child_id, reason)
    return child_id


def _unborn_child(door: Door, target: SyncTarget, person: Person, mother_id: str) -> str:
    """An unborn child is known through the mother until birth: one unborn child per mother at a time."""
    existing = door.scalar(
        select(t.Child.id).where(t.Child.mother_id == mother_id, t.Child.date_of_birth.is_(None)).limit(1)
    )
    child_id = existing or create_child(door, target.partnership_id, person, mother_id=mother_id)
    link_person(door, target.agency_id, person.local_id, child_id, "unborn child, linked through the mother")
    return child_id


def _record_birth(door: Door, target: SyncTarget, child: t.Child, person: Person) -> None:
    """The birth event: the unborn child the agency knew takes the born child's identity; its records stay."""
    if person.nhs_number:
        holder = door.scalar(select(t.Child.id).where(t.Child.nhs_number == person.nhs_number))
        if holder is not None and holder != child.id:
            raise BadRecordError(
                f"birth of {person.local_id}: NHS number {person.nhs_number} already belongs to another "
                "child; "
                "an operator must decide whether they are one child"
            )
    child.given_name, child.family_name = person.given_name, person.family_name
    child.date_of_birth, child.sex, child.nhs_number = person.date_of_birth, person.sex, person.nhs_number
    child.postcode = person.postcode or child.postcode
    door.flush()
    door.query(matcher.index, child.id, matcher.demographics_of(child))
    door.record(
        Subject("child", child.id, child.id, target.agency_id),
        "birth",
        _allowed(door, child),
        fields=("given_name", "family_name", "date_of_birth", "sex", "nhs_number"),
        reason=f"birth recorded by {target.adapter}; still linked to the mother",
    )


def _allowed(door: Door, child: t.Child) -> Any:
    return door.decide("ingest", child_facts(door, child), Subject("child", child.id, child.id), audit=False)


def check_person(person: Person) -> None:
    """Refuse what the hub cannot store as given (rather than fail the whole sync on it)."""
    for name, limit in LIMITS.items():
        value = getattr(person, name)
        if value is not None and (len(value) > limit or "\x00" in value):
            raise BadRecordError(f"{name} is longer than {limit} characters or holds a NUL character")
    if not person.local_id.strip():
        raise BadRecordError("a person needs the agency's own id for them")
    if person.mother is not None:
        check_person(person.mother)


def _link(door: Door, agency_id: str, local_id: str) -> t.AgencyRecordLink | None:
    return door.scalar(
        select(t.AgencyRecordLink).where(
            t.AgencyRecordLink.agency_id == agency_id, t.AgencyRecordLink.local_id == local_id
        )
    )
