"""What the policy sees: an actor's attributes and the relationships between the actor and a resource.

These are plain facts, with no ids, so a decision depends only on them and can be memoised: two accesses
with the same facts get the same decision. The door computes the facts from the database; the Polar files
in ``policies/`` decide on them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyActor:
    roles: frozenset[str]
    agency_kind: str
    purpose: str | None


@dataclass(frozen=True)
class ChildFacts:
    """The actor's relationships with a child."""

    on_roll: bool = False  # ON_ROLL: the actor's school has the child on roll
    involved: bool = False  # INVOLVED: the actor's agency has an open involvement
    known: bool = False  # the actor's agency holds a link or a record for the child, open or closed
    in_area: bool = False  # IN_AREA: the child lives in one of the actor's partnerships
    identified_by_nhs_number: bool = False  # the access named the child by NHS number
    address_withheld: bool = False
    withholds_address: bool = False  # the actor's agency is the one that withheld the address


@dataclass(frozen=True)
class RecordFacts:
    """One part of a record (``tier``) as it relates to the actor, together with the child's facts."""

    tier: str
    category: str
    owned: bool  # OWNER: the actor's agency owns the record
    child: ChildFacts


@dataclass(frozen=True)
class AuditScope:
    """Which part of the audit ledger an access asks for (issue 4). The services filter it in SQL to the
    actor's own agency, as actor or owner, and say so here, so the policy can insist on it."""

    view: str  # "events", "child_history", "partner_accesses" or "break_glass"
    own_agency: bool
