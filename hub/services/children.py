"""Finding a child (FIND) and reading their identity."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from hub.domain.access import ChildFacts
from hub.domain.child import ChildMatch, ChildView, MatchConfidence
from hub.domain.nhs_number import InvalidNhsNumberError, normalise_nhs_number
from hub.domain.record import AgencyContact
from hub.door import Door, Subject
from hub.errors import ValidationError
from hub.identity import matcher
from hub.identity.demographics import Demographics
from hub.services.find_probing import probing_limited
from hub.storage import queries, sealing
from hub.storage import tables as t

IDENTITY_FIELDS = ("nhs_number", "given_name", "family_name", "date_of_birth", "sex")
MAX_FOUND = 5
MAX_CANDIDATES = 50  # scored before the relationship is checked, so children hidden from the actor take no place


def find_child_by_nhs_number(door: Door, raw_nhs_number: str) -> ChildMatch | None:
    """Who knows this child and how to reach them: never content. Invalid numbers raise a clear error. A child
    the actor has no relationship with gets the answer for a child who does not exist."""
    door.access(Subject("child"), "find")
    try:
        nhs_number = normalise_nhs_number(raw_nhs_number)
    except InvalidNhsNumberError as error:
        door.refuse(Subject("child"), "find", str(error))
        raise
    child = door.query(queries.child_by_nhs_number, nhs_number)
    subject = Subject("child", child.id if child else None, child.id if child else None)
    facts = child_facts(door, child, identified_by_nhs_number=True) if child else _no_child_facts(door)
    decision = door.decide("find", facts, subject, audit=False)
    if child is None or not decision.allowed:
        # The same answer whether absent or withheld; the audit says which.
        door.record(subject, "find", decision, reason=None if child else "no child with this NHS number")
        return None
    door.record(subject, "find", decision, fields=("involved_agencies",))
    return ChildMatch(child.id, MatchConfidence.HIGH, _contacts(door, child.id))


def find_children(door: Door, person: Demographics) -> list[ChildMatch]:
    """FIND by names, date of birth and (optionally) sex and postcode: the children who may be this person and
    whom the actor has a relationship with, each with a coarse match confidence and whom to contact; never
    content. Only plausible matches (at least the identity matcher's review threshold) are returned, best
    first. A withheld address counts only for the agency that withheld it, and one child probed with many
    differing details is answered no more (``hub.services.find_probing``)."""
    subject = Subject("child")
    door.access(subject, "find")
    problem = _demographics_problem(person)
    if problem is not None:
        door.refuse(subject, "find", problem.message)
        raise problem
    found = door.query(matcher.match, replace(person, nhs_number=None), address_reader=door.actor.agency_id,
                          kept=MAX_CANDIDATES).candidates
    matches: list[ChildMatch] = []
    for candidate in found:
        if candidate.score < matcher.REVIEW or len(matches) == MAX_FOUND:
            break
        child = door.query(queries.child, candidate.child_id)
        if child is None:  # matched a moment ago in this transaction: never, but fail closed
            continue
        found_subject = Subject("child", child.id, child.id)
        decision = door.decide("find", child_facts(door, child), found_subject, audit=False)
        if probing_limited(door, child, person):
            door.refuse(found_subject, "find", "withheld: repeated probing of this child with differing details")
            continue
        if not decision.allowed:
            door.record(found_subject, "find", decision, reason="demographic match withheld: no relationship")
            continue
        band = matcher.confidence(candidate.score)
        door.record(found_subject, "find", decision, fields=("involved_agencies",),
                    reason=f"demographic match {candidate.score:.2f} ({band})")
        matches.append(ChildMatch(child.id, band, _contacts(door, child.id)))
    if not matches:
        door.refuse(subject, "find", "no plausible match the actor may see")
    return matches


def _contacts(door: Door, child_id: str) -> tuple[AgencyContact, ...]:
    agency_ids = door.query(queries.involved_agency_ids, child_id, door.today())
    return tuple(sorted(door.contacts(agency_ids).values(), key=lambda contact: contact.name))


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
        # load_child spent the one statement a hidden child costs too: decide on no relationships, as for one
        door.record(subject, "read", door.decide("read", ChildFacts(), subject, audit=False),
                    reason="no such child")
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
    child = door.query(queries.child_by_nhs_number, nhs_number)
    if child is None:
        door.record(subject, "read", door.decide("read", _no_child_facts(door), subject, audit=False),
                    reason="no child with this NHS number")
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


def _no_child_facts(door: Door, child_id: str = "") -> ChildFacts:
    """The facts of a child who does not exist, found with the same work as a hidden child's (the relationships
    looked up, for an id no child has), so neither the answer nor its timing tells the two apart."""
    return child_facts(door, t.Child(id=child_id))


def load_child(door: Door, child_id: str) -> t.Child | None:
    """The child's row, read once per request together with the actor's relationships with them."""
    def load() -> t.Child | None:
        found = door.query(queries.child_with_facts, door.viewer, child_id)
        if found is None:
            return None
        child, facts = found
        door.memo(("child_facts", child.id), lambda: facts)
        return child

    return door.memo(("child", child_id), load)


def load_children(door: Door, child_ids: Collection[str]) -> None:
    """Read several children and the actor's relationships with each in one statement, for ``load_child``
    and ``child_facts`` to find in this request (a page of a list, read child by child, would take one
    statement a child). Each is still decided and audited where it is read (``read_child``)."""
    for child_id, (child, facts) in door.query(queries.children_with_facts, door.viewer, child_ids).items():
        # memo runs the function at once, if at all: a child read before in this request stays as first read
        door.memo(("child", child_id), lambda: child)  # noqa: B023
        door.memo(("child_facts", child_id), lambda: facts)  # noqa: B023


def child_facts(door: Door, child: t.Child, *, identified_by_nhs_number: bool = False) -> ChildFacts:
    """The actor's relationships with the child, looked up once per request."""
    facts = door.memo(("child_facts", child.id), lambda: door.query(queries.child_facts, door.viewer, child))
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
