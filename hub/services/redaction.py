"""Field-level redaction: which parts of one record an actor may read, decided part by part by the policy."""

from __future__ import annotations

from dataclasses import dataclass, replace

from hub.door import Door, Subject
from hub.domain.access import ChildFacts
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
from hub.services.visibility import row_facts
from hub.storage import tables as t


@dataclass(frozen=True)
class Release:
    view: RecordView
    decision: Decision


def release(door: Door, row: t.RecordVersion, row_flags: str, owner: AgencyContact,
            child: ChildFacts) -> Release | None:
    """The parts of one record version the actor may read; None if they may not know it exists."""
    subject = Subject("record", row.record_key, row.child_id, row.owner_agency_id)
    record_tier = Tier(row.tier)

    def decision_for(field: str) -> Decision:
        facts = row_facts(field_tier(record_tier, field), row_flags, child)
        return door.decide("read", facts, subject, audit=False)

    decisions = {field: decision_for(field) for field in PART_TIERS}
    full = to_view(row, owner)
    flag = decisions[FLAG_FIELDS[0]]
    if flag.allowed:
        withheld = tuple(field for field, decision in decisions.items() if not decision.allowed)
        return Release(full.without(withheld), flag)
    notice = door.decide("notice", row_facts(record_tier, row_flags, child), subject, audit=False)
    if not notice.allowed:
        return None
    hidden = tuple(field for field in PART_TIERS if field != "owner")
    return Release(replace(full.without(hidden), confidential_notice=confidential_notice(owner)), notice)


def confidential_notice(owner: AgencyContact) -> str:
    return (
        f"Confidential information is held by {owner.name}. Contact them on {owner.office_hours_phone} "
        f"(out of hours {owner.out_of_hours_phone}) or {owner.email}."
    )


def to_view(row: t.RecordVersion, owner: AgencyContact) -> RecordView:
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
        summary=row.summary,
        detail=row.detail,
        lawful_basis=row.lawful_basis,
        amendment_reason=row.reason,
        created_at=row.created_at,
    )
