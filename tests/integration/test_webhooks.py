"""Signed webhooks against real HTTP servers on 127.0.0.1, started by the test: one that answers, one that
hangs and one that fails. Deliveries are signed (Ed25519 over the body, key id in a header), retried with
exponential backoff, dead-lettered after the last attempt, listed and replayed by an operator."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select, update
from typer.testing import CliRunner

from hub.access.request import open_request
from hub.access.system import OPERATOR, System
from hub.cli import app
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from hub.worker import operations
from tests.conftest import BACKENDS
from tests.integration.test_information_requests import ask, payload
from tests.workflow import MIA, london, world


class AgencySystem:
    """A small HTTP server standing in for an agency's system: it answers, hangs or fails, as told."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.answered: list[tuple[str, int]] = []  # (notification kind, status) of each delivery taken
        self.release = threading.Event()
        system = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if system.behaviour == "hang":
                    system.release.wait(10)
                    return
                system.received.append((dict(self.headers), body))
                status = 500 if system.behaviour == "fail" else 204
                system.answered.append((json.loads(body)["kind"], status))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hub-notifications"

    def __enter__(self) -> AgencySystem:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module", params=BACKENDS)
def w(request, tmp_path_factory):
    with world(request, tmp_path_factory, london(2026, 6, 9, 9, 0)) as it:
        yield it


@contextmanager
def endpoints(w, systems: dict[str, AgencySystem]) -> Iterator[None]:
    """Register each agency's system; deactivate them afterwards so no later delivery goes to a closed port."""
    with open_request(w.hub.gateway, request_id="test-endpoints") as request:
        door = request.as_system(System(OPERATOR, "test"))
        for code, system in systems.items():
            operations.add_endpoint(door, code, system.url, w.clock())
        request.commit()
    try:
        yield
    finally:
        with UnitOfWork(w.hub.session_factory) as uow:
            uow.session.execute(update(t.WebhookEndpoint).values(active=False))
            uow.commit()


def verify(w, headers: dict[str, str], body: bytes) -> dict:
    key = w.hub.keys.public_key(headers["Hub-Signature-Key-Id"])
    assert isinstance(key, Ed25519PublicKey)
    signature = base64.urlsafe_b64decode(headers["Hub-Signature"] + "=" * (-len(headers["Hub-Signature"]) % 4))
    key.verify(signature, body)  # raises InvalidSignature if the body or signature were altered
    return json.loads(body)


def dead_letters(w) -> list[operations.DeadLetter]:
    """The dead-letter list, as an operator reads it (a decided, audited read)."""
    with open_request(w.hub.gateway, request_id="test-dead-letters", operation="hub notifications") as request:
        letters = operations.dead_letters(request.as_system(System(OPERATOR, "tester")))
        request.commit()
    return letters


def test_deliveries_are_signed_retried_with_backoff_dead_lettered_and_replayed(w) -> None:
    noah = w.child("Noah", "Price")
    police, nhs, academy = (w.agency("Northbridge Police"), w.agency("Northbridge NHS"),
                            w.agency("Northbridge Academy"))
    with AgencySystem("answer") as answering, AgencySystem("hang") as hanging, AgencySystem("fail") as failing, \
            endpoints(w, {"NB01": answering, "RNB01": hanging, "190002": failing}):
        request_id = payload(ask(w, w.caller(MIA, "MASH_TRIAGE"), noah, [police, nhs, academy], ["MISSING_EPISODE"],
                                 rating="AMBER"), "createInformationRequest")["informationRequest"]["id"]
        worker = w.worker("webhooks", webhook_timeout_seconds=0.5, webhook_max_attempts=3,
                          webhook_backoff_seconds=30)
        worker.run_until_idle()
        # The answering system has the police's "request received", signed by the hub.
        [(headers, body)] = answering.received
        document = verify(w, headers, body)
        assert (document["kind"], document["requestId"], document["recipientRole"]) == (
            "REQUEST_RECEIVED", request_id, "MASH_LEAD")
        assert "childId" in document and "Noah" not in body.decode()  # ids only: content goes through the door
        tampered = body.replace(b"REQUEST_RECEIVED", b"REQUEST_ANSWERED")
        with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidSignature
            verify(w, headers, tampered)
        # The hanging one timed out and the failing one answered 500: each retried after 30 s, then 60 s.
        jobs = {job.payload["endpoint_id"]: job for job in w.rows(select(t.Job).where(t.Job.kind == "WEBHOOK"))}
        failures = sorted((job.attempts, job.last_error, job.status) for job in jobs.values() if job.last_error)
        assert failures == [(1, "HTTP 500", "PENDING"), (1, "timed out", "PENDING")]
        assert len(failing.received) == 1
        worker.run_until_idle()
        assert len(failing.received) == 1  # not before the backoff
        w.clock.advance(timedelta(seconds=31))
        worker.run_until_idle()
        assert len(failing.received) == 2
        w.clock.advance(timedelta(seconds=31))
        worker.run_until_idle()
        assert len(failing.received) == 2  # the second wait is 60 s
        w.clock.advance(timedelta(seconds=30))
        worker.run_until_idle()
        assert len(failing.received) == 3
        # Three attempts each: both on the dead-letter list, with why.
        letters = dead_letters(w)
        assert sorted((letter.url, letter.attempts, letter.last_error) for letter in letters) == sorted([
            (failing.url, 3, "HTTP 500"), (hanging.url, 3, "timed out")])
        # The operator lists them and, once the academy's system is mended, replays them.
        env = {"HUB_DATABASE_URL": w.hub.settings.database_url, "HUB_KEY_DIR": str(w.hub.settings.key_dir)}
        listed = CliRunner().invoke(app, ["notifications", "deadletters", "list"], env=env)
        assert listed.exit_code == 0 and failing.url in listed.output and "HTTP 500" in listed.output
        failing.behaviour = "answer"
        academy_letter = next(letter for letter in letters if letter.url == failing.url)
        replayed = CliRunner().invoke(app, ["notifications", "deadletters", "replay", academy_letter.job_id], env=env)
        assert replayed.exit_code == 0 and "queued again" in replayed.output
        # The CLI queued it for the real "now", later than this test's clock: catch the clock up. (The request's
        # own timers fire too, and their notifications are delivered to the mended system as well.)
        w.clock.set(datetime.now(UTC) + timedelta(seconds=1))
        worker.run_until_idle()
        worker.close()
        assert ("REQUEST_RECEIVED", 204) in failing.answered
        document = verify(w, *failing.received[failing.answered.index(("REQUEST_RECEIVED", 204))])
        assert (document["kind"], document["recipientRole"]) == ("REQUEST_RECEIVED", "DSL")
    assert {letter.url for letter in dead_letters(w)} == {hanging.url}
    actions = [e.action for e in w.rows(select(t.AuditEvent).where(t.AuditEvent.resource_id.in_(
        [academy_letter.notification_id, academy_letter.job_id])).order_by(t.AuditEvent.seq))]
    # Each attempt is on the ledger before its POST, and its outcome after.
    assert actions == ["deliver_attempt", "deliver_failed", "deliver_attempt", "deliver_failed", "deliver_attempt",
                       "dead_letter", "replay_delivery", "deliver_attempt", "deliver"]
