"""What each timer does when it fires, in the transaction that finishes its job. Each checks that it is still
needed (a request answered, re-rated or closed; a notice acknowledged) and writes its notifications once
per deadline (their dedupe keys), returning the audit entries of what it did."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from hub.audit.entry import AuditEntry
from hub.domain.information_request import RequestStatus, TargetStatus
from hub.domain.notification import Notice, NotificationKind, Recipient
from hub.domain.wording import rating_words
from hub.domain.workflow import Workflow
from hub.domain.working_time import as_utc
from hub.services import notices, routing
from hub.storage import tables as t
from hub.storage.jobs import ClaimedJob, JobKind
from hub.worker.audit import WorkerIdentity, entry

Handler = Callable[[Session, ClaimedJob, datetime, Workflow, WorkerIdentity], list[AuditEntry]]


def _pending(session: Session, target_id: str) -> tuple[t.RequestTarget, t.InformationRequest] | None:
    target = session.get(t.RequestTarget, target_id)
    if target is None or target.status != TargetStatus.PENDING:
        return None
    request = session.get(t.InformationRequest, target.request_id)
    if request is None or request.status == RequestStatus.CLOSED:
        return None
    return target, request


def _local(workflow: Workflow, moment: datetime) -> str:
    return as_utc(moment).astimezone(workflow.calendar.timezone).strftime("%H:%M on %A %d %B %Y")


def request_due_soon(session: Session, job: ClaimedJob, now: datetime, workflow: Workflow,
                     worker: WorkerIdentity) -> list[AuditEntry]:
    found = _pending(session, job.subject_id)
    if found is None:
        return []
    target, request = found
    due = as_utc(request.due_at)
    recipient = routing.front_door_of(session, target.agency_id)
    notices.write(session, Notice(
        kind=NotificationKind.REQUEST_DUE_SOON, recipient=recipient, child_id=request.child_id, request_id=request.id,
        due_at=due, summary=f"An information request to your agency, rated {rating_words(request.rating)}, is due at "
                            f"{_local(workflow, due)}.",
        dedupe_key=f"{NotificationKind.REQUEST_DUE_SOON}:{target.id}:{due.isoformat()}"), now)
    return [entry(worker, job.id, now, action="remind", resource_type="information_request", resource_id=request.id,
                  child_id=request.child_id, owner_agency_id=target.agency_id, purpose=request.purpose_code,
                  lawful_basis=request.lawful_basis, case_reference=request.case_reference,
                  rule="request_due_soon_reminds_front_door", reason=f"due soon: reminded {recipient.key}")]


def request_overdue(session: Session, job: ClaimedJob, now: datetime, workflow: Workflow,
                    worker: WorkerIdentity) -> list[AuditEntry]:
    found = _pending(session, job.subject_id)
    if found is None:
        return []
    target, request = found
    due = as_utc(request.due_at)
    if due > now:  # re-rated to a later time: its re-armed timer fires then
        return []
    lead = routing.escalation_of(session, target.agency_id)
    agency = session.get(t.Agency, target.agency_id)
    name = agency.name if agency else "An agency"
    for recipient, summary in (
            (lead, f"Overdue: a {request.rating} information request to your agency was due at "
                   f"{_local(workflow, due)} and has not been answered."),
            (Recipient(request.requesting_agency_id, practitioner_id=request.requested_by),
             f"Overdue: {name} has not answered your {request.rating} request, due at {_local(workflow, due)}; "
             "its MASH lead has been told.")):
        notices.write(session, Notice(
            kind=NotificationKind.REQUEST_OVERDUE, recipient=recipient, child_id=request.child_id,
            request_id=request.id, due_at=due, summary=summary,
            dedupe_key=f"{NotificationKind.REQUEST_OVERDUE}:{target.id}:{due.isoformat()}:{recipient.key}"), now)
    return [entry(worker, job.id, now, action="escalate", resource_type="information_request", resource_id=request.id,
                  child_id=request.child_id, owner_agency_id=target.agency_id, purpose=request.purpose_code,
                  lawful_basis=request.lawful_basis, case_reference=request.case_reference,
                  rule="overdue_request_escalates_to_mash_lead",
                  reason=f"overdue since {due.isoformat()}: escalated to {lead.key}")]


def encompass_unacknowledged(session: Session, job: ClaimedJob, now: datetime, workflow: Workflow,
                             worker: WorkerIdentity) -> list[AuditEntry]:
    notice = session.get(t.Notification, job.subject_id)
    if notice is None or notice.acknowledged_at is not None:
        return []
    recipients = [routing.escalation_of(session, notice.recipient_agency_id)]
    if notice.actor_agency_id and notice.actor_agency_id != notice.recipient_agency_id:
        recipients.append(routing.escalation_of(session, notice.actor_agency_id))  # the force, to telephone
    due = as_utc(notice.due_at) if notice.due_at else now
    school = session.get(t.Agency, notice.recipient_agency_id)
    for recipient in recipients:
        notices.write(session, Notice(
            kind=NotificationKind.ENCOMPASS_UNACKNOWLEDGED, recipient=recipient, child_id=notice.child_id,
            record_key=notice.record_key, due_at=due, do_not_approach_parents=notice.do_not_approach_parents,
            summary=f"Operation Encompass notice to {school.name if school else 'a school'} not acknowledged by the "
                    f"start of the school day ({_local(workflow, due)}): make sure its DSL has it."
                    + (" DO NOT APPROACH PARENTS OR CARERS." if notice.do_not_approach_parents else ""),
            dedupe_key=f"{NotificationKind.ENCOMPASS_UNACKNOWLEDGED}:{notice.id}:{recipient.key}"), now)
    return [entry(worker, job.id, now, action="escalate", resource_type="notification", resource_id=notice.id,
                  child_id=notice.child_id, owner_agency_id=notice.actor_agency_id,
                  rule="unacknowledged_encompass_notice_escalates_at_school_start",
                  reason=f"not acknowledged by {due.isoformat()}: escalated to "
                         f"{', '.join(r.key for r in recipients)}")]


HANDLERS: dict[str, Handler] = {
    JobKind.REQUEST_DUE_SOON: request_due_soon,
    JobKind.REQUEST_OVERDUE: request_overdue,
    JobKind.ENCOMPASS_ESCALATION: encompass_unacknowledged,
}
