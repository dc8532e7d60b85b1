"""Finding a child (FIND) and reading their identity."""

from __future__ import annotations

from dataclasses import replace

from hub.domain.access import ChildFacts
from hub.domain.child import ChildMatch, ChildView
from hub.domain.nhs_number import InvalidNhsNumberError, normalise_nhs_number
from hub.door import Door, Subject
from hub.storage import queries
from hub.storage import tables as t

IDENTITY_FIELDS = ("nhs_number", "given_name", "family_name", "date_of_birth", "sex")


def find_child_by_nhs_number(door: Door, raw_nhs_number: str) -> ChildMatch | None:
    """Who knows this child and how to reach them: never content. Invalid numbers raise a clear error."""
    door.access(Subject("child"), "find")
    try:
        nhs_number = normalise_nhs_number(raw_nhs_number)
    except InvalidNhsNumberError as error:
        door.refuse(Subject("child"), "find", str(error))
        raise
    child = queries.child_by_nhs_number(door.session, nhs_number)
    subject = Subject("child", child.id if child else None, child.id if child else None)
    facts = child_facts(door, child, identified_by_nhs_number=True) if child else ChildFacts()
    decision = door.decide("find", facts, subject, audit=False)
    if child is None or not decision.allowed:
        # The same answer whether absent or withheld; the audit says which.
        door.record(subject, "find", decision, reason=None if child else "no child with this NHS number")
        return None
    agency_ids = queries.involved_agency_ids(door.session, child.id, door.today())
    contacts = door.contacts(agency_ids)
    door.record(subject, "find", decision, fields=("involved_agencies",))
    return ChildMatch(child.id, 1.0, tuple(sorted(contacts.values(), key=lambda contact: contact.name)))


def read_child(door: Door, child_id: str) -> ChildView | None:
    """The child's identity, or None when absent or not visible to the actor (indistinguishable)."""
    child = queries.child(door.session, child_id)
    subject = Subject("child", child_id, child.id if child else None)
    if child is None:
        door.access(subject, "read")
        door.refuse(subject, "read", "no such child")
        return None
    return _release_child(door, child, child_facts(door, child), subject)


def read_child_by_nhs_number(door: Door, raw_nhs_number: str) -> ChildView | None:
    """A child named by NHS number (unscheduled care: the clinician has the child in front of them)."""
    subject = Subject("child")
    door.access(subject, "read")
    try:
        nhs_number = normalise_nhs_number(raw_nhs_number)
    except InvalidNhsNumberError as error:
        door.refuse(subject, "read", str(error))
        raise
    child = queries.child_by_nhs_number(door.session, nhs_number)
    if child is None:
        door.refuse(subject, "read", "no child with this NHS number")
        return None
    facts = child_facts(door, child, identified_by_nhs_number=True)
    return _release_child(door, child, facts, Subject("child", child.id, child.id))


def _release_child(door: Door, child: t.Child, facts: ChildFacts, subject: Subject) -> ChildView | None:
    decision = door.decide("read", facts, subject, audit=False)
    if not decision.allowed:
        door.record(subject, "read", decision)
        return None
    view = replace(to_view(child), identified_by_nhs_number=facts.identified_by_nhs_number)
    fields: tuple[str, ...] = IDENTITY_FIELDS
    if door.decide("read_address", facts, subject, audit=False).allowed:
        fields = (*fields, "postcode")
    else:
        view = view.without_address()
    door.record(subject, "read", decision, fields=fields)
    return view


def child_facts(door: Door, child: t.Child, *, identified_by_nhs_number: bool = False) -> ChildFacts:
    """The actor's relationships with the child, looked up once per request."""
    return door.memo(
        ("child_facts", child.id, identified_by_nhs_number),
        lambda: queries.child_facts(door.session, door.viewer, child,
                                    identified_by_nhs_number=identified_by_nhs_number),
    )


def to_view(child: t.Child) -> ChildView:
    return ChildView(
        id=child.id,
        nhs_number=child.nhs_number,
        given_name=child.given_name,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        postcode=child.postcode,
        address_withheld=child.address_withheld_by is not None,
    )
