"""Applying one mapped source record in the agency's name, through the door.

Idempotent and ordered: the version the hub last applied for each source item is kept; the same version
again changes nothing, and an older one after a newer is not applied but recorded (a denied audit entry
saying so). A record changes court-safely: a new version with the reason "updated by <adapter> source
version N", never an edit.
"""

from __future__ import annotations

import contextlib
from enum import StrEnum

from sqlalchemy import select

from hub.adapters.contract import BadRecordError, Involvement, SourceRecord
from hub.domain.access import ChildFacts, RecordFacts
from hub.domain.record import RecordStatus
from hub.domain.workflow import Workflow
from hub.door import Door, Subject
from hub.errors import ConflictError, ValidationError
from hub.ingest.identify import identify
from hub.ingest.tables import SourceItem
from hub.ingest.target import SyncTarget
from hub.services import encompass
from hub.services.children import child_facts
from hub.services.records import validate_content
from hub.services.redaction import to_view
from hub.services.visibility import flags_of, row_facts
from hub.storage import queries, sealing
from hub.storage import tables as t


class Applied(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    STALE = "stale"
    QUEUED = "queued"  # held until a practitioner resolves who the person is
    QUARANTINED = "quarantined"


def apply(door: Door, target: SyncTarget, source: SourceRecord, workflow: Workflow | None = None) -> Applied:
    state = door.get(SourceItem, (target.adapter, source.source_id))
    if state is not None and source.version == state.version:
        return Applied.UNCHANGED
    if state is not None and source.version < state.version:
        door.refuse(
            Subject("source_item", f"{target.adapter}:{source.source_id}", state.child_id, target.agency_id),
            "ingest",
            f"stale: version {source.version} arrived after version {state.version} was applied",
        )
        return Applied.STALE
    child_id = identify(door, target, source.person)
    if child_id is None:
        return Applied.QUEUED
    child = door.query(queries.child, child_id)
    assert child is not None
    if state is not None and state.child_id != child_id:
        raise BadRecordError(
            f"{source.source_id} now names another person ({source.person.local_id}); "
            "an operator must decide which child it is about"
        )
    if source.person.address_withheld and child.address_withheld_by is None:
        child.address_withheld_by = target.agency_id  # refuge or adoption: hidden from all but this agency
        door.query(sealing.seal_child, child)  # and sealed at rest from now on
    if source.involvement is not None:
        _update_link(door, target, source.person.local_id, source.involvement)
    record_key = _write_record(door, target, source, child, state.record_key if state else None)
    if record_key is not None and state is None:
        _notify_schools(door, workflow or Workflow(), record_key)
    if state is None:
        door.add(
            SourceItem(
                adapter=target.adapter,
                source_id=source.source_id,
                version=source.version,
                child_id=child_id,
                record_key=record_key,
                applied_at=door.now(),
            )
        )
    else:
        state.version, state.record_key, state.applied_at = source.version, record_key, door.now()
    door.flush()
    return Applied.NEW if state is None else Applied.UPDATED


def _update_link(door: Door, target: SyncTarget, local_id: str, involvement: Involvement) -> None:
    link = door.scalar(
        select(t.AgencyRecordLink).where(
            t.AgencyRecordLink.agency_id == target.agency_id, t.AgencyRecordLink.local_id == local_id
        )
    )
    assert link is not None  # identify() made it
    link.kind = str(involvement.kind)
    link.opened_on = min(link.opened_on, involvement.opened_on)
    link.closed_on = involvement.closed_on
    link.allocated_worker = involvement.allocated_worker or link.allocated_worker


def _notify_schools(door: Door, workflow: Workflow, record_key: str) -> None:
    """Operation Encompass for an incident that arrived from the police's own system, exactly as for one
    shared through the API. If nobody can be notified the record still lands (the refusal is audited):
    dropping an incident would hide it from everyone."""
    row = door.query(queries.current_version, record_key)
    assert row is not None  # just written in this transaction
    owner = door.contacts([row.owner_agency_id])[row.owner_agency_id]
    with contextlib.suppress(ConflictError):  # already audited as a refusal by notify_schools
        encompass.notify_schools(door, workflow, to_view(row, owner))


def _write_record(
    door: Door, target: SyncTarget, source: SourceRecord, child: t.Child, record_key: str | None
) -> str | None:
    content = source.record
    if content is None:
        return record_key
    try:
        validate_content(content.summary, content.detail, content.start_date, content.end_date, door.today())
    except ValidationError as error:  # the same rules as a record shared through the API, quarantined here
        raise BadRecordError(f"{error.field}: {error.message}") from None
    current = door.query(queries.current_version, record_key) if record_key else None
    facts: ChildFacts | RecordFacts = child_facts(door, child)
    if current is None:
        subject = Subject("record", None, child.id, target.agency_id)
        key, version, reason = t.new_id(), 1, None
    else:
        subject = Subject("record", current.record_key, child.id, current.owner_agency_id)
        facts = row_facts(current.tier, flags_of(door, current), child_facts(door, child))
        key, version = current.record_key, current.version + 1
        reason = f"updated by {target.adapter} source version {source.version}"

    def write() -> None:
        purpose = door.access(subject, "ingest").purpose
        door.add(door.query(sealing.seal_record,
            t.RecordVersion(
                id=t.new_id(),
                record_key=key,
                version=version,
                child_id=child.id,
                owner_agency_id=target.agency_id,
                category=str(content.category),
                tier=str(content.tier),
                status=str(RecordStatus.ENDED if content.end_date else RecordStatus.ACTIVE),
                summary=content.summary.strip(),
                detail=content.detail,
                start_date=content.start_date,
                end_date=content.end_date,
                lawful_basis=current.lawful_basis if current else purpose.lawful_basis,
                reason=reason,
                source_adapter=target.adapter,
                source_id=source.source_id,
                source_version=str(source.version),
                created_by=door.actor.practitioner_id,
                created_at=door.now(),
            )
        ))
        door.flush()

    written = ("category", "tier", "status", "summary", "start_date", "end_date") + (
        ("detail",) if content.detail is not None else ()
    )
    door.change(
        "ingest", facts, subject, write, fields=written,
        recorded_as=lambda _: Subject("record", key, child.id, target.agency_id),
        reason=lambda _: reason or f"shared by {target.adapter} source version {source.version}",
        refused=lambda: BadRecordError("the policy does not let this adapter write the record"),
    )
    return key
