"""Which records an actor may see, as a SQL condition, and which parts of each: field-level redaction.

The policy decides on facts without ids, so for one child and one actor the decision for a record depends
only on its tier, its category and whether the actor's agency owns it. Enumerating those few combinations
(memoised by the policy) turns the policy into a SQL condition: lists are filtered and counted in the
database, and no row costs a policy evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, and_, false, or_

from hub.door import Door, Subject
from hub.domain.access import ChildFacts, RecordFacts
from hub.domain.record import (
    FLAG_FIELDS,
    PART_TIERS,
    AgencyContact,
    Category,
    RecordStatus,
    RecordView,
    Tier,
    field_tier,
)
from hub.policy import Decision
from hub.storage import sealing
from hub.storage import tables as t


def record_facts(door: Door, tier: Tier, category: str, owner_agency_id: str, child: ChildFacts) -> RecordFacts:
    return RecordFacts(tier=str(tier), category=category, owned=owner_agency_id == door.actor.agency_id,
                       child=child)


def visible_condition(door: Door, child: ChildFacts, subject: Subject) -> ColumnElement[bool]:
    """A SQL condition on ``record_versions`` true exactly for the records the actor may know exist."""
    clauses = []
    for owned in (True, False):
        for tier in Tier:
            categories = [
                str(category)
                for category in Category
                if _may_know(door, RecordFacts(str(tier), str(category), owned, child), subject)
            ]
            if categories:
                is_owned = t.RecordVersion.owner_agency_id == door.actor.agency_id
                clauses.append(
                    and_(is_owned if owned else ~is_owned, t.RecordVersion.tier == str(tier),
                         t.RecordVersion.category.in_(categories))
                )
    return or_(*clauses) if clauses else false()


def _may_know(door: Door, facts: RecordFacts, subject: Subject) -> bool:
    if door.decide("read", facts, subject, audit=False).allowed:
        return True
    return facts.tier == Tier.RESTRICTED and door.decide("notice", facts, subject, audit=False).allowed


@dataclass(frozen=True)
class Release:
    view: RecordView
    decision: Decision


def release(door: Door, row: t.RecordVersion, owner: AgencyContact, child: ChildFacts) -> Release | None:
    """The parts of one record version the actor may read; None if they may not know it exists."""
    subject = Subject("record", row.record_key, row.child_id, row.owner_agency_id)
    record_tier = Tier(row.tier)

    def decision_for(field: str) -> Decision:
        facts = record_facts(door, field_tier(record_tier, field), row.category, row.owner_agency_id, child)
        return door.decide("read", facts, subject, audit=False)

    decisions = {field: decision_for(field) for field in PART_TIERS}
    full = _view(row, owner)
    flag = decisions[FLAG_FIELDS[0]]
    if flag.allowed:
        withheld = tuple(field for field, decision in decisions.items() if not decision.allowed)
        return Release(full.without(withheld), flag)
    notice = door.decide("notice", record_facts(door, record_tier, row.category, row.owner_agency_id, child),
                         subject, audit=False)
    if not notice.allowed:
        return None
    hidden = tuple(field for field in PART_TIERS if field != "owner")
    placeholder = full.without(hidden)
    return Release(replace(placeholder, confidential_notice=confidential_notice(owner)), notice)


def confidential_notice(owner: AgencyContact) -> str:
    return (
        f"Confidential information is held by {owner.name}. Contact them on {owner.office_hours_phone} "
        f"(out of hours {owner.out_of_hours_phone}) or {owner.email}."
    )


def _view(row: t.RecordVersion, owner: AgencyContact) -> RecordView:
    opened = sealing.open_record(row)  # issue 4: sealed columns are opened here, at the storage boundary
    return RecordView(
        id=row.record_key,
        record_key=row.record_key,
        version=row.version,
        child_id=row.child_id,
        tier=Tier(row.tier),
        category=Category(row.category),
        status=RecordStatus(row.status),
        start_date=row.start_date,
        end_date=row.end_date,
        owner=owner,
        summary=opened.summary,
        detail=opened.detail,
        lawful_basis=row.lawful_basis,
        amendment_reason=opened.reason,
        created_at=row.created_at,
    )
