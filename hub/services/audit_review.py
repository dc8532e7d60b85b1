"""Reviewing access, for information-governance officers: their agency's audit events, a child's full
access history (a subject-access report: every access, not the last 25), partners' accesses to the agency's
records, and break-glass uses awaiting review, with the review's outcome recorded as an audit event.

Every query is itself an access, decided by ``policies/audit.polar`` and audited with the filters it used.
Events are metadata; no record content is read here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select

from hub.domain.access import AuditScope
from hub.domain.audit import (
    BREAK_GLASS,
    REVIEW_BREAK_GLASS,
    AuditEventView,
    AuditFilter,
    AuditPage,
    BreakGlassOutcome,
    BreakGlassReview,
)
from hub.domain.working_time import as_utc
from hub.door import Door, Subject
from hub.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from hub.policy import Decision
from hub.services import paging as pages
from hub.storage import audit_queries as q
from hub.storage import queries
from hub.storage import tables as t

# The ledger's sequence number orders it, newest or oldest first; the storage query seeks by it.
EVENTS = pages.Keyset("audit", pages.Sort(t.AuditEvent.seq, int))
MAX_NOTES = 2_000
EMERGENCY_WINDOW = timedelta(minutes=60)  # how long a declared emergency lasts


@dataclass(frozen=True)
class PageRequest:
    first: int = 50
    after: str | None = None


def encode_cursor(seq: int) -> str:
    return EVENTS.encode((seq,))


def decode_cursor(cursor: str) -> int:
    (seq,) = EVENTS.decode(cursor)
    assert isinstance(seq, int)  # the keyset's one column is an integer
    return seq


def list_events(door: Door, wanted: AuditFilter, paging: PageRequest) -> AuditPage:
    """The agency's audit events (its own accesses and accesses to what it owns), newest first."""
    agency = _allow(door, "events", wanted)
    return _page(door, [q.involving(agency), *q.matching(_utc(wanted))], paging, newest_first=True)


def child_history(door: Door, child_id: str, paging: PageRequest, *, hide_own_reviews: bool = False) -> AuditPage:
    """Every access to the child's information that involves the agency, oldest first, paged but uncapped
    (less the officer's own access reviews, when asked: identifying the child is one)."""
    wanted = AuditFilter(child_id=child_id,
                         hide_reviews_by=door.actor.practitioner_id if hide_own_reviews else None)
    agency = _allow(door, "child_history", wanted)
    if door.query(queries.child, child_id) is None:  # "no accesses" would be a false answer
        door.refuse(Subject("audit_events"), "read", "no child with this hub id")
        raise NotFoundError("No child in the hub has this id: there is no access history to report. Identify "
                            "the child first, by NHS number or by names and date of birth.")
    return _page(door, [q.involving(agency), *q.matching(wanted)], paging, newest_first=False)


def partner_accesses(door: Door, wanted: AuditFilter, paging: PageRequest) -> AuditPage:
    """Other agencies' accesses to the records this agency owns, newest first."""
    agency = _allow(door, "partner_accesses", wanted)
    return _page(door, [q.by_partners(agency), *q.matching(_utc(wanted))], paging, newest_first=True)


def partner_accesses_by_agency(door: Door, wanted: AuditFilter) -> list[tuple[str, int]]:
    """How many accesses each other agency made to what this agency owns: (agency name, count), most first."""
    agency = _allow(door, "partner_accesses", wanted)
    return door.query(q.count_by_actor_agency, [q.by_partners(agency), *q.matching(_utc(wanted))])


def emergency_reads(door: Door, event: AuditEventView, window: timedelta = EMERGENCY_WINDOW) -> list[AuditEventView]:
    """What a break-glass user went on to read about the child under the emergency (purpose EMERGENCY, in
    the hour it lasts) that involves the agency: what was seen. Metadata of events the officer may review."""
    if event.child_id is None or event.actor_practitioner_id is None:
        return []
    agency = _allow(door, "break_glass", AuditFilter(action=BREAK_GLASS, child_id=event.child_id))
    wanted = AuditFilter(since=event.occurred_at, until=event.occurred_at + window, child_id=event.child_id,
                         practitioner_id=event.actor_practitioner_id, action="read", decision="ALLOW")
    conditions = [q.involving(agency), *q.matching(_utc(wanted)), t.AuditEvent.purpose == "EMERGENCY"]
    events, _, _ = door.query(q.page, conditions, first=pages.MAX_PAGE, after_seq=None, newest_first=False)
    return events


def practitioner_names(door: Door, events: Iterable[AuditEventView]) -> dict[str, str]:
    """The names of the practitioners who made these events (an officer reads people, not addresses)."""
    ids = {event.actor_practitioner_id for event in events if event.actor_practitioner_id}
    if not ids:
        return {}
    rows = door.execute(select(t.Practitioner.id, t.Practitioner.name)
                                .where(t.Practitioner.id.in_(sorted(ids)))).all()
    return {str(row_id): str(name) for row_id, name in rows}


def break_glass_queue(door: Door, paging: PageRequest) -> AuditPage:
    """Break-glass uses involving the agency that none of its IG officers has reviewed, oldest first."""
    agency = _allow(door, "break_glass", AuditFilter(action=BREAK_GLASS))
    return _page(door, [q.awaiting_review(agency)], paging, newest_first=False)


def review_break_glass(door: Door, event_id: str, outcome: BreakGlassOutcome, notes: str) -> BreakGlassReview:
    """Record the outcome of reviewing one break-glass use. The record is an audit event of its own."""
    subject = Subject("audit_event", event_id)
    door.access(subject, REVIEW_BREAK_GLASS)
    agency = door.actor.agency_id
    seq = int(event_id) if event_id.isdigit() else None
    notes = notes.strip()

    def review() -> AuditEventView:
        """The use reviewed, once the review is due and well formed; nothing else is written (the review is
        its audit entry)."""
        pending = door.query(q.event, seq, q.awaiting_review(agency)) if seq is not None else None
        if pending is None:
            done = door.query(q.event, seq, q.involving(agency)) if seq is not None else None
            if done is not None and done.action == BREAK_GLASS:
                door.refuse(subject, REVIEW_BREAK_GLASS, "already reviewed by this agency")
                raise ConflictError("Your agency has already recorded a review of this break-glass use.")
            door.refuse(subject, REVIEW_BREAK_GLASS, "no such break-glass use awaiting this agency's review")
            raise NotFoundError("No break-glass use with this id awaits your agency's review.")
        if not notes or len(notes) > MAX_NOTES:
            door.refuse(subject, REVIEW_BREAK_GLASS, "notes missing or too long")
            raise ValidationError(f"Say what the review found, in 1 to {MAX_NOTES} characters.", field="notes")
        return pending

    pending = door.change(
        "review", AuditScope("break_glass", own_agency=True), subject, review, audit_action=REVIEW_BREAK_GLASS,
        fields=("outcome", "notes"), reason=lambda _: f"{outcome}: {notes}",
        recorded_as=lambda used: replace(subject, child_id=used.child_id, owner_agency_id=used.owner_agency_id),
        refused=lambda: ForbiddenError("Only an information-governance officer reviewing access (AUDIT_REVIEW) "
                                       "may record a break-glass review."))
    return BreakGlassReview(pending, outcome, notes, door.actor.email, door.now())


def _allow(door: Door, view: str, wanted: AuditFilter) -> str:
    """Decide and audit one IG query; the agency whose events it may read, or ForbiddenError."""
    subject = Subject("audit_events", child_id=wanted.child_id)
    door.access(subject, "read")
    decision: Decision = door.decide("read", AuditScope(view, own_agency=True), subject, audit=False)
    used = {k: str(v) for k, v in vars(wanted).items() if v is not None}
    door.record(subject, "read", decision, fields=("audit_metadata",) if decision.allowed else (),
                reason=f"{view} {used}" if used else view)
    if not decision.allowed:
        raise ForbiddenError("Audit events are for information-governance officers reviewing their own "
                             "agency's accesses.", "Declare the purpose AUDIT_REVIEW.")
    return door.actor.agency_id


def _page(door: Door, conditions: list[ColumnElement[bool]], paging: PageRequest, *,
          newest_first: bool) -> AuditPage:
    pages.check_page_size(paging.first)
    after = decode_cursor(paging.after) if paging.after else None
    events, total, more = door.query(q.page, conditions, first=paging.first, after_seq=after,
                                 newest_first=newest_first)
    return AuditPage(tuple(events), total, more, after is not None)


def _utc(wanted: AuditFilter) -> AuditFilter:
    """SQLite compares stored UTC wall-clock text, so the bounds must be UTC too."""
    def utc(moment: datetime | None) -> datetime | None:
        return None if moment is None else as_utc(moment)
    return replace(wanted, since=utc(wanted.since), until=utc(wanted.until))
