"""Information requests: a practitioner asks other agencies of the child's partnership for information, with
a purpose, a RAG rating and its due time; the requester re-rates it with a reason, reads it, and records its
outcome, which is fed back to the agencies asked and to whoever referred. Answers are in
``hub.services.sharing``; timers in ``hub.services.request_timers``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import product
from typing import NamedTuple

from sqlalchemy import Select, and_, false, func, not_, or_, select, update

from hub.domain.access import RequestFacts
from hub.domain.information_request import (
    MAX_TEXT,
    Consent,
    ConsentStatus,
    RagRating,
    RatingChangeView,
    RequestOutcome,
    RequestStatus,
    RequestView,
    SharingDecision,
    SharingReason,
    TargetStatus,
    TargetView,
    check_consent,
    check_text,
)
from hub.domain.notification import Notice, NotificationKind, Recipient
from hub.domain.record import Category
from hub.domain.wording import plain_words, rating_words
from hub.domain.workflow import Workflow
from hub.domain.working_time import as_utc
from hub.door import Door, Subject
from hub.errors import ConflictError, HubError, NotFoundError, ValidationError
from hub.policy import Decision
from hub.services import notices, request_timers, routing
from hub.services.children import child_facts
from hub.services.paging import Keyset, Sort
from hub.storage import queries, sealing
from hub.storage import requests as stored
from hub.storage import tables as t

RESOURCE = "information_request"
# Newest first; the id breaks ties between requests made in the same moment.
REQUESTS = Keyset("information_request", Sort(t.InformationRequest.created_at, datetime, descending=True),
                  Sort(t.InformationRequest.id, str))


@dataclass(frozen=True)
class RequestDraft:
    child_id: str
    target_agency_ids: tuple[str, ...]
    categories: tuple[Category, ...]
    justification: str
    consent: Consent
    rating: RagRating
    referrer_agency_id: str | None = None


class _NewRequest(NamedTuple):
    request: t.InformationRequest
    targets: list[t.RequestTarget]  # one per agency asked
    agency_ids: list[str]
    due: datetime


def create_request(door: Door, workflow: Workflow, draft: RequestDraft) -> RequestView:
    subject = Subject(RESOURCE, None, draft.child_id)
    access = door.access(subject, "request")
    child = door.query(queries.child, draft.child_id)
    if child is None:
        door.refuse(subject, "request", "no such child")
        raise NotFoundError("No child with this id.")
    request_id = t.new_id()

    def sealed(column: str, value: str | None) -> str | None:
        return door.query(sealing.seal_text, child.id, "information_requests", column, request_id, value)

    def write() -> _NewRequest:
        try:
            targets, justification, consent = _check_draft(door, child, draft)
        except ValidationError as error:
            door.refuse(subject, "request", error.message)
            raise
        now = door.now()
        due = door.query(stored.timescale, child.partnership_id, draft.rating).due(workflow.calendar, now)
        request = t.InformationRequest(
            id=request_id, child_id=child.id, partnership_id=child.partnership_id,
            requesting_agency_id=door.actor.agency_id, requested_by=door.actor.practitioner_id,
            referrer_agency_id=draft.referrer_agency_id, purpose_code=access.purpose.code,
            lawful_basis=access.purpose.lawful_basis, case_reference=access.case_reference,
            categories=[str(c) for c in dict.fromkeys(draft.categories)],
            justification=sealed("justification", justification),
            consent_status=str(consent.status), consent_reason=sealed("consent_reason", consent.reason),
            consent_override_by=consent.override_approved_by, rating=str(draft.rating), due_at=due,
            status=str(RequestStatus.AWAITING_RESPONSES), created_at=now)
        rows = [t.RequestTarget(id=t.new_id(), request_id=request.id, agency_id=agency_id,
                                status=str(TargetStatus.PENDING), reasons=[], shared_categories=[])
                for agency_id in targets]
        door.add(request)
        door.flush()
        door.add_all(rows)
        door.add(t.RequestRatingChange(id=t.new_id(), request_id=request.id, rating=request.rating,
                                       reason="Rated when the request was made.", due_at=due,
                                       changed_by=door.actor.practitioner_id, changed_at=now))
        door.flush()
        door.query(request_timers.arm, workflow, [row.id for row in rows], due, now)
        return _NewRequest(request, rows, targets, due)

    # No relationship with the child: the same answer as for no child at all.
    request, rows, _, due = door.change(
        "request", child_facts(door, child), subject, write,
        fields=("categories", "justification", "consent", "rating"),
        recorded_as=lambda made: Subject(RESOURCE, made.request.id, child.id),
        reason=lambda made: f"{made.request.rating} request, due {made.due.isoformat()}, to agencies "
                            f"{', '.join(made.agency_ids)}",
        refused=lambda: NotFoundError("No child with this id."))
    for row in rows:
        notices.notify(door, Notice(
            kind=NotificationKind.REQUEST_RECEIVED, recipient=door.query(routing.front_door_of, row.agency_id),
            summary=f"{door.actor.name} ({door.actor.agency_name}) asks for information about a child "
                    f"({plain_words(request.categories)}), rated {rating_words(request.rating)}: answer by "
                    f"{_local(workflow, due)}.",
            dedupe_key=f"{NotificationKind.REQUEST_RECEIVED}:{row.id}", child_id=child.id, request_id=request.id,
            due_at=due))
    return view_of(door, request.id)


def _check_draft(door: Door, child: t.Child, draft: RequestDraft) -> tuple[list[str], str, Consent]:
    targets = list(dict.fromkeys(draft.target_agency_ids))
    if not targets:
        raise ValidationError("Ask at least one agency.", field="targetAgencyIds")
    if door.actor.agency_id in targets:
        raise ValidationError("Your own agency's records are yours already: ask other agencies.",
                              field="targetAgencyIds")
    known = door.contacts(targets)
    if unknown := [agency_id for agency_id in targets if agency_id not in known]:
        raise ValidationError(f"No agency with the id {unknown[0]}.", field="targetAgencyIds")
    members = door.query(stored.agencies_of_partnership, child.partnership_id, targets)
    if outside := [known[agency_id].name for agency_id in targets if agency_id not in members]:
        raise ValidationError(
            f"{', '.join(outside)} {'is' if len(outside) == 1 else 'are'} not part of the safeguarding "
            "partnership of the area where the child lives.", field="targetAgencyIds",
            suggestion="Ask the agencies of the child's own partnership; they reach others through it.")
    if not draft.categories:
        raise ValidationError("Name the categories of information you need.", field="categories")
    if draft.referrer_agency_id is not None and not door.contacts([draft.referrer_agency_id]):
        raise ValidationError("No agency with this id.", field="referrerAgencyId")
    justification = check_text(draft.justification, "justification",
                               "Say why the information is necessary and proportionate for this child.", 10)
    return targets, justification, check_consent(draft.consent)


def read_request(door: Door, request_id: str) -> RequestView | None:
    """The request, or None when absent or not the actor's to see (indistinguishable)."""
    subject = Subject(RESOURCE, request_id)
    door.access(subject, "read")
    loaded = door.query(stored.load_one, request_id)
    if loaded is None:
        door.refuse(subject, "read", "no such information request")
        return None
    subject = Subject(RESOURCE, request_id, loaded.request.child_id)
    decision = door.decide("read", request_facts(door, loaded.request), subject, audit=False)
    door.record(subject, "read", decision, fields=_FIELDS if decision.allowed else ())
    return _view(door, loaded) if decision.allowed else None


_FIELDS = ("categories", "justification", "consent", "rating", "targets", "outcome")


class Direction(StrEnum):
    SENT = "SENT"  # requests the actor's agency made
    RECEIVED = "RECEIVED"  # requests to the actor's agency


@dataclass(frozen=True)
class RequestFilter:
    direction: Direction | None = None
    open_only: bool = False


@dataclass(frozen=True)
class RequestPage:
    views: tuple[RequestView, ...]
    cursors: tuple[str, ...]  # one per view
    has_next: bool
    has_previous: bool
    total: int


def list_requests(door: Door, wanted: RequestFilter, *, first: int = 20, after: str | None = None) -> RequestPage:
    """Requests the actor may read, newest first, filtered in SQL by what the policy allows."""
    REQUESTS.check(first, after)
    subject = Subject(RESOURCE)
    door.access(subject, "list")
    statement = _visible(door, subject, wanted)
    total = door.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page, params = REQUESTS.page(statement, first, after)
    rows = door.execute(page, params).scalars().all()
    views, cursors = [], []
    for loaded in door.query(stored.load, list(rows[:first])):
        row_subject = Subject(RESOURCE, loaded.request.id, loaded.request.child_id)
        decision = door.decide("read", request_facts(door, loaded.request), row_subject, audit=False)
        if not decision.allowed:  # SQL and policy disagree: fail closed, and say so
            door.refuse(row_subject, "read", "withheld: visible in SQL but not by policy")
            continue
        door.record(row_subject, "read", decision, fields=_FIELDS)
        views.append(_view(door, loaded))
        cursors.append(REQUESTS.encode((loaded.request.created_at, loaded.request.id)))
    return RequestPage(tuple(views), tuple(cursors), len(rows) > first, after is not None, total)


def _visible(door: Door, subject: Subject, wanted: RequestFilter) -> Select[t.InformationRequest]:
    """The policy over the two facts that vary by request, as one SQL condition."""
    mine, to_me = stored.from_agency(door.actor.agency_id), stored.to_agency(door.actor.agency_id)
    allowed = [(sent, received) for sent, received in product((False, True), repeat=2)
               if door.decide("read", RequestFacts(sent, received), subject, audit=False).allowed]
    cases = [and_(mine if sent else not_(mine), to_me if received else not_(to_me)) for sent, received in allowed]
    statement = select(t.InformationRequest).where(or_(*cases) if cases else false())
    if (False, False) not in allowed:
        # Every request the actor may read is then one their agency made or was asked: saying so in a form an
        # index serves lets the database find them without reading every request (the EXISTS in the
        # condition above cannot use an index under an OR). It narrows nothing the condition lets through.
        statement = statement.where(t.InformationRequest.id.in_(stored.made_or_asked(door.actor.agency_id)))
    if wanted.direction == Direction.SENT:
        statement = statement.where(mine)
    elif wanted.direction == Direction.RECEIVED:
        statement = statement.where(to_me)
    if wanted.open_only:
        statement = statement.where(t.InformationRequest.status != str(RequestStatus.CLOSED))
    return statement


def request_facts(door: Door, request: t.InformationRequest) -> RequestFacts:
    return door.memo(("request_facts", request.id), lambda: RequestFacts(
        from_actor_agency=request.requesting_agency_id == door.actor.agency_id,
        to_actor_agency=door.scalar(select(t.RequestTarget.id).where(
            t.RequestTarget.request_id == request.id, t.RequestTarget.agency_id == door.actor.agency_id)) is not None))


def load(door: Door, request_id: str, action: str) -> tuple[stored.LoadedRequest, RequestFacts, Subject]:
    """The request an action is about, its facts and the audit subject; NOT_FOUND (audited) when there is none."""
    subject = Subject(RESOURCE, request_id)
    door.access(subject, action)
    loaded = door.query(stored.load_one, request_id)
    if loaded is None:
        door.refuse(subject, action, "no such information request")
        raise NotFoundError("No information request with this id.")
    return loaded, request_facts(door, loaded.request), Subject(RESOURCE, request_id, loaded.request.child_id)


def refusal(door: Door, facts: RequestFacts, subject: Subject, action: str) -> Callable[[], Exception]:
    """Someone who may read the request but not act is FORBIDDEN (and told why); someone who may not read it
    finds nothing, as if there were no such request."""
    return door.refusal(action, facts, subject, forbidden=_FORBIDDEN.get(action, "The policy does not allow this."),
                        missing="No information request with this id.")


def authorise(door: Door, request_id: str, action: str) -> tuple[stored.LoadedRequest, Decision, Subject]:
    """Load a request and decide an action on it, refused as ``refusal`` says."""
    loaded, facts, subject = load(door, request_id, action)
    return loaded, door.require(action, facts, subject, refusal(door, facts, subject, action)), subject


_FORBIDDEN = {
    "decide": "Only a practitioner of an agency asked, in a decision role, may answer this request.",
    "rate": "Only the agency that made the request may change its rating.",
    "record_outcome": "Only the agency that made the request records its outcome.",
}


def refuse_when(door: Door, subject: Subject, action: str, error: HubError | None) -> None:
    """Audit and raise a refusal found after the policy allowed the action (bad input, a closed request)."""
    if error is not None:
        door.refuse(subject, action, error.message)
        raise error


def change_rating(door: Door, workflow: Workflow, request_id: str, rating: RagRating, reason: str) -> RequestView:
    """A new RAG rating, with its reason: the due time is recomputed from now (the new rating reflects what is
    known now), timers move, and the agencies still to answer are told."""
    loaded, facts, subject = load(door, request_id, "rate")
    request = loaded.request
    previous = request.rating
    pending = [target for target in loaded.targets if target.status == TargetStatus.PENDING]

    def write() -> t.RequestRatingChange:
        refuse_when(door, subject, "rate", _closed(request))
        refuse_when(door, subject, "rate", ValidationError(f"The request is already rated {rating}.", field="rating")
                    if str(rating) == request.rating else None)
        try:
            why = check_text(reason, "reason", "Say why the rating changes: the change is kept with its reason.", 5)
        except ValidationError as error:
            refuse_when(door, subject, "rate", error)
            raise
        now = door.now()
        due = door.query(stored.timescale, request.partnership_id, rating).due(workflow.calendar, now)
        request.rating, request.due_at = str(rating), due
        change = t.RequestRatingChange(id=t.new_id(), request_id=request.id, rating=str(rating), reason=why,
                                       due_at=due, changed_by=door.actor.practitioner_id, changed_at=now)
        door.add(change)
        door.flush()
        door.query(request_timers.arm, workflow, [target.id for target in pending], due, now)
        return change

    change = door.change("rate", facts, subject, write, fields=("rating", "due_at"),
                         reason=lambda change: f"{previous} to {rating}, due {change.due_at.isoformat()}: "
                                               f"{change.reason}",
                         refused=refusal(door, facts, subject, "rate"))
    due, why = change.due_at, change.reason
    for target in pending:
        notices.notify(door, Notice(
            kind=NotificationKind.REQUEST_RATING_CHANGED,
            recipient=door.query(routing.front_door_of, target.agency_id),
            summary=f"{door.actor.agency_name} re-rated its request {rating_words(previous)} to "
                    f"{rating_words(rating)} ({why}): answer by "
                    f"{_local(workflow, due)}.",
            dedupe_key=f"{NotificationKind.REQUEST_RATING_CHANGED}:{change.id}:{target.id}",
            child_id=request.child_id, request_id=request.id, due_at=due))
    return view_of(door, request.id)


def record_outcome(door: Door, request_id: str, outcome: RequestOutcome, note: str | None) -> RequestView:
    """The requester's decision on the case, fed back to every agency asked and to whoever referred."""
    loaded, facts, subject = load(door, request_id, "record_outcome")
    request = loaded.request

    def write() -> None:
        refuse_when(door, subject, "record_outcome", _closed(request))
        text = (note or "").strip() or None
        refuse_when(door, subject, "record_outcome", ValidationError(f"At most {MAX_TEXT} characters.", field="note")
                    if text and len(text) > MAX_TEXT else None)
        now = door.now()
        request.status, request.outcome = str(RequestStatus.CLOSED), str(outcome)
        request.outcome_note = door.query(sealing.seal_text, request.child_id, "information_requests",
                                          "outcome_note", request.id, text)
        request.outcome_at, request.outcome_by = now, door.actor.practitioner_id
        pending = [target.id for target in loaded.targets if target.status == TargetStatus.PENDING]
        if pending:
            door.execute(update(t.RequestTarget).where(t.RequestTarget.id.in_(pending))
                         .values(status=str(TargetStatus.WITHDRAWN)))
        door.query(request_timers.disarm, pending, now)
        door.flush()

    door.change("record_outcome", facts, subject, write, fields=("outcome", "note"), reason=lambda _: str(outcome),
                refused=refusal(door, facts, subject, "record_outcome"))
    summary = f"{door.actor.agency_name} recorded the outcome of its information request: {outcome}."
    recipients: list[Recipient] = [
        Recipient(target.agency_id, practitioner_id=target.decided_by) if target.decided_by
        else door.query(routing.front_door_of, target.agency_id) for target in loaded.targets]
    if request.referrer_agency_id and request.referrer_agency_id != request.requesting_agency_id:
        recipients.append(door.query(routing.front_door_of, request.referrer_agency_id))
    for recipient in dict.fromkeys(recipients):
        notices.notify(door, Notice(
            kind=NotificationKind.REQUEST_OUTCOME, recipient=recipient, summary=summary,
            dedupe_key=f"{NotificationKind.REQUEST_OUTCOME}:{request.id}:{recipient.key}",
            child_id=request.child_id, request_id=request.id))
    return view_of(door, request.id)


def _closed(request: t.InformationRequest) -> ConflictError | None:
    if request.status == RequestStatus.CLOSED:
        return ConflictError("The requester has recorded this request's outcome: it is closed.")
    return None


def _local(workflow: Workflow, moment: datetime) -> str:
    return moment.astimezone(workflow.calendar.timezone).strftime("%H:%M on %A %d %B %Y")


def _view(door: Door, loaded: stored.LoadedRequest) -> RequestView:
    """The request as the actor may see it: the agency that asked sees every answer; an agency asked sees its
    own (another agency's reasons, e.g. a live investigation, are not for it)."""
    request, names = loaded.request, loaded.names
    everyone = request.requesting_agency_id == door.actor.agency_id

    def opened(table: str, column: str, row_id: str, stored: str | None) -> str | None:
        return door.query(sealing.open_text, request.child_id, table, column, row_id, stored)

    targets = tuple(
        TargetView(
            agency_id=x.agency_id, status=TargetStatus(x.status),
            decision=SharingDecision(x.decision) if x.decision else None,
            reasons=tuple(SharingReason(r) for r in x.reasons),
            rationale=opened("request_targets", "rationale", x.id, x.rationale),
            shared_categories=tuple(Category(c) for c in x.shared_categories),
            decided_by_name=names.get(x.decided_by) if x.decided_by else None, decided_at=_utc(x.decided_at),
            grants_expire_at=_utc(x.grants_expire_at))
        for x in loaded.targets if everyone or x.agency_id == door.actor.agency_id)
    return RequestView(
        id=request.id, child_id=request.child_id, requesting_agency_id=request.requesting_agency_id,
        requested_by_name=names.get(request.requested_by, ""), referrer_agency_id=request.referrer_agency_id,
        purpose_code=request.purpose_code, lawful_basis=request.lawful_basis, case_reference=request.case_reference,
        categories=tuple(Category(c) for c in request.categories),
        justification=opened("information_requests", "justification", request.id, request.justification) or "",
        consent=Consent(ConsentStatus(request.consent_status),
                        opened("information_requests", "consent_reason", request.id, request.consent_reason),
                        request.consent_override_by),
        rating=RagRating(request.rating), due_at=as_utc(request.due_at), status=RequestStatus(request.status),
        created_at=as_utc(request.created_at),
        outcome=RequestOutcome(request.outcome) if request.outcome else None,
        outcome_note=opened("information_requests", "outcome_note", request.id, request.outcome_note),
        outcome_at=_utc(request.outcome_at), targets=targets,
        rating_history=tuple(RatingChangeView(RagRating(c.rating), c.reason, as_utc(c.due_at),
                                              names.get(c.changed_by, ""), as_utc(c.changed_at))
                             for c in loaded.rating_changes))


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment else None


def view_of(door: Door, request_id: str) -> RequestView:
    loaded = door.query(stored.load_one, request_id)
    assert loaded is not None  # just written in this transaction
    return _view(door, loaded)
