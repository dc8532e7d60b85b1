"""Field-level redaction: which parts of one record an actor may read, decided part by part by the policy."""

from __future__ import annotations

from dataclasses import dataclass, replace

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
from hub.door import Door, Subject
from hub.policy import Decision
from hub.services.visibility import row_facts
from hub.storage import sealing
from hub.storage import tables as t


@dataclass(frozen=True)
class Release:
    view: RecordView
    decision: Decision


@dataclass(frozen=True)
class _Plan:
    """What to release of any record with the same tier and facts: the decision, and the parts withheld."""

    decision: Decision | None
    withheld: tuple[str, ...]
    notice_only: bool = False
    detail_decision: Decision | None = None  # the decision that released DETAIL, which also covers a FETCH


def release(door: Door, row: t.RecordVersion, row_flags: str, owner: AgencyContact,
            child: ChildFacts) -> Release | None:
    """The parts of one record version the actor may read; None if they may not know it exists."""
    subject = Subject("record", row.record_key, row.child_id, row.owner_agency_id)
    # The plan depends only on the actor's policy facts and the record's (tier, flags, child facts): worked
    # out once per process for each, not once per request.
    plan = door.derive(("release", row.tier, row_flags, child), lambda: _plan(door, Tier(row.tier), row_flags,
                                                                               child, subject))
    if plan.decision is None:
        return None
    view = to_view(row, owner, withheld=plan.withheld).without(plan.withheld)
    if plan.detail_decision is not None and row.detail is None and door.detail_fetcher is not None:
        # FETCH on demand: the hub does not hold this detail; its agency's system does.
        view = replace(view, detail=door.detail_fetcher.detail(door, row, plan.detail_decision))
    if plan.notice_only:
        view = replace(view, confidential_notice=confidential_notice(owner))
    return Release(view, plan.decision)


def _plan(door: Door, record_tier: Tier, row_flags: str, child: ChildFacts, subject: Subject) -> _Plan:
    def decision_for(field: str) -> Decision:
        facts = row_facts(field_tier(record_tier, field), row_flags, child)
        return door.decide("read", facts, subject, audit=False)

    decisions = {field: decision_for(field) for field in PART_TIERS}
    flag = decisions[FLAG_FIELDS[0]]
    if flag.allowed:
        return _Plan(flag, tuple(field for field, decision in decisions.items() if not decision.allowed),
                     detail_decision=decisions["detail"] if decisions["detail"].allowed else None)
    notice = door.decide("notice", row_facts(record_tier, row_flags, child), subject, audit=False)
    if not notice.allowed:
        return _Plan(None, ())
    return _Plan(notice, tuple(field for field in PART_TIERS if field != "owner"), notice_only=True)


def confidential_notice(owner: AgencyContact) -> str:
    return (
        f"Confidential information is held by {owner.name}. Contact them on {owner.office_hours_phone} "
        f"(out of hours {owner.out_of_hours_phone}) or {owner.email}."
    )


# Record view fields that are sealed at rest, by their column.
_SEALED_FIELDS = {"summary": "summary", "detail": "detail", "amendment_reason": "reason"}


def to_view(row: t.RecordVersion, owner: AgencyContact, withheld: tuple[str, ...] = ()) -> RecordView:
    """The stored version as a view. Sealed columns are opened here, at the storage boundary, and only those
    the actor may read: withheld content is never decrypted."""
    opened = sealing.open_record(row, frozenset(_SEALED_FIELDS[f] for f in withheld if f in _SEALED_FIELDS))
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
