"""The partnership's timer: on the morning of the last working day for notifying a serious incident to the
national panel, warn whoever recorded it (unless it was notified meanwhile)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from hub.audit.entry import AuditEntry
from hub.domain.practice_review import IncidentStatus
from hub.domain.workflow import Workflow
from hub.domain.working_time import as_utc
from hub.services import notices
from hub.services.serious_incidents import NOTIFICATION_DUE_JOB, warning
from hub.storage import partnership_tables as pt
from hub.storage.jobs import ClaimedJob
from hub.worker.audit import WorkerIdentity, entry


def serious_incident_due(session: Session, job: ClaimedJob, now: datetime, workflow: Workflow,
                         worker: WorkerIdentity) -> list[AuditEntry]:
    incident = session.get(pt.SeriousIncident, job.subject_id)
    if incident is None or incident.status != IncidentStatus.AWARE:
        return []
    due = as_utc(incident.notification_due_at).astimezone(workflow.calendar.timezone)
    for notice in warning(incident, due.strftime("%H:%M on %A %d %B %Y")):
        notices.write(session, notice, now)
    return [entry(worker, job.id, now, action="remind", resource_type="serious_incident", resource_id=incident.id,
                  child_id=incident.child_ids[0], owner_agency_id=incident.notifying_agency_id,
                  purpose="SERIOUS_INCIDENT_REVIEW", rule="serious_incident_notification_due_warns_recorder",
                  reason=f"notification to the national panel due {due.isoformat()}")]


HANDLERS = {NOTIFICATION_DUE_JOB: serious_incident_due}
