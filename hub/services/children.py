"""Finding a child (FIND) and reading their identity."""

from __future__ import annotations

from dataclasses import replace

from hub.domain.access import ChildFacts
from hub.domain.child import ChildMatch, ChildView
from hub.domain.nhs_number import InvalidNhsNumberError, normalise_nhs_number
from hub.door import Door, Subject
from hub.errors import ValidationError
from hub.identity import matcher
from hub.identity.demographics import Demographics
from hub.storage import queries, sealing
from hub.storage import tables as t

IDENTITY_FIELDS = ("nhs_number", "given_name", "family_name", "date_of_birth", "sex")
MAX_FOUND = 5


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


def find_children(door: Door, person: Demographics) -> list[ChildMatch]:
    """FIND by names, date of birth and (optionally) sex and postcode: the children who may be this person,
    each with a match confidence and whom to contact; never content. Only plausible matches (at least the
    identity matcher's review threshold) are returned, best first."""
    subject = Subject("child")
    door.access(subject, "find")
    problem = _demographics_problem(person)
    if problem is not None:
        door.refuse(subject, "find", problem.message)
        raise problem
    decision = door.decide("find", ChildFacts(), subject, audit=False)  # the rule reads the role and purpose
    if not decision.allowed:
        door.record(subject, "find", decision)
        return []
    found = [c for c in matcher.match(door.session, replace(person, nhs_number=None)).candidates
             if c.score >= matcher.REVIEW][:MAX_FOUND]
    if not found:
        door.record(subject, "find", decision, reason="no plausible match")
    matches = []
    for candidate in found:
        agency_ids = queries.involved_agency_ids(door.session, candidate.child_id, door.today())
        contacts = sorted(door.contacts(agency_ids).values(), key=lambda contact: contact.name)
        door.record(Subject("child", candidate.child_id, candidate.child_id), "find", decision,
                    fields=("involved_agencies",), reason=f"demographic match {candidate.score:.2f}")
        matches.append(ChildMatch(candidate.child_id, candidate.score, tuple(contacts)))
    return matches


def _demographics_problem(person: Demographics) -> ValidationError | None:
    for field, value in (("givenName", person.given_name), ("familyName", person.family_name)):
        if not value.strip():
            return ValidationError("Give the child's names as the agency holds them.", field=field)
        if len(value) > 100:
            return ValidationError("A name has at most 100 characters.", field=field)
    if person.date_of_birth is None:
        return ValidationError("A date of birth is needed to find a child by their details.", field="dateOfBirth")
    if person.postcode is not None and len(person.postcode) > 10:
        return ValidationError("A postcode has at most 10 characters.", field="postcode")
    return None


def read_child(door: Door, child_id: str) -> ChildView | None:
    """The child's identity, or None when absent or not visible to the actor (indistinguishable)."""
    child = load_child(door, child_id)
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
    with_address = door.decide("read_address", facts, subject, audit=False).allowed
    view = replace(to_view(child, with_address=with_address),
                   identified_by_nhs_number=facts.identified_by_nhs_number)
    fields = (*IDENTITY_FIELDS, "postcode") if with_address else IDENTITY_FIELDS
    door.record(subject, "read", decision, fields=fields)
    return view


def load_child(door: Door, child_id: str) -> t.Child | None:
    """The child's row, read once per request together with the actor's relationships with them."""
    def load() -> t.Child | None:
        found = queries.child_with_facts(door.session, door.viewer, child_id)
        if found is None:
            return None
        child, facts = found
        door.memo(("child_facts", child.id), lambda: facts)
        return child

    return door.memo(("child", child_id), load)


def child_facts(door: Door, child: t.Child, *, identified_by_nhs_number: bool = False) -> ChildFacts:
    """The actor's relationships with the child, looked up once per request."""
    facts = door.memo(("child_facts", child.id), lambda: queries.child_facts(door.session, door.viewer, child))
    return replace(facts, identified_by_nhs_number=True) if identified_by_nhs_number else facts


def to_view(child: t.Child, *, with_address: bool = True) -> ChildView:
    """The child as a view; a withheld address is opened only for those who may read it."""
    return ChildView(
        id=child.id,
        nhs_number=child.nhs_number,
        given_name=child.given_name,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        sex=child.sex,
        postcode=sealing.open_postcode(child) if with_address else None,  # sealed while withheld
        address_withheld=child.address_withheld_by is not None,
    )
