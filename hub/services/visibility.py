"""Which records an actor may know exist, decided in the database.

The policy decides on facts without ids (``hub.domain.access``). For a row of ``record_versions`` those facts
are a few booleans and a tier, which SQL can compute (``hub.storage.relationships``). Enumerating the policy
over every combination (once per set of actor facts, memoised by the policy) gives, per tier, the set of
fact combinations it allows; their prime implicants become a short SQL condition that names only the facts
each case needs. Lists are filtered and counted in the database, and no row costs a policy evaluation.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, not_, or_, select, true

from hub.access.accounting import SCOPED
from hub.domain.access import CHILD_FLAGS, ROW_FLAGS, ChildFacts, RecordFacts
from hub.domain.implicants import prime_implicants
from hub.domain.record import Tier
from hub.door import Door, Subject
from hub.storage import queries
from hub.storage import tables as t
from hub.storage.relationships import (
    BOUND_VIEWER,
    child_relationships,
    flags_key,
    record_relationships,
    viewer_params,
)
from hub.storage.statements import built_once

# For each tier, the fact combinations (bit strings, in the order of the facts) the policy allows.
Allowed = dict[str, frozenset[str]]
# The same, minimised: groups of tiers with the prime implicants ("1-0", "-" = either) that cover them.
Cover = tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]


def row_facts(tier: str, row_flags: str, child: ChildFacts) -> RecordFacts:
    flags = dict(zip(ROW_FLAGS, (bit == "1" for bit in row_flags), strict=True))
    return RecordFacts(tier=tier, child=child, **flags)


def child_facts_from_flags(child_flags: str) -> ChildFacts:
    return ChildFacts(**dict(zip(CHILD_FLAGS, (bit == "1" for bit in child_flags), strict=True)))


def may_know(door: Door, facts: RecordFacts, subject: Subject) -> bool:
    """May the actor learn that this record exists: by reading its flag, or by a confidential notice."""
    if door.decide("read", facts, subject, audit=False).allowed:
        return True
    return facts.tier == Tier.RESTRICTED and door.decide("notice", facts, subject, audit=False).allowed


def _allowed_rows(door: Door, child: ChildFacts, subject: Subject) -> Allowed:
    return {
        str(tier): frozenset(
            "".join(bits) for bits in product("01", repeat=len(ROW_FLAGS))
            if may_know(door, row_facts(str(tier), "".join(bits), child), subject)
        )
        for tier in Tier
    }


def _allowed_across_children(door: Door, subject: Subject) -> Allowed:
    allowed: dict[str, set[str]] = {str(tier): set() for tier in Tier}
    for child_bits in product("01", repeat=len(CHILD_FLAGS)):
        child = child_facts_from_flags("".join(child_bits))
        for tier, rows in _allowed_rows(door, child, subject).items():
            allowed[tier] |= {"".join(child_bits) + row for row in rows}
    return {tier: frozenset(keys) for tier, keys in allowed.items()}


def minimise(allowed: Allowed, width: int) -> Cover:
    by_cover: dict[frozenset[str], list[str]] = {}
    for tier, keys in allowed.items():
        if keys:
            by_cover.setdefault(frozenset(prime_implicants(keys, width)), []).append(tier)
    # Cubes naming fewer facts first: they are the cheap, common cases the database can stop at.
    return tuple((tuple(sorted(tiers)), tuple(sorted(cubes, key=lambda c: (len(c) - c.count("-"), c))))
                 for cubes, tiers in by_cover.items())


def condition(facts: Sequence[ColumnElement[bool]], cover: Cover) -> ColumnElement[bool]:
    """SQL true exactly for rows whose (tier, facts) the policy allows."""
    cases = [
        and_(t.RecordVersion.tier.in_(tiers),
             or_(*(and_(true(), *(fact if bit == "1" else not_(fact)
                                  for fact, bit in zip(facts, cube, strict=True) if bit != "-"))
                   for cube in cubes)))
        for tiers, cubes in cover
    ]
    return or_(*cases) if cases else false()


def row_flags_column(door: Door) -> ColumnElement[str]:
    relationships = record_relationships(door.viewer, per_row=True)
    return flags_key([relationships[name] for name in ROW_FLAGS]).label("row_flags")


def records_of_child(door: Door, child: t.Child, facts: ChildFacts, subject: Subject
                     ) -> tuple[Select[t.RecordVersion, str], dict[str, Any]]:
    """Current versions of the child's records the actor may know exist, with each row's flags: the statement
    and its parameters. The statement is built once per policy cover, its values bound (hub.storage.relationships)."""
    cover = door.derive(("rows_of_child", facts),
                        lambda: minimise(_allowed_rows(door, facts, subject), len(ROW_FLAGS)))
    return _records_of_child(cover), {**viewer_params(door.viewer), "child_id": child.id}


@built_once
def _records_of_child(cover: Cover) -> Select[t.RecordVersion, str]:
    relationships = record_relationships(BOUND_VIEWER)
    visible = condition([relationships[name] for name in ROW_FLAGS], cover)
    selected = record_relationships(BOUND_VIEWER, per_row=True)  # computed for the rows returned only
    flags = flags_key([selected[name] for name in ROW_FLAGS]).label("row_flags")
    return (queries.current_versions().add_columns(flags)
            .where(t.RecordVersion.child_id == bindparam("child_id"), visible)
            .execution_options(**{SCOPED: True}))  # the rows are decided: hub.access.accounting


def records_across_children(door: Door, subject: Subject) -> Select[t.RecordVersion, str, str]:
    """Current versions of records about any child that the actor may know exist, with each row's child
    flags and row flags: the policy compiled over every combination of the facts that vary by row."""
    width = len(CHILD_FLAGS) + len(ROW_FLAGS)
    cover = door.derive("rows_across_children", lambda: minimise(_allowed_across_children(door, subject), width))
    children = child_relationships(door.viewer, t.RecordVersion.child_id)
    rows = record_relationships(door.viewer)
    # Cheap facts first, so the database can short-circuit before correlated subqueries.
    facts = [children[name] for name in CHILD_FLAGS] + [rows[name] for name in ROW_FLAGS]
    visible = condition(facts, cover)
    # The flags are selected for the page's rows only: probed row by row, never hashed over the area.
    selected = child_relationships(door.viewer, t.RecordVersion.child_id, per_row=True)
    child_flags = flags_key([selected[name] for name in CHILD_FLAGS]).label("child_flags")
    return (
        queries.current_versions()
        .add_columns(child_flags, row_flags_column(door))
        .where(visible)
        .execution_options(**{SCOPED: True})  # the rows are decided: hub.access.accounting
    )


def flags_of(door: Door, row: t.RecordVersion) -> str:
    """One stored version's row flags (owned, granted, notified) for the actor."""
    found = door.execute(select(row_flags_column(door), t.RecordVersion.child_id)  # whose: hub.access.accounting
                         .where(t.RecordVersion.id == row.id)).one_or_none()
    assert found is not None  # the row was just read or written in this transaction
    flags: str = found[0]
    return flags
