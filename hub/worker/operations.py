"""What an operator does with deliveries (``hub notifications ...``): register an agency system's endpoint,
list the dead-letter list, and replay from it. Each change is audited as the operator's action."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hub.audit import ledger
from hub.audit.entry import AuditEntry, Verdict
from hub.domain.working_time import as_utc
from hub.storage import jobs
from hub.storage import tables as t
from hub.storage.jobs import JobKind
from hub.storage.unit_of_work import UnitOfWork

OPERATOR = "hub-cli"


@dataclass(frozen=True)
class DeadLetter:
    job_id: str
    notification_id: str
    kind: str | None
    url: str | None
    attempts: int
    last_error: str | None
    failed_at: datetime | None


def dead_letters(session: Session) -> list[DeadLetter]:
    letters = []
    for job in jobs.dead_letters(session, JobKind.WEBHOOK):
        endpoint = session.get(t.WebhookEndpoint, (job.payload or {}).get("endpoint_id", ""))
        notification = session.get(t.Notification, job.subject_id)
        letters.append(DeadLetter(job.id, job.subject_id, notification.kind if notification else None,
                                  endpoint.url if endpoint else None, job.attempts, job.last_error,
                                  as_utc(job.finished_at) if job.finished_at else None))
    return letters


def dead_letters_of(session_factory: sessionmaker[Session]) -> list[DeadLetter]:
    with UnitOfWork(session_factory) as uow:
        return dead_letters(uow.session)


def replay(session: Session, job_ids: list[str], now: datetime) -> list[str]:
    """Put dead letters back in the queue, due now; the ids replayed (others were not dead letters)."""
    replayed = [job_id for job_id in job_ids if jobs.replay(session, job_id, JobKind.WEBHOOK, now)]
    ledger.append(session, [_entry(now, "replay_delivery", "job", job_id, "operator replayed a dead letter")
                            for job_id in replayed])
    return replayed


def add_endpoint(session: Session, agency_code: str, url: str, now: datetime) -> str:
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ValueError("Webhook endpoints use https (plain http only on this machine, for testing).")
    agency = session.scalar(select(t.Agency).where(t.Agency.official_code == agency_code))
    if agency is None:
        raise LookupError(f"No agency has the official code {agency_code!r}.")
    endpoint = t.WebhookEndpoint(id=t.new_id(), agency_id=agency.id, url=url, active=True, created_at=now)
    session.add(endpoint)
    session.flush()
    ledger.append(session, [_entry(now, "add_webhook_endpoint", "webhook_endpoint", endpoint.id,
                                   f"{agency.name}: {url}", owner_agency_id=agency.id)])
    return endpoint.id


def _entry(now: datetime, action: str, resource_type: str, resource_id: str, reason: str,
           owner_agency_id: str | None = None) -> AuditEntry:
    return AuditEntry(occurred_at=now, request_id=f"cli-{action}"[:64], operation="cli", client_id=OPERATOR,
                      action=action, resource_type=resource_type, resource_id=resource_id,
                      owner_agency_id=owner_agency_id, decision=Verdict.ALLOW, reason=reason)
