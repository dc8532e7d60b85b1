"""What the policy sees: an actor's attributes and the relationships between the actor and a resource.

These are plain facts, with no ids, so a decision depends only on them and can be memoised: two accesses
with the same facts get the same decision. The door computes the facts from the database; the Polar files
in ``policies/`` decide on them. Because every fact is a boolean or a small enumeration, the policy can also
be enumerated over all facts and compiled to a SQL condition (``hub.services.visibility``).

A record's category is deliberately not a fact: grants are by category and arrive here as ``granted``, and
sensitivity is expressed by tier. Adding it would multiply the enumeration by the number of categories.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product


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
    granted: bool = False  # GRANT: an unexpired grant lets the actor's agency read some of the child's records
    break_glass: bool = False  # BREAK_GLASS: the actor declared an emergency for this child, in the last hour
    identified_by_nhs_number: bool = False  # the access named the child by NHS number
    address_withheld: bool = False
    withholds_address: bool = False  # the actor's agency is the one that withheld the address


@dataclass(frozen=True)
class RecordFacts:
    """One part of a record (``tier``) as it relates to the actor, together with the child's facts."""

    tier: str
    owned: bool  # OWNER: the actor's agency owns the record
    granted: bool  # GRANT: an unexpired grant covers this record's category for the actor's agency
    notified: bool  # the record was notified to the actor's agency (e.g. Operation Encompass to a school)
    child: ChildFacts


# The record-level facts that vary from row to row in a list, in the order SQL keys spell them.
ROW_FLAGS = ("owned", "granted", "notified")
# The child-level facts that the record rules read, and so vary from child to child in a list across
# children. ``known`` and ``granted`` decide who may read a child's identity, not their records; if a record
# rule ever reads them they belong here (tests/integration/test_sql_filter_matches_policy.py would fail).
CHILD_FLAGS = ("on_roll", "involved", "in_area", "break_glass")


def all_child_facts(base: ChildFacts) -> list[ChildFacts]:
    """Every combination of the child-level facts a list query varies, keeping ``base``'s other facts."""
    return [replace(base, **dict(zip(CHILD_FLAGS, values, strict=True)))
            for values in product((False, True), repeat=len(CHILD_FLAGS))]


def child_key(facts: ChildFacts) -> str:
    return "".join("1" if getattr(facts, name) else "0" for name in CHILD_FLAGS)

@dataclass(frozen=True)
class AuditScope:
    """Which part of the audit ledger an access asks for. The services filter it in SQL to the
    actor's own agency, as actor or owner, and say so here, so the policy can insist on it."""

    view: str  # "events", "child_history", "partner_accesses" or "break_glass"
    own_agency: bool


# -- information requests, notifications and partnership statistics -----------------------------------
@dataclass(frozen=True)
class RequestFacts:
    """An information request as it relates to the actor."""

    from_actor_agency: bool  # the actor's agency asked
    to_actor_agency: bool  # the actor's agency is one of those asked


@dataclass(frozen=True)
class NotificationFacts:
    """A notification as it relates to the actor."""

    to_actor: bool  # addressed to the actor by name
    to_actor_role: bool  # addressed to a role the actor holds, at the actor's agency


@dataclass(frozen=True)
class StatisticsScope:
    """De-identified statistics of one partnership."""

    own_partnership: bool  # the actor's agency belongs to it


@dataclass(frozen=True)
class SystemActor:
    """The hub acting on its own: the worker (timers, deliveries) or an operator at the command line.

    Never a practitioner, so no rule written for practitioners matches it (``policies/system.polar``)."""

    kind: str  # "worker" or "operator"


@dataclass(frozen=True)
class HubResource:
    """Something of the hub's own that the worker or an operator acts on: a job, a webhook endpoint, the
    keys, an access token, a quarantined item, a portal account."""

    kind: str
