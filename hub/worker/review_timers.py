"""The partnership's timer: on the morning of the last working day for notifying a serious incident to the
national panel, warn whoever recorded it (unless it was notified meanwhile)."""

from __future__ import annotations

from datetime import datetime

from hub.access.system import SystemDoor, Why
from hub.domain.access import HubResource
from hub.domain.practice_review import IncidentStatus
from hub.domain.workflow import Workflow
from hub.domain.working_time import as_utc
from hub.door import Subject
from hub.services import notices
from hub.services.serious_incidents import NOTIFICATION_DUE_JOB, warning
from hub.storage import partnership_tables as pt
from hub.storage.jobs import ClaimedJob

INCIDENT = HubResource("serious_incident")


def serious_incident_due(door: SystemDoor, job: ClaimedJob, now: datetime, workflow: Workflow) -> None:
    incident = door.get(pt.SeriousIncident, job.subject_id)
    if incident is None or incident.status != IncidentStatus.AWARE:
        return
    due = as_utc(incident.notification_due_at).astimezone(workflow.calendar.timezone)
    subject = Subject("serious_incident", incident.id, incident.child_ids[0], incident.notifying_agency_id)
    if not door.decide("remind", INCIDENT, subject, f"notification to the national panel due {due.isoformat()}",
                       Why(purpose="SERIOUS_INCIDENT_REVIEW")).allowed:
        return
    for notice in warning(incident, due.strftime("%H:%M on %A %d %B %Y")):
        door.query(notices.write, notice, now)


HANDLERS = {NOTIFICATION_DUE_JOB: serious_incident_due}
