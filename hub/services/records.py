"""Reading a child's records, and sharing, amending and ending them (court-safe: versions, never edits)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from hub.domain.access import ChildFacts
from hub.domain.record import Category, RecordStatus, RecordView, Tier
from hub.domain.workflow import Workflow
from hub.door import Door, Subject
from hub.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from hub.services import encompass, paging
from hub.services.children import child_facts, load_child
from hub.services.owner_alerts import alert_owner_if_due
from hub.services.redaction import release
from hub.services.visibility import (
    child_facts_from_flags,
    flags_of,
    records_across_children,
    records_of_child,
    row_facts,
)
from hub.storage import queries, sealing
from hub.storage import tables as t
from hub.storage.statements import built_once

MAX_SUMMARY = 2_000
MAX_DETAIL = 50_000
# Newest first; the record key breaks ties between records that started the same day.
RECORDS = paging.Keyset("record", paging.Sort(t.RecordVersion.start_date, date, descending=True),
                        paging.Sort(t.RecordVersion.record_key, str))


@dataclass(frozen=True)
class RecordPage:
    views: tuple[RecordView, ...]
    cursors: tuple[str, ...]  # one per view
    has_next: bool
    has_previous: bool
    total: int


def list_records(door: Door, child_id: str, *, first: int = 20, after: str | None = None,
                 identified_by_nhs_number: bool = False, categories: tuple[Category, ...] = ()) -> RecordPage:
    """The current version of each record about the child that the actor may see, newest first; only of
    ``categories`` when given (never RESTRICTED ones then: their category is not released, so filtering by
    it would tell it)."""
    paging.check_page_size(first)
    seeking = after is not None
    key = RECORDS.parameters(RECORDS.decode(after)) if after is not None else {}
    child = load_child(door, child_id)
    subject = Subject("child_records", child_id, child_id)
    door.access(subject, "list")
    if child is None:
        door.refuse(subject, "list", "no such child")
        return RecordPage((), (), False, seeking, 0)
    facts = child_facts(door, child, identified_by_nhs_number=identified_by_nhs_number)
    visible, params = records_of_child(door, child, facts, subject)
    if categories:  # a filtered page is rarer, and its statement is built afresh
        visible = visible.where(t.RecordVersion.category.in_([str(c) for c in categories]),
                                t.RecordVersion.tier != str(Tier.RESTRICTED))
        page = door.execute(_page_of(visible, first, seeking), params | key).all()
    else:
        page = door.execute(_page(visible, first, seeking), params | key).all()
    if page and not seeking:  # the first page counts the whole list as it goes
        total = page[0].total
    else:  # past the first page the count over the page would be of the rest only: count separately
        total = door.scalar(select(func.count()).select_from(visible.subquery()), params) or 0
    shown = page[:first]
    views = release_rows(door, [(row, flags, facts) for row, flags, _ in shown])
    return RecordPage(tuple(views), _cursors(views, [row for row, _, _ in shown]), len(page) > first, seeking,
                      total)


def _page_of(visible: Select[t.RecordVersion, str], first: int,
             seeking: bool) -> Select[t.RecordVersion, str, int]:
    """One page of a child's records, newest first (and one more, to tell whether more follow), with the
    total; after the key the parameters bind when ``seeking``."""
    counted = visible.add_columns(func.count().over().label("total"))
    ordered = counted.order_by(*RECORDS.order_by()).limit(first + 1)
    return ordered.where(RECORDS.seek()) if seeking else ordered


_page = built_once(_page_of)  # built once per statement and page


def _cursors(views: list[RecordView], rows: list[t.RecordVersion]) -> tuple[str, ...]:
    """Each released view's cursor, from its row's sort key (a row withheld has no view and no cursor)."""
    keys = {row.record_key: (row.start_date, row.record_key) for row in rows}
    return tuple(RECORDS.encode(keys[view.record_key]) for view in views)


def release_rows(door: Door, rows: list[tuple[t.RecordVersion, str, ChildFacts]]) -> list[RecordView]:
    """Redact each row, audit each release, and alert owners whose records partners read."""
    contacts = door.contacts({row.owner_agency_id for row, _, _ in rows})
    door.query(sealing.expect_data_keys, {row.child_id for row, _, _ in rows})  # a worklist's page: one read
    views = []
    for row, row_flags, facts in rows:
        subject = Subject("record", row.record_key, row.child_id, row.owner_agency_id)
        released = release(door, row, row_flags, contacts[row.owner_agency_id], facts)
        if released is None:  # the SQL condition and the policy disagree: fail closed, and say so
            door.refuse(subject, "read", "withheld: visible in SQL but not by policy")
            continue
        door.record(subject, "read", released.decision, fields=released.view.released_fields)
        if released.view.confidential_notice is None:
            alert_owner_if_due(door, released.view, row_facts(row.tier, row_flags, facts))
        views.append(released.view)
    return views


@dataclass(frozen=True)
class RecordDraft:
    child_id: str
    category: Category
    tier: Tier
    summary: str
    detail: str | None
    start_date: date
    end_date: date | None = None
    lawful_basis: str | None = None


def share_record(door: Door, workflow: Workflow, draft: RecordDraft) -> RecordView:
    """Share a record about a child, owned by the actor's own agency (never by an argument). A domestic abuse
    incident shared by the police notifies the child's school (Operation Encompass) in the same transaction."""
    view = create_record(door, draft)
    encompass.notify_schools(door, workflow, view)
    return view


def create_record(door: Door, draft: RecordDraft) -> RecordView:
    """Write a new record owned by the actor's own agency, and nothing else."""
    subject = Subject("record", None, draft.child_id, door.actor.agency_id)
    access = door.access(subject, "share")
    child = door.query(queries.child, draft.child_id)
    if child is None:
        door.refuse(subject, "share", "no such child")
        raise NotFoundError("No child with this id.")

    def write() -> t.RecordVersion:
        validate_content(draft.summary, draft.detail, draft.start_date, draft.end_date, door.today())
        row = t.RecordVersion(
            id=t.new_id(),
            record_key=t.new_id(),
            version=1,
            child_id=child.id,
            owner_agency_id=door.actor.agency_id,
            category=str(draft.category),
            tier=str(draft.tier),
            status=str(RecordStatus.ACTIVE if draft.end_date is None else RecordStatus.ENDED),
            summary=draft.summary.strip(),
            detail=draft.detail,
            start_date=draft.start_date,
            end_date=draft.end_date,
            lawful_basis=draft.lawful_basis or access.purpose.lawful_basis,
            reason=None,
            created_by=door.actor.practitioner_id,
            created_at=door.now(),
        )
        door.add(door.query(sealing.seal_record, row))  # sensitive columns sealed at rest
        door.flush()
        return row

    row = door.change("share", child_facts(door, child), subject, write,
                      fields=lambda row: _read_back(door, row).released_fields,
                      recorded_as=lambda row: replace(subject, resource_id=row.record_key),
                      refused=lambda: NotFoundError("No child with this id."))
    return _read_back(door, row)


@dataclass(frozen=True)
class Amendment:
    record_id: str
    reason: str
    expected_version: int | None = None
    summary: str | None = None
    detail: str | None = None
    tier: Tier | None = None
    end_date: date | None = None
    ends: bool = False


def amend_record(door: Door, amendment: Amendment) -> RecordView:
    """Append a new version with the changes and the reason; the old version stays as it was."""
    action = "end" if amendment.ends else "amend"
    subject = Subject("record", amendment.record_id)
    door.access(subject, action)
    current = door.query(queries.current_version, amendment.record_id)
    if current is None:
        door.refuse(subject, action, "no such record")
        raise NotFoundError("No record with this id.")
    subject = Subject("record", current.record_key, current.child_id, current.owner_agency_id)
    child = door.query(queries.child, current.child_id)
    assert child is not None  # a foreign key holds it
    facts = row_facts(current.tier, flags_of(door, current), child_facts(door, child))

    def refused() -> Exception:
        if door.decide("read", facts, subject, audit=False).allowed:
            return ForbiddenError("Only the agency that shared a record may amend or end it.")
        return NotFoundError("No record with this id.")

    def write() -> t.RecordVersion:
        reason = amendment.reason.strip()
        if not reason:
            door.refuse(subject, action, "no reason given")
            raise ValidationError("Say why the record is being changed: court-safe records keep the reason.",
                                  field="reason")
        if amendment.expected_version is not None and amendment.expected_version != current.version:
            door.refuse(subject, action, f"stale version {amendment.expected_version}")
            raise ConflictError(f"The record is at version {current.version}, not {amendment.expected_version}.",
                                "Read the record again and reapply your change.")
        if current.status == RecordStatus.ENDED:
            door.refuse(subject, action, "record already ended")
            raise ConflictError("This record has ended; share a new record instead.")
        end_date = (amendment.end_date or door.today()) if amendment.ends else current.end_date
        opened = sealing.open_record(current)  # the current version's sealed columns, opened
        summary = amendment.summary if amendment.summary is not None else opened.summary
        detail = amendment.detail if amendment.detail is not None else opened.detail
        validate_content(summary, detail, current.start_date, end_date, door.today())
        row = t.RecordVersion(
            id=t.new_id(),
            record_key=current.record_key,
            version=current.version + 1,
            child_id=current.child_id,
            owner_agency_id=current.owner_agency_id,
            category=current.category,
            tier=str(amendment.tier or current.tier),
            status=str(RecordStatus.ENDED if amendment.ends else RecordStatus.ACTIVE),
            summary=summary.strip(),
            detail=detail,
            start_date=current.start_date,
            end_date=end_date,
            lawful_basis=current.lawful_basis,
            reason=reason,
            source_adapter=current.source_adapter,
            source_id=current.source_id,
            source_version=current.source_version,
            created_by=door.actor.practitioner_id,
            created_at=door.now(),
        )
        try:
            with door.atomic():
                door.add(door.query(sealing.seal_record, row))
        except IntegrityError:
            door.refuse(subject, action, "concurrent amendment")
            raise ConflictError("Someone amended this record at the same time.",
                                "Read the record again and reapply your change.") from None
        return row

    row = door.change("amend", facts, subject, write, audit_action=action, refused=refused,
                      fields=lambda row: _read_back(door, row).released_fields)
    return _read_back(door, row)


def _read_back(door: Door, row: t.RecordVersion) -> RecordView:
    """The version just written, as its owner reads it: read once, after the write's savepoint (reading the
    detail back may FETCH it from the agency, and no call leaves the hub inside a savepoint)."""
    return door.memo(("read_back", row.id), lambda: _owner_view(door, row))


def _owner_view(door: Door, row: t.RecordVersion) -> RecordView:
    owner = door.contacts([row.owner_agency_id])[row.owner_agency_id]
    child = door.query(queries.child, row.child_id)
    assert child is not None
    released = release(door, row, flags_of(door, row), owner, child_facts(door, child))
    if released is None:
        raise ForbiddenError("The record was saved, but your role may not read it back.")
    return released.view


def validate_content(summary: str, detail: str | None, start: date, end: date | None, today: date) -> None:
    """What every record must satisfy, however it arrives (the API, a portal form, an adapter)."""
    if not summary.strip():
        raise ValidationError("A record needs a summary.", field="summary")
    if len(summary) > MAX_SUMMARY:
        raise ValidationError(f"A summary has at most {MAX_SUMMARY} characters.", field="summary")
    if detail is not None and len(detail) > MAX_DETAIL:
        raise ValidationError(f"Detail has at most {MAX_DETAIL} characters.", field="detail")
    if start > today:
        raise ValidationError("A record cannot start in the future.", field="startDate")
    if end is not None and end < start:
        raise ValidationError("A record cannot end before it starts.", field="endDate")


@dataclass(frozen=True)
class RecordFilter:
    categories: tuple[Category, ...] = ()
    tiers: tuple[Tier, ...] = ()
    active_only: bool = True


@dataclass(frozen=True)
class WorklistPage:
    views: tuple[RecordView, ...]
    cursors: tuple[str, ...]  # one per view
    has_next: bool
    has_previous: bool


def list_records_across_children(door: Door, record_filter: RecordFilter, *, first: int = 20,
                                 after: str | None = None) -> WorklistPage:
    """Records about any child the actor may see (e.g. a MASH worklist of current flags), newest first.

    Filtered in SQL by the compiled policy; no total is given, because counting would scan every child.
    """
    subject = Subject("records")
    door.access(subject, "list")
    statement = records_across_children(door, subject)
    if record_filter.categories:
        statement = statement.where(t.RecordVersion.category.in_([str(c) for c in record_filter.categories]))
    if record_filter.tiers:
        statement = statement.where(t.RecordVersion.tier.in_([str(tier) for tier in record_filter.tiers]))
    if record_filter.active_only:
        statement = statement.where(t.RecordVersion.status == str(RecordStatus.ACTIVE))
    page, params = RECORDS.page(statement, first, after)
    rows = door.execute(page, params).all()
    shown = rows[:first]
    views = release_rows(door, [(row, row_flags, child_facts_from_flags(child_flags))
                                for row, child_flags, row_flags in shown])
    return WorklistPage(tuple(views), _cursors(views, [row for row, _, _ in shown]), len(rows) > first,
                        after is not None)
