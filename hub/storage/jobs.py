"""Jobs: timers and deliveries the worker carries out, taken under leases.

A job is written in the same transaction as what causes it (an outbox), so a crash loses none. A worker
takes due jobs by setting ``lease_owner``/``lease_until`` in one statement: on PostgreSQL the candidate rows
are chosen ``FOR UPDATE SKIP LOCKED``, so concurrent workers take disjoint sets without waiting; on SQLite
the statement runs under the database's single write lock (``BEGIN IMMEDIATE``), which makes the
conditional UPDATE atomic. A worker finishes a job only while its lease is still its own (``finish``), in
the same transaction as the job's effects: if the lease expired and another worker took the job, the
first one's effects roll back, so an escalation is sent exactly once. A worker that dies leaves its jobs
leased until ``lease_until``; then any worker takes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.storage import tables as t


class JobKind(StrEnum):
    REQUEST_DUE_SOON = "REQUEST_DUE_SOON"  # subject: a request target
    REQUEST_OVERDUE = "REQUEST_OVERDUE"  # subject: a request target
    ENCOMPASS_ESCALATION = "ENCOMPASS_ESCALATION"  # subject: an Operation Encompass notification
    WEBHOOK = "WEBHOOK"  # subject: a notification; payload: the endpoint


class JobStatus(StrEnum):
    PENDING = "PENDING"
    DONE = "DONE"
    CANCELLED = "CANCELLED"
    DEAD = "DEAD"  # a delivery that kept failing: on the dead-letter list until an operator replays it


@dataclass(frozen=True)
class ClaimedJob:
    id: str
    kind: str
    subject_id: str
    payload: dict[str, str]
    attempts: int
    lease_owner: str


def _insert(session: Session) -> Any:
    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert


def schedule(session: Session, *, kind: str, subject_id: str, run_at: datetime, now: datetime,
             key: str | None = None, payload: dict[str, str] | None = None, rearm: bool = False) -> None:
    """Schedule a job once per key. ``rearm`` moves an existing job to ``run_at`` and makes it pending again
    (a deadline that changed); otherwise an existing job is left as it is."""
    values = {"id": t.new_id(), "kind": kind, "subject_id": subject_id, "dedupe_key": (key or f"{kind}:{subject_id}"),
              "run_at": run_at, "status": str(JobStatus.PENDING), "attempts": 0, "payload": payload,
              "created_at": now}
    statement = _insert(session)(t.Job).values(values)
    if rearm:
        statement = statement.on_conflict_do_update(
            index_elements=["dedupe_key"],
            set_={"run_at": run_at, "status": str(JobStatus.PENDING), "attempts": 0, "lease_owner": None,
                  "lease_until": None, "finished_at": None, "last_error": None})
    else:
        statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
    session.execute(statement)


def cancel(session: Session, *, kind: str, subject_ids: list[str], now: datetime) -> None:
    session.execute(update(t.Job).where(t.Job.kind == kind, t.Job.subject_id.in_(subject_ids),
                                        t.Job.status == str(JobStatus.PENDING))
                    .values(status=str(JobStatus.CANCELLED), finished_at=now, lease_owner=None, lease_until=None))


def _claimable(now: datetime) -> Any:
    return and_(t.Job.status == str(JobStatus.PENDING), t.Job.run_at <= now,
                or_(t.Job.lease_until.is_(None), t.Job.lease_until < now))


def claim(session: Session, owner: str, now: datetime, lease: timedelta, limit: int,
          kinds: tuple[str, ...] | None = None) -> list[ClaimedJob]:
    """Lease up to ``limit`` due jobs to ``owner``, oldest due first. The caller commits."""
    candidates = select(t.Job.id).where(_claimable(now)).order_by(t.Job.run_at).limit(limit)
    if kinds:
        candidates = candidates.where(t.Job.kind.in_(kinds))
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    rows = session.execute(
        update(t.Job)
        .where(t.Job.id.in_(candidates.scalar_subquery()), _claimable(now))
        .values(lease_owner=owner, lease_until=now + lease)
        .returning(t.Job.id, t.Job.kind, t.Job.subject_id, t.Job.payload, t.Job.attempts)
        .execution_options(synchronize_session=False)
    ).all()
    return [ClaimedJob(row.id, row.kind, row.subject_id, dict(row.payload or {}), row.attempts, owner)
            for row in sorted(rows, key=lambda row: row.id)]


def _guarded(job: ClaimedJob) -> Any:
    return update(t.Job).where(t.Job.id == job.id, t.Job.lease_owner == job.lease_owner,
                               t.Job.status == str(JobStatus.PENDING))


def renew(session: Session, job: ClaimedJob, now: datetime, lease: timedelta) -> bool:
    """Hold the job for ``lease`` from now, for one piece of slow work (a delivery), if it is still ours.

    A worker takes a batch, but works through it one job at a time: each job's lease is renewed just before
    its own work, so a slow batch never outlives the leases of the jobs it has not reached yet while still
    doing them. False: the lease ran out and another worker has the job; leave it alone."""
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        _guarded(job).values(lease_until=now + lease))
    return bool(result.rowcount)


def finish(session: Session, job: ClaimedJob, now: datetime) -> bool:
    """Mark done if the lease is still ours; False means another worker has the job: roll back."""
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        _guarded(job).values(status=str(JobStatus.DONE), finished_at=now, lease_owner=None, lease_until=None,
                             attempts=job.attempts + 1, last_error=None))
    return bool(result.rowcount)


def retry(session: Session, job: ClaimedJob, now: datetime, at: datetime, error: str) -> bool:
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        _guarded(job).values(run_at=at, lease_owner=None, lease_until=None, attempts=job.attempts + 1,
                             last_error=error[:1000]))
    return bool(result.rowcount)


def dead_letter(session: Session, job: ClaimedJob, now: datetime, error: str) -> bool:
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        _guarded(job).values(status=str(JobStatus.DEAD), finished_at=now, lease_owner=None, lease_until=None,
                             attempts=job.attempts + 1, last_error=error[:1000]))
    return bool(result.rowcount)


def dead_letters(session: Session, kind: str) -> list[t.Job]:
    return list(session.scalars(select(t.Job).where(t.Job.kind == kind, t.Job.status == str(JobStatus.DEAD))
                                .order_by(t.Job.finished_at, t.Job.id)))


def replay(session: Session, job_id: str, kind: str, now: datetime) -> bool:
    """Put a dead-lettered job back in the queue, due now, with its attempts counted afresh."""
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(t.Job).where(t.Job.id == job_id, t.Job.kind == kind, t.Job.status == str(JobStatus.DEAD))
        .values(status=str(JobStatus.PENDING), run_at=now, attempts=0, finished_at=None, lease_owner=None,
                lease_until=None))
    return bool(result.rowcount)
