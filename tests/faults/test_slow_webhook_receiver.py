"""A slow webhook receiver (a real loopback server) and two workers: each job's lease is held for its own
delivery, not for a batch, so no notification is posted twice; and every attempt is on the ledger."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import select

from hub.access.request import open_request
from hub.access.system import OPERATOR, System
from hub.audit.entry import Verdict
from hub.bootstrap import Hub, bootstrap
from hub.domain.workflow import Workflow
from hub.storage import jobs
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from hub.worker import operations
from hub.worker.runner import Worker
from tests.faults.loopback import SlowReceiver
from tests.integration.conftest import Storage

NOTIFICATIONS = 6
DELAY = 0.4  # the receiver's answer time: six take 2.4 s, past a batch's 1 s lease


def queue_notifications(storage: Storage, hub: Hub, url: str) -> list[str]:
    now = datetime.now(UTC)
    with UnitOfWork(storage.factory) as uow:
        agency = t.Agency(kind="POLICE", official_code="NB01", name="Northbridge Police",
                          office_hours_phone="0", out_of_hours_phone="0", email="police@example.invalid")
        uow.session.add(agency)
        uow.commit()
    with open_request(hub.gateway, request_id="test-endpoint") as request:  # as `hub webhooks add` does
        endpoint_id = operations.add_endpoint(request.as_system(System(OPERATOR, "test")), "NB01", url, now)
        request.commit()
    with UnitOfWork(storage.factory) as uow:
        session = uow.session
        ids = []
        for n in range(NOTIFICATIONS):
            notification = t.Notification(kind="REQUEST_RECEIVED", recipient_agency_id=agency.id,
                                          summary=f"notification {n}", dedupe_key=f"slow-{n}", created_at=now)
            session.add(notification)
            session.flush()
            jobs.schedule(session, kind=jobs.JobKind.WEBHOOK, subject_id=notification.id, run_at=now, now=now,
                          key=f"WEBHOOK:{endpoint_id}:{notification.id}", payload={"endpoint_id": endpoint_id})
            ids.append(notification.id)
        uow.commit()
    return ids


def test_a_slow_receiver_is_never_posted_twice_and_every_attempt_is_audited(storage: Storage) -> None:
    hub = bootstrap(storage.settings)
    settings = replace(hub.settings.workflow, worker_lease_seconds=1, webhook_timeout_seconds=0.9)
    with SlowReceiver(DELAY) as receiver:
        ids = queue_notifications(storage, hub, receiver.url)
        workers = [Worker(storage.factory, hub.keys, Workflow(), settings, owner) for owner in ("first", "second")]

        def work(worker: Worker) -> None:
            until = time.monotonic() + NOTIFICATIONS * DELAY + 2
            while time.monotonic() < until:
                if worker.run_once() == 0:
                    time.sleep(0.05)

        threads = [threading.Thread(target=work, args=(worker,)) for worker in workers]
        threads[0].start()
        time.sleep(0.2)  # the first takes the whole batch; the second waits for leases to run out
        threads[1].start()
        for thread in threads:
            thread.join()
        for worker in workers:
            worker.close()
    hub.dispose()
    posted = [post["headers"]["Hub-Delivery-Id"] for post in receiver.posts]
    assert len(posted) == len(set(posted)) == NOTIFICATIONS, f"{len(posted)} posts for {len(set(posted))} jobs"
    with UnitOfWork(storage.factory) as uow:
        done = uow.session.scalars(select(t.Job.status).where(t.Job.kind == jobs.JobKind.WEBHOOK)).all()
        events = uow.session.scalars(select(t.AuditEvent).where(
            t.AuditEvent.resource_type == "notification").order_by(t.AuditEvent.seq)).all()
        uow.session.expunge_all()
    assert set(done) == {"DONE"}
    attempts = [e for e in events if e.action == "deliver_attempt"]
    assert sorted(e.request_id for e in attempts) == sorted(f"job-{job}" for job in posted)  # one per POST
    delivered = [e for e in events if e.action == "deliver"]
    assert sorted(e.resource_id for e in delivered) == sorted(ids)
    assert all(e.decision == Verdict.ALLOW for e in events)
