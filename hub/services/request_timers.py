"""The timers of a request's targets: "due soon" a while before the due time, and "overdue" at it. Written
with the request (or its new rating) in one transaction; the worker (``hub.worker``) fires them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from hub.domain.workflow import Workflow
from hub.storage import jobs
from hub.storage.jobs import JobKind


def arm(session: Session, workflow: Workflow, target_ids: list[str], due: datetime, now: datetime) -> None:
    """(Re)set each target's timers for this due time; a "due soon" that would already be past is dropped."""
    due_soon = due - workflow.due_soon
    for target_id in target_ids:
        jobs.schedule(session, kind=JobKind.REQUEST_OVERDUE, subject_id=target_id, run_at=due, now=now, rearm=True)
        if due_soon > now:
            jobs.schedule(session, kind=JobKind.REQUEST_DUE_SOON, subject_id=target_id, run_at=due_soon, now=now,
                          rearm=True)
        else:
            jobs.cancel(session, kind=JobKind.REQUEST_DUE_SOON, subject_ids=[target_id], now=now)


def disarm(session: Session, target_ids: list[str], now: datetime) -> None:
    """An answered or withdrawn target needs no reminder."""
    if target_ids:
        for kind in (JobKind.REQUEST_DUE_SOON, JobKind.REQUEST_OVERDUE):
            jobs.cancel(session, kind=kind, subject_ids=target_ids, now=now)
