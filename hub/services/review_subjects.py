"""Identifying the child a subject access request is about, for an IG officer reviewing access.

Answering "who has looked at my child's records?" must never return a false "nothing": the officer first
confirms which child the hub holds, by NHS number or by names and date of birth, and sees the child's names
and date of birth (the minimum to be sure of identity, and no more: no contacts, no address, no content).
A number or details that match no child, or an id that is not a child's, is an error that says so, never an
empty history.

Each lookup is a FIND on the ledger (purpose AUDIT_REVIEW, the officer's review reference), decided by the
rule ``ig_officer_identifies_child_for_access_review`` in ``policies/audit.polar``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from hub.domain.access import ChildFacts
from hub.domain.nhs_number import InvalidNhsNumberError, normalise_nhs_number
from hub.door import Door, Subject
from hub.errors import ForbiddenError, NotFoundError, ValidationError
from hub.identity import matcher
from hub.identity.demographics import Demographics
from hub.policy import Decision
from hub.services.children import child_facts
from hub.storage import queries
from hub.storage import tables as t

ACTION = "identify"
RELEASED = ("given_name", "family_name", "date_of_birth")
MAX_FOUND = 5


@dataclass(frozen=True)
class ChildIdentity:
    """Enough to confirm that this is the child the request is about."""

    id: str
    given_name: str
    family_name: str
    date_of_birth: date | None

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


def identify_by_id(door: Door, child_id: str) -> ChildIdentity:
    """The child with this hub id (from an audit event), or NotFoundError saying it is no child's."""
    subject = Subject("child", child_id or None)
    decision = _allow(door, subject)
    child = door.query(queries.child, child_id) if child_id else None
    if child is None or not _may_identify(door, child, decision):
        _miss(door, subject, decision, "no child with this hub id")
        raise NotFoundError("This is not the hub id of a child. Find the child by NHS number, or by names and "
                            "date of birth.")
    return _found(door, child, decision, "by hub id")


def identify_by_nhs_number(door: Door, raw: str) -> ChildIdentity:
    """The child with this NHS number, or a ValidationError (not a valid number) or NotFoundError (valid, but
    no child in the hub has it)."""
    subject = Subject("child")
    decision = _allow(door, subject)
    try:
        nhs_number = normalise_nhs_number(raw)
    except InvalidNhsNumberError as error:
        door.refuse(subject, "find", str(error))
        raise ValidationError(f"{error.message} Enter the child's 10-digit NHS number, for example 999 000 0018.",
                              field="nhs") from None
    child = door.query(queries.child_by_nhs_number, nhs_number)
    if child is None or not _may_identify(door, child, decision):
        _miss(door, subject, decision, "no child with this NHS number")
        raise NotFoundError(f"No child in the hub has the NHS number {nhs_number[:3]} {nhs_number[3:6]} "
                            f"{nhs_number[6:]}. Check it, or find the child by names and date of birth.")
    return _found(door, child, decision, "by NHS number")


def identify_by_details(door: Door, given_name: str, family_name: str, date_of_birth: date) -> list[ChildIdentity]:
    """The children who may be this person, best match first (at least the identity matcher's review
    threshold), or NotFoundError when none is."""
    subject = Subject("child")
    decision = _allow(door, subject)
    person = Demographics(given_name=given_name.strip(), family_name=family_name.strip(),
                          date_of_birth=date_of_birth)
    candidates = [c for c in door.query(matcher.match, replace(person, nhs_number=None),
                                        address_reader=door.actor.agency_id).candidates
                  if c.score >= matcher.REVIEW][:MAX_FOUND]
    found = [child for c in candidates if (child := door.query(queries.child, c.child_id)) is not None
             and _may_identify(door, child, decision)]
    if not found:
        _miss(door, subject, decision, "no plausible match")
        raise NotFoundError(f"No child in the hub matches {person.given_name} {person.family_name}, born "
                            f"{date_of_birth:%-d %B %Y}. Check the spelling and the date, or use the NHS number.")
    return [_found(door, child, decision, "by names and date of birth") for child in found]


def _allow(door: Door, subject: Subject) -> Decision:
    """The role and purpose: asked for a child of the officer's own area, the widest the rule allows."""
    decision = door.decide(ACTION, ChildFacts(in_area=True), subject, audit=False)
    if not decision.allowed:
        door.record(subject, "find", decision)
        raise ForbiddenError("Identifying a child for an access review is for information-governance officers.",
                             "Declare the purpose AUDIT_REVIEW.")
    return decision


def _may_identify(door: Door, child: t.Child, allowed: Decision) -> bool:
    """A child outside the officer's reach is answered as no child at all (and the refusal recorded)."""
    decision = door.decide(ACTION, child_facts(door, child), Subject("child", child.id, child.id), audit=False)
    if not decision.allowed:
        door.record(Subject("child", child.id, child.id), "find", decision,
                    reason="not identified for an access review: outside the officer's partnerships")
    return decision.allowed


def _found(door: Door, child: t.Child, decision: Decision, how: str) -> ChildIdentity:
    door.record(Subject("child", child.id, child.id), "find", decision, fields=RELEASED,
                reason=f"identified for an access review, {how}")
    return ChildIdentity(child.id, child.given_name, child.family_name, child.date_of_birth)


def _miss(door: Door, subject: Subject, decision: Decision, reason: str) -> None:
    door.record(subject, "find", decision, reason=reason)
