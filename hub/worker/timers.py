"""What each timer does when it fires, in the transaction that finishes its job. Each checks that it is still
needed (a request answered, re-rated or closed; a notice acknowledged) and writes its notifications once
per deadline (their dedupe keys). The worker's door decides each action by ``policies/system.polar``
before it is taken and records it; an action the policy refuses is recorded and not taken."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from hub.access.system import SystemDoor, Why
from hub.domain.access import NotificationFacts, RequestFacts
from hub.domain.information_request import RequestStatus, TargetStatus
from hub.domain.notification import Notice, NotificationKind, Recipient
from hub.domain.wording import rating_words
from hub.domain.workflow import Workflow
from hub.domain.working_time import as_utc
from hub.door import Subject
from hub.services import notices, routing
from hub.storage import tables as t
from hub.storage.jobs import ClaimedJob, JobKind
from hub.worker.review_timers import HANDLERS as REVIEW_HANDLERS

Handler = Callable[[SystemDoor, ClaimedJob, datetime, Workflow], None]
# What the worker is to a request or a notice: never its sender nor its recipient.
REQUEST, NOTICE = RequestFacts(from_actor_agency=False, to_actor_agency=False), NotificationFacts(False, False)


def _pending(door: SystemDoor, target_id: str) -> tuple[t.RequestTarget, t.InformationRequest] | None:
    target = door.get(t.RequestTarget, target_id)
    if target is None or target.status != TargetStatus.PENDING:
        return None
    request = door.get(t.InformationRequest, target.request_id)
    if request is None or request.status == RequestStatus.CLOSED:
        return None
    return target, request


def _local(workflow: Workflow, moment: datetime) -> str:
    return as_utc(moment).astimezone(workflow.calendar.timezone).strftime("%H:%M on %A %d %B %Y")


def _why(request: t.InformationRequest) -> Why:
    return Why(request.purpose_code, request.lawful_basis, request.case_reference)


def request_due_soon(door: SystemDoor, job: ClaimedJob, now: datetime, workflow: Workflow) -> None:
    found = _pending(door, job.subject_id)
    if found is None:
        return
    target, request = found
    due = as_utc(request.due_at)
    recipient = door.query(routing.front_door_of, target.agency_id)
    subject = Subject("information_request", request.id, request.child_id, target.agency_id)
    if not door.decide("remind", REQUEST, subject, f"due soon: reminded {recipient.key}", _why(request)).allowed:
        return
    door.query(notices.write, Notice(
        kind=NotificationKind.REQUEST_DUE_SOON, recipient=recipient, child_id=request.child_id, request_id=request.id,
        due_at=due, summary=f"An information request to your agency, rated {rating_words(request.rating)}, is due at "
                            f"{_local(workflow, due)}.",
        dedupe_key=f"{NotificationKind.REQUEST_DUE_SOON}:{target.id}:{due.isoformat()}"), now)


def request_overdue(door: SystemDoor, job: ClaimedJob, now: datetime, workflow: Workflow) -> None:
    found = _pending(door, job.subject_id)
    if found is None:
        return
    target, request = found
    due = as_utc(request.due_at)
    if due > now:  # re-rated to a later time: its re-armed timer fires then
        return
    lead = door.query(routing.escalation_of, target.agency_id)
    subject = Subject("information_request", request.id, request.child_id, target.agency_id)
    if not door.decide("escalate", REQUEST, subject, f"overdue since {due.isoformat()}: escalated to {lead.key}",
                       _why(request)).allowed:
        return
    agency = door.get(t.Agency, target.agency_id)
    name = agency.name if agency else "An agency"
    for recipient, summary in (
            (lead, f"Overdue: a {request.rating} information request to your agency was due at "
                   f"{_local(workflow, due)} and has not been answered."),
            (Recipient(request.requesting_agency_id, practitioner_id=request.requested_by),
             f"Overdue: {name} has not answered your {request.rating} request, due at {_local(workflow, due)}; "
             "its MASH lead has been told.")):
        door.query(notices.write, Notice(
            kind=NotificationKind.REQUEST_OVERDUE, recipient=recipient, child_id=request.child_id,
            request_id=request.id, due_at=due, summary=summary,
            dedupe_key=f"{NotificationKind.REQUEST_OVERDUE}:{target.id}:{due.isoformat()}:{recipient.key}"), now)


def encompass_unacknowledged(door: SystemDoor, job: ClaimedJob, now: datetime, workflow: Workflow) -> None:
    notice = door.get(t.Notification, job.subject_id)
    if notice is None or notice.acknowledged_at is not None:
        return
    recipients = [door.query(routing.escalation_of, notice.recipient_agency_id)]
    if notice.actor_agency_id and notice.actor_agency_id != notice.recipient_agency_id:
        recipients.append(door.query(routing.escalation_of, notice.actor_agency_id))  # the force, to telephone
    due = as_utc(notice.due_at) if notice.due_at else now
    school = door.get(t.Agency, notice.recipient_agency_id)
    subject = Subject("notification", notice.id, notice.child_id, notice.actor_agency_id)
    reason = f"not acknowledged by {due.isoformat()}: escalated to {', '.join(r.key for r in recipients)}"
    if not door.decide("escalate", NOTICE, subject, reason).allowed:
        return
    for recipient in recipients:
        door.query(notices.write, Notice(
            kind=NotificationKind.ENCOMPASS_UNACKNOWLEDGED, recipient=recipient, child_id=notice.child_id,
            record_key=notice.record_key, due_at=due, do_not_approach_parents=notice.do_not_approach_parents,
            summary=f"Operation Encompass notice to {school.name if school else 'a school'} not acknowledged by the "
                    f"start of the school day ({_local(workflow, due)}): make sure its DSL has it."
                    + (" DO NOT APPROACH PARENTS OR CARERS." if notice.do_not_approach_parents else ""),
            dedupe_key=f"{NotificationKind.ENCOMPASS_UNACKNOWLEDGED}:{notice.id}:{recipient.key}"), now)


HANDLERS: dict[str, Handler] = {
    JobKind.REQUEST_DUE_SOON: request_due_soon,
    JobKind.REQUEST_OVERDUE: request_overdue,
    JobKind.ENCOMPASS_ESCALATION: encompass_unacknowledged,
    **REVIEW_HANDLERS,  # the partnership's own timers
}
