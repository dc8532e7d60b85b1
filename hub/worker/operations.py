"""What an operator does with deliveries (``hub notifications ...``): register an agency system's endpoint,
list the dead-letter list, and replay from it. Each change is decided by ``policies/system.polar`` and
audited as the operator's action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from hub.access.system import SystemDoor
from hub.domain.access import HubResource
from hub.domain.working_time import as_utc
from hub.door import Subject
from hub.storage import jobs
from hub.storage import tables as t
from hub.storage.jobs import JobKind


@dataclass(frozen=True)
class DeadLetter:
    job_id: str
    notification_id: str
    kind: str | None
    url: str | None
    attempts: int
    last_error: str | None
    failed_at: datetime | None


def dead_letters(door: SystemDoor) -> list[DeadLetter]:
    """The webhook deliveries on the dead-letter list, decided and audited as the operator's read (they name
    agencies' endpoints and what was sent); PermissionError when the policy refuses it."""
    subject = Subject("job", None)
    if not door.decide("list_dead_letters", HubResource("job"), subject, "operator listed the dead letters").allowed:
        raise PermissionError("The policy does not let an operator read the dead-letter list.")
    letters = [_letter(door, job) for job in door.query(jobs.dead_letters, JobKind.WEBHOOK)]
    door.explain(f"operator listed {len(letters)} dead letters")
    return letters


def _letter(door: SystemDoor, job: t.Job) -> DeadLetter:
    endpoint = door.get(t.WebhookEndpoint, (job.payload or {}).get("endpoint_id", ""))
    notification = door.get(t.Notification, job.subject_id)
    return DeadLetter(job.id, job.subject_id, notification.kind if notification else None,
                      endpoint.url if endpoint else None, job.attempts, job.last_error,
                      as_utc(job.finished_at) if job.finished_at else None)


def replay(door: SystemDoor, job_ids: list[str], now: datetime) -> list[str]:
    """Put dead letters back in the queue, due now; the ids replayed (others were not dead letters, or the
    policy refused the operator)."""
    replayed = []
    for job_id in job_ids:
        allowed = door.decide("replay_delivery", HubResource("job"), Subject("job", job_id),
                              "operator replayed a dead letter").allowed
        if allowed and door.query(jobs.replay, job_id, JobKind.WEBHOOK, now):
            replayed.append(job_id)
    return replayed


def add_endpoint(door: SystemDoor, agency_code: str, url: str, now: datetime) -> str:
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ValueError("Webhook endpoints use https (plain http only on this machine, for testing).")
    agency = door.scalar(select(t.Agency).where(t.Agency.official_code == agency_code))
    if agency is None:
        raise LookupError(f"No agency has the official code {agency_code!r}.")
    endpoint_id = t.new_id()
    subject = Subject("webhook_endpoint", endpoint_id, None, agency.id)
    if not door.decide("add_webhook_endpoint", HubResource("webhook_endpoint"), subject,
                       f"{agency.name}: {url}").allowed:
        raise PermissionError("The policy does not let an operator register webhook endpoints.")
    door.add(t.WebhookEndpoint(id=endpoint_id, agency_id=agency.id, url=url, active=True, created_at=now))
    door.flush()
    return endpoint_id
