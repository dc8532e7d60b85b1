"""Serious incidents: the local authority records one as soon as it is aware (up to 4 children), sees the
5-working-day countdown to its notification to the national panel (a timer warns on the last working day),
and notifies. Who may read an incident, and how much of it, follows policies/reviews.polar: the authority
that notified and the agencies asked for a summary know which children it concerns; reviewers, the
partnership manager and the national panel see the children only by age and sex."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from hub.domain.notification import Notice, NotificationKind, Recipient
from hub.domain.partnership_access import IncidentFacts
from hub.domain.practice_review import (
    NOTIFICATION_WORKING_DAYS,
    IncidentChild,
    IncidentDraft,
    IncidentKind,
    IncidentStatus,
    IncidentView,
    add_working_days,
    check_incident,
    countdown,
)
from hub.domain.workflow import Workflow
from hub.domain.working_time import as_utc
from hub.door import Door, Subject
from hub.errors import ConflictError, NotFoundError, ValidationError
from hub.policy import Decision
from hub.services.children import child_facts
from hub.services.partnership_visibility import visible
from hub.storage import partnership_tables as pt
from hub.storage import tables as t
from hub.storage.partnership_rows import PartnershipRows

RESOURCE = "serious_incident"
FIELDS = ("kind", "children", "description", "aware_at", "notification_due_at")
# The worker's timer: on the morning of the last working day, warn that the notification is due.
NOTIFICATION_DUE_JOB = "SERIOUS_INCIDENT_NOTIFICATION_DUE"


def _rows(door: Door) -> PartnershipRows:
    return door.query(PartnershipRows)


def incident_facts(door: Door, rows: PartnershipRows, incident: pt.SeriousIncident) -> IncidentFacts:
    def compute() -> IncidentFacts:
        review = rows.review_of(incident.id)
        return IncidentFacts(
            own_partnership=incident.partnership_id in door.actor.partnership_ids,
            notifying_agency=incident.notifying_agency_id == door.actor.agency_id,
            assigned_reviewer=review is not None and door.actor.practitioner_id in rows.reviewers(review.id),
            asked_agency=review is not None and rows.summary_of(review.id, door.actor.agency_id) is not None,
            notified=incident.notified_at is not None)
    return door.memo(("incident_facts", incident.id), compute)


def load(door: Door, rows: PartnershipRows, incident_id: str, action: str
         ) -> tuple[pt.SeriousIncident, IncidentFacts, Subject]:
    """The incident an action is about, its facts and the audit subject; NOT_FOUND (audited) when there is
    none."""
    subject = Subject(RESOURCE, incident_id)
    door.access(subject, action)
    incident = rows.get(pt.SeriousIncident, incident_id)
    if incident is None:
        door.refuse(subject, action, "no such serious incident")
        raise NotFoundError("No serious incident with this id.")
    subject = Subject(RESOURCE, incident.id, incident.child_ids[0], incident.notifying_agency_id)
    return incident, incident_facts(door, rows, incident), subject


NOT_YOUR_PART = "Your role in this review does not include that."


def refusal(door: Door, facts: IncidentFacts, subject: Subject, action: str) -> Callable[[], Exception]:
    """FORBIDDEN for someone who may read the incident but not act, NOT_FOUND (as for no such incident) for
    anyone else."""
    return door.refusal(action, facts, subject, forbidden=NOT_YOUR_PART, missing="No serious incident with this id.")


def authorise(door: Door, rows: PartnershipRows, incident_id: str, action: str
              ) -> tuple[pt.SeriousIncident, Decision, Subject]:
    """Load an incident and decide an action on it, refused as ``refusal`` says."""
    incident, facts, subject = load(door, rows, incident_id, action)
    return incident, door.require(action, facts, subject, refusal(door, facts, subject, action)), subject


def record_incident(door: Door, workflow: Workflow, draft: IncidentDraft) -> IncidentView:
    rows = _rows(door)
    subject = Subject(RESOURCE)
    door.access(subject, "record_incident")
    try:
        checked = check_incident(draft, door.now())
    except ValidationError as error:
        door.refuse(subject, "record_incident", error.message)
        raise
    children = rows.children(checked.child_ids)
    decisions = [door.decide("record_incident", child_facts(door, child), Subject(RESOURCE, None, child.id),
                             audit=False) for child in children]
    if len(children) != len(checked.child_ids) or not all(d.allowed for d in decisions):
        for child, decision in zip(children, decisions, strict=True):
            door.record(Subject(RESOURCE, None, child.id), "record_incident", decision)
        door.refuse(subject, "record_incident", "a child is unknown or not in the authority's area")
        raise NotFoundError("No child with this id in your area.", "Each child must live in your partnership's area.")
    if len({child.partnership_id for child in children}) != 1:
        door.refuse(subject, "record_incident", "children of different partnerships")
        raise ValidationError("One notification covers children of one partnership's area.", field="childIds")
    now = door.now()
    incident_id = t.new_id()
    due = add_working_days(workflow.calendar, checked.aware_at, NOTIFICATION_WORKING_DAYS)
    incident = pt.SeriousIncident(
        id=incident_id, partnership_id=children[0].partnership_id, notifying_agency_id=door.actor.agency_id,
        recorded_by=door.actor.practitioner_id, kind=str(checked.kind), status=str(IncidentStatus.AWARE),
        looked_after=checked.looked_after, child_ids=list(checked.child_ids),
        description=rows.seal(checked.child_ids[0], "serious_incidents", "description", incident_id,
                              checked.description) or "",
        aware_at=checked.aware_at, notification_due_at=due, created_at=now)
    rows.add(incident)
    warn_at = as_utc(datetime.combine(due.astimezone(workflow.calendar.timezone).date(), workflow.calendar.day_start,
                                      workflow.calendar.timezone))
    rows.schedule_timer(NOTIFICATION_DUE_JOB, incident.id, max(warn_at, now), now)
    decision = decisions[0]
    for child in children:
        door.record(Subject(RESOURCE, incident.id, child.id, door.actor.agency_id), "record_incident", decision,
                    fields=FIELDS, reason=f"{checked.kind}; notification due {due.isoformat()}")
    return incident_view(door, workflow, rows, incident)


def notify_national_panel(door: Door, workflow: Workflow, incident_id: str) -> IncidentView:
    rows = _rows(door)
    incident, facts, subject = load(door, rows, incident_id, "notify")

    def write() -> bool:
        """Notify; whether within the five working days."""
        if incident.notified_at is not None:
            door.refuse(subject, "notify", "already notified")
            raise ConflictError("This incident was notified to the national panel already.")
        now = door.now()
        incident.status, incident.notified_at, incident.notified_by = str(IncidentStatus.NOTIFIED), now, \
            door.actor.practitioner_id
        rows.flush()
        rows.cancel_timer(NOTIFICATION_DUE_JOB, incident.id, now)
        return now <= as_utc(incident.notification_due_at)

    door.change("notify", facts, subject, write, fields=FIELDS,
                reason=lambda on_time: "notified to the national panel " + ("within" if on_time else "after")
                                       + " 5 working days",
                refused=refusal(door, facts, subject, "notify"))
    return incident_view(door, workflow, rows, incident)


def read_incident(door: Door, workflow: Workflow, incident_id: str) -> IncidentView | None:
    rows = _rows(door)
    try:
        incident, decision, subject = authorise(door, rows, incident_id, "read")
    except NotFoundError:
        return None
    door.record(subject, "read", decision, fields=FIELDS)
    return incident_view(door, workflow, rows, incident)


@dataclass(frozen=True)
class IncidentPage:
    views: tuple[IncidentView, ...]
    total: int


def list_incidents(door: Door, workflow: Workflow, *, first: int = 50) -> IncidentPage:
    """The incidents the actor may read, newest first, filtered in SQL by the policy."""
    rows = _rows(door)
    subject = Subject(RESOURCE)
    door.access(subject, "list")
    actor = door.actor
    condition = visible(door, subject, "read", IncidentFacts,
                        rows.incident_relations(actor.practitioner_id, actor.agency_id, actor.partnership_ids))
    statement = select(pt.SeriousIncident).where(condition)
    total = rows.count(statement)
    views = []
    for incident in rows.scalars(statement.order_by(pt.SeriousIncident.created_at.desc(), pt.SeriousIncident.id)
                                 .limit(min(max(first, 1), 100))):
        row_subject = Subject(RESOURCE, incident.id, incident.child_ids[0], incident.notifying_agency_id)
        decision = door.decide("read", incident_facts(door, rows, incident), row_subject, audit=False)
        if not decision.allowed:  # SQL and policy disagree: fail closed, and say so
            door.refuse(row_subject, "read", "withheld: visible in SQL but not by policy")
            continue
        door.record(row_subject, "read", decision, fields=FIELDS)
        views.append(incident_view(door, workflow, rows, incident))
    return IncidentPage(tuple(views), total)


def incident_view(door: Door, workflow: Workflow, rows: PartnershipRows, incident: pt.SeriousIncident) -> IncidentView:
    facts = incident_facts(door, rows, incident)
    knows_children = facts.notifying_agency or facts.asked_agency
    children = rows.children(incident.child_ids)
    aware = as_utc(incident.aware_at)
    review = rows.review_of(incident.id)
    return IncidentView(
        id=incident.id, partnership_id=incident.partnership_id, notifying_agency_id=incident.notifying_agency_id,
        kind=IncidentKind(incident.kind), status=IncidentStatus(incident.status), looked_after=incident.looked_after,
        children=tuple(IncidentChild(_age(child.date_of_birth, aware), child.sex) for child in children),
        child_ids=tuple(incident.child_ids) if knows_children else (),
        description=rows.open(incident.child_ids[0], "serious_incidents", "description", incident.id,
                              incident.description) or "",
        aware_at=aware,
        notification=countdown(workflow.calendar, door.now(), incident.notification_due_at, incident.notified_at),
        recorded_by_name=rows.names([incident.recorded_by]).get(incident.recorded_by, ""),
        review_id=review.id if review else None)


def _age(born: date | None, at: datetime) -> int | None:
    if born is None:
        return None
    day = at.date()
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def warning_recipients(incident: pt.SeriousIncident) -> list[Recipient]:
    """Who hears that the notification is due today: whoever recorded the incident."""
    return [Recipient(incident.notifying_agency_id, practitioner_id=incident.recorded_by)]


def warning(incident: pt.SeriousIncident, local_due: str) -> list[Notice]:
    return [Notice(kind=NotificationKind.SERIOUS_INCIDENT_NOTIFICATION_DUE, recipient=recipient,
                   child_id=incident.child_ids[0], due_at=as_utc(incident.notification_due_at),
                   summary=f"The serious incident you recorded must be notified to the national panel by "
                           f"{local_due} (5 working days from becoming aware).",
                   dedupe_key=f"{NotificationKind.SERIOUS_INCIDENT_NOTIFICATION_DUE}:{incident.id}:{recipient.key}")
            for recipient in warning_recipients(incident)]

