"""Which records an actor may know exist, decided in the database.

The policy decides on facts without ids (``hub.domain.access``). For a row of ``record_versions`` those facts
are a handful of booleans and a tier, which SQL can compute (``hub.storage.relationships``) and spell as a
key like ``"100:FLAG"``. Enumerating the policy over every key, once per set of actor facts (memoised by the
policy), gives the allowed keys; the query keeps the rows whose key is among them. Lists are filtered and
counted in SQL, and no row costs a policy evaluation.
"""

from __future__ import annotations

from itertools import product

from sqlalchemy import ColumnElement, Select, String, false, literal, select

from hub.door import Door, Subject
from hub.domain.access import CHILD_FLAGS, ROW_FLAGS, ChildFacts, RecordFacts, all_child_facts, child_key
from hub.domain.record import Tier
from hub.storage import queries
from hub.storage import tables as t
from hub.storage.relationships import child_relationships, flags_key, record_relationships


def row_facts(tier: str, row_flags: str, child: ChildFacts) -> RecordFacts:
    flags = dict(zip(ROW_FLAGS, (bit == "1" for bit in row_flags), strict=True))
    return RecordFacts(tier=tier, child=child, **flags)


def may_know(door: Door, facts: RecordFacts, subject: Subject) -> bool:
    """May the actor learn that this record exists: by reading its flag, or by a confidential notice."""
    if door.decide("read", facts, subject, audit=False).allowed:
        return True
    return facts.tier == Tier.RESTRICTED and door.decide("notice", facts, subject, audit=False).allowed


def _row_keys(door: Door, child: ChildFacts, subject: Subject) -> list[str]:
    return [
        "".join(bits) + ":" + tier
        for bits in product("01", repeat=len(ROW_FLAGS))
        for tier in Tier
        if may_know(door, row_facts(tier, "".join(bits), child), subject)
    ]


def row_flags_column(door: Door) -> ColumnElement[str]:
    relationships = record_relationships(door.viewer)
    return flags_key([relationships[name] for name in ROW_FLAGS]).label("row_flags")


def records_of_child(door: Door, child: t.Child, facts: ChildFacts, subject: Subject) -> Select[tuple[
        t.RecordVersion, str]]:
    """Current versions of the child's records the actor may know exist, with each row's flags."""
    keys = door.derive(("row_keys", facts), lambda: _row_keys(door, facts, subject))
    flags = row_flags_column(door)
    statement = queries.current_versions().add_columns(flags).where(t.RecordVersion.child_id == child.id)
    if not keys:
        return statement.where(false())
    return statement.where((flags + literal(":", String) + t.RecordVersion.tier).in_(keys))


def records_across_children(door: Door, subject: Subject) -> Select[tuple[t.RecordVersion, str, str]]:
    """Current versions of records about any child that the actor may know exist, with each row's child
    flags and row flags: the policy compiled over every combination of the facts that vary by row."""
    base = ChildFacts()

    def allowed() -> list[str]:
        return [child_key(child) + ":" + key
                for child in all_child_facts(base) for key in _row_keys(door, child, subject)]

    keys = door.derive("row_keys_across_children", allowed)
    children = child_relationships(door.viewer, t.RecordVersion.child_id, t.Child.partnership_id)
    child_flags = flags_key([children[name] for name in CHILD_FLAGS]).label("child_flags")
    flags = row_flags_column(door)
    statement = (
        queries.current_versions()
        .add_columns(child_flags, flags)
        .join(t.Child, t.Child.id == t.RecordVersion.child_id)
    )
    if not keys:
        return statement.where(false())
    key = child_flags + literal(":", String) + flags + literal(":", String) + t.RecordVersion.tier
    return statement.where(key.in_(keys))


def child_facts_from_flags(child_flags: str) -> ChildFacts:
    return ChildFacts(**dict(zip(CHILD_FLAGS, (bit == "1" for bit in child_flags), strict=True)))




def flags_of(door: Door, row: t.RecordVersion) -> str:
    """One stored version's row flags (owned, granted, notified) for the actor."""
    flags = door.session.scalar(select(row_flags_column(door)).where(t.RecordVersion.id == row.id))
    assert flags is not None  # the row was just read or written in this transaction
    return flags
