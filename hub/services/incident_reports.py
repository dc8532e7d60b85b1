"""The police report a domestic abuse incident with Operation Encompass's statutory fields: the notice is
shared as the force's record (its summary is what the school reads) and the schools are notified in the same
transaction."""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.access import ChildFacts
from hub.domain.encompass import IncidentNotice, check_notice, compose
from hub.domain.record import Category, RecordView, Tier
from hub.domain.workflow import Workflow
from hub.door import Door, Subject
from hub.errors import NotFoundError, ValidationError
from hub.services import encompass, records
from hub.services.children import child_facts
from hub.storage import queries


@dataclass(frozen=True)
class ReportedIncident:
    record: RecordView
    notification_ids: tuple[str, ...]


def report_incident(door: Door, workflow: Workflow, notice: IncidentNotice) -> ReportedIncident:
    subject = Subject("record", None, notice.child_id, door.actor.agency_id)
    door.access(subject, "notify_incident")
    child = door.query(queries.child, notice.child_id)
    # Decided the same way whether or not the child exists, so a refusal tells nothing about the child.
    decision = door.decide("notify_incident", child_facts(door, child) if child else ChildFacts(), subject,
                           audit=False)
    if child is None or not decision.allowed:
        door.record(subject, "notify_incident", decision, reason=None if child else "no such child")
        raise NotFoundError("No child with this id.")
    try:
        checked = check_notice(notice, door.now())
    except ValidationError as error:
        door.refuse(subject, "notify_incident", error.message)
        raise
    occurred = checked.occurred_at.astimezone(workflow.calendar.timezone).date()
    record = records.create_record(door, records.RecordDraft(
        child_id=child.id, category=Category.DOMESTIC_ABUSE_INCIDENT, tier=Tier.SUMMARY,
        summary=compose(checked, workflow.calendar.timezone), detail=checked.detail, start_date=occurred))
    ids = encompass.notify_schools(door, workflow, record, do_not_approach_parents=checked.do_not_approach_parents,
                                   required=True)
    return ReportedIncident(record, tuple(ids))
