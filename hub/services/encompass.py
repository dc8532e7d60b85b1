"""Operation Encompass: when the police share a domestic abuse incident about a child, the DSL of every school
with the child on roll is told before the next school day starts (weekends and bank holidays included); for
a child on no roll, the local authority is. The notification names the record, which is what lets the
school's DSLs read its summary (``notified`` in the policy). Unacknowledged at the start of the school day,
it escalates (``hub.worker.timers``)."""

from __future__ import annotations

from datetime import datetime

from hub.domain.notification import Notice, NotificationKind
from hub.domain.record import Category, RecordView
from hub.domain.workflow import Workflow
from hub.door import Door, Subject
from hub.errors import ConflictError
from hub.services import notices, routing
from hub.services.children import child_facts
from hub.storage import jobs, queries

NOTICE_KIND = NotificationKind.DOMESTIC_ABUSE_INCIDENT


def notify_schools(door: Door, workflow: Workflow, record: RecordView, *, do_not_approach_parents: bool = False,
                   required: bool = False) -> list[str]:
    """After a record is shared: notify if it is a domestic abuse incident the police may notify about.
    Returns the notifications' ids. ``required`` (the dedicated mutation) refuses rather than skips."""
    if record.category != Category.DOMESTIC_ABUSE_INCIDENT:
        return []
    child = door.query(queries.child, record.child_id)
    assert child is not None  # the record was just shared about this child
    subject = Subject("record", record.record_key, child.id, door.actor.agency_id)
    decision = door.decide("notify_incident", child_facts(door, child), subject, audit=False)
    if not decision.allowed:
        if required:
            door.record(subject, "notify_incident", decision)
            raise ConflictError("Only the police notify schools of domestic abuse incidents.")
        return []
    recipients = door.query(routing.encompass_recipients, child, door.today())
    if not recipients:
        door.refuse(subject, "notify_incident", "no school or local authority to notify")
        raise ConflictError("The child is on no school roll and no local authority of their area is in the hub: "
                            "nobody could be notified, so nothing was saved.",
                            "Telephone the local authority's front door, then share the incident again.")
    now = door.now()
    due = workflow.calendar.next_school_day_start(now)
    summary = (f"Operation Encompass: {door.actor.agency_name} notifies a domestic abuse incident that may "
               f"affect this child. Read the record before school starts ({_local(workflow, due)})."
               + (" DO NOT APPROACH PARENTS OR CARERS." if do_not_approach_parents else ""))
    door.record(subject, "notify_incident", decision, fields=("summary",),
                reason=f"Operation Encompass to {', '.join(r.key for r in recipients)}, due {due.isoformat()}"
                       + ("; do not approach parents" if do_not_approach_parents else ""))
    ids = []
    for recipient in recipients:
        notification_id = notices.notify(door, Notice(
            kind=NOTICE_KIND, recipient=recipient, summary=summary, child_id=child.id, record_key=record.record_key,
            dedupe_key=f"ENCOMPASS:{record.record_key}:{recipient.agency_id}", due_at=due,
            do_not_approach_parents=do_not_approach_parents))
        if notification_id is not None:
            door.query(jobs.schedule, kind=jobs.JobKind.ENCOMPASS_ESCALATION, subject_id=notification_id,
                          run_at=due, now=now)
            ids.append(notification_id)
    return ids


def _local(workflow: Workflow, moment: datetime) -> str:
    return moment.astimezone(workflow.calendar.timezone).strftime("%H:%M on %A %d %B %Y")
