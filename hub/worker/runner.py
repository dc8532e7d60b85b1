"""The worker loop: take due jobs under a lease, carry each out, and finish it in the same transaction as
its effects (hub.storage.jobs says why that gives exactly-once escalations). Its clock is injected, so tests
walk through deadlines without waiting."""

from __future__ import annotations

import logging
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from sqlalchemy.orm import Session, sessionmaker

from hub.access.request import Gateway, RequestScope, open_request
from hub.access.system import WORKER, System
from hub.domain.workflow import Workflow
from hub.door import Clock, Subject, utc_now
from hub.keys import KeyStore
from hub.policy import Policy
from hub.reference import ReferenceData
from hub.settings import Settings, WorkflowSettings
from hub.storage import jobs
from hub.storage import tables as t
from hub.storage.jobs import ClaimedJob, JobKind
from hub.worker import webhooks
from hub.worker.timers import HANDLERS, NOTICE

log = logging.getLogger("hub.worker")


@dataclass
class Worker:
    session_factory: sessionmaker[Session]
    keys: KeyStore
    workflow: Workflow
    settings: WorkflowSettings
    owner: str
    clock: Clock = utc_now
    batch: int = 50
    policy: Policy | None = None  # the hub's loaded policy; the default policy files when not given
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        timeout = self.settings.webhook_timeout_seconds
        if self.settings.worker_lease_seconds <= timeout:
            raise ValueError("A job's lease must outlast a webhook's timeout, or a slow delivery is posted twice.")
        self.http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)), follow_redirects=False)
        self.system = System(WORKER, self.owner)
        policy = self.policy or Policy(Settings.from_env({}).policy_dir)
        self.gateway = Gateway(self.session_factory, policy, ReferenceData(), self.clock)

    def close(self) -> None:
        self.http.close()

    def run_once(self) -> int:
        """Take the due jobs (up to a batch) and carry them out; how many were taken."""
        claimed = self.claim()
        for job in claimed:
            if job.kind == JobKind.WEBHOOK:
                self._deliver(job)
            else:
                self._fire(job)
        return len(claimed)

    def run_until_idle(self, rounds: int = 100) -> int:
        done = 0
        for _ in range(rounds):
            taken = self.run_once()
            done += taken
            if taken == 0:
                break
        return done

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                taken = self.run_once()
            except Exception as error:  # a database restart must not end the worker: log, wait, go on
                log.error("worker round failed: %s", type(error).__name__)
                taken = 0
            if taken == 0:
                stop.wait(self.settings.worker_poll_seconds)

    def _job(self, request_id: str) -> AbstractContextManager[RequestScope]:
        return open_request(self.gateway, request_id=request_id, operation="worker")

    def claim(self) -> list[ClaimedJob]:
        with self._job(f"claim-{self.owner}") as request:
            door = request.as_system(self.system)
            claimed = door.query(jobs.claim, self.owner, self.clock(),
                                 timedelta(seconds=self.settings.worker_lease_seconds), self.batch)
            request.commit()
        return claimed

    def _fire(self, job: ClaimedJob) -> None:
        now = self.clock()
        try:
            with self._job(f"job-{job.id}") as request:
                door = request.as_system(self.system)
                if not door.query(jobs.finish, job, now):
                    return  # our lease ran out and another worker has the job: it does it, we do nothing
                HANDLERS[job.kind](door, job, now, self.workflow)
                request.commit()
        except Exception as error:  # keep the job, and try again later rather than never
            log.error("job %s (%s) failed: %s", job.id, job.kind, type(error).__name__)
            self._record_failure(job, type(error).__name__)

    def _deliver(self, job: ClaimedJob) -> None:
        """One delivery: its lease renewed and the attempt on the ledger before the POST, the outcome after.

        The POST happens outside any transaction (a slow endpoint holds no lock), under a lease renewed for
        this job alone, so no other worker can take it and post it again while this one waits."""
        now = self.clock()
        attempt = job.attempts + 1
        with self._job(f"job-{job.id}") as request:
            door = request.as_system(self.system)
            if not door.query(jobs.renew, job, now, timedelta(seconds=self.settings.worker_lease_seconds)):
                return  # our lease ran out before we reached the job, and another worker has it
            endpoint = door.get(t.WebhookEndpoint, job.payload.get("endpoint_id", ""))
            notification = door.get(t.Notification, job.subject_id)
            url = endpoint.url if endpoint and endpoint.active else None
            payload = webhooks.body(notification) if notification else b""
            child_id = notification.child_id if notification else None
            subject = Subject("notification", job.subject_id, child_id)
            error = None if url is not None else "the endpoint was removed or deactivated"
            if url is not None and not door.decide("deliver_attempt", NOTICE, subject,
                                                   f"attempt {attempt} to {url}").allowed:
                url, error = None, "the policy refuses the worker this delivery"
            request.commit()
        if url is not None:
            try:
                webhooks.post(self.http, url, payload, webhooks.signed_headers(self.keys, payload, job.id))
            except webhooks.DeliveryError as failure:
                error = str(failure)
        now = self.clock()
        with self._job(f"job-{job.id}") as request:
            door = request.as_system(self.system)
            if error is None:
                kept, action, reason = door.query(jobs.finish, job, now), "deliver", f"delivered to {url}"
            elif url is None or attempt >= self.settings.webhook_max_attempts:
                kept, action = door.query(jobs.dead_letter, job, now, error), "dead_letter"
                reason = f"attempt {attempt} failed ({error}): on the dead-letter list"
            else:
                at = now + webhooks.backoff(attempt, self.settings.webhook_backoff_seconds)
                kept, action = door.query(jobs.retry, job, now, at, error), "deliver_failed"
                reason = f"attempt {attempt} failed ({error}); next at {at.isoformat()}"
            if not kept:  # the attempt happened all the same: its outcome stays on the ledger
                reason += "; the job's lease had passed to another worker"
            door.decide(action, NOTICE, subject, reason)
            request.commit()

    def _record_failure(self, job: ClaimedJob, error: str) -> None:
        now = self.clock()
        with self._job(f"job-{job.id}") as request:
            door = request.as_system(self.system)
            if door.query(jobs.retry, job, now, now + webhooks.backoff(job.attempts + 1, 30), error):
                request.commit()
