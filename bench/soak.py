"""Soak: two hub replicas (`hub serve` processes) on one PostgreSQL database, under load on loopback, one
killed with SIGKILL partway through. Bounded in requests and in time; it stops by itself.

Each request is an authorised, audited read with a request id of its own. The client balances over the
replicas and, when one stops answering, sends the next attempt to the other (as a load balancer would),
with a new request id. At the end every answer that returned data must have its audit events on the
ledger (none lost, none unaudited), and the chain must verify whole.

Run: `make soak` or `.venv/bin/python bench/soak.py [--requests N] [--seconds S] [--concurrency C]`.
Needs PostgreSQL (HUB_TEST_POSTGRES_URL, or 127.0.0.1:5432). Prints requests, errors, p50/p95/p99 and
audit events; exits 1 when anything was lost or unaudited.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from hub.audit.coverage import Coverage

HUB = str(Path(sys.executable).parent / "hub")
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
QUERY = "query($id: ID!) { child(id: $id) { givenName records(first: 5) { totalCount } } }"


@dataclass
class Attempt:
    request_id: str
    replica: int
    status: int | None  # None: no answer (connection refused or dropped)
    seconds: float


@dataclass
class Outcome:
    attempts: list[Attempt] = field(default_factory=list)
    unaudited: list[str] = field(default_factory=list)
    audit_events: int = 0
    chain: str = ""
    killed_at: int = 0

    @property
    def answered(self) -> list[Attempt]:
        return [a for a in self.attempts if a.status == 200]

    @property
    def errors(self) -> int:
        return len(self.attempts) - len(self.answered)

    def percentile(self, fraction: float) -> float:
        times = sorted(a.seconds for a in self.answered)
        if not times:
            return float("nan")
        return times[min(len(times) - 1, int(fraction * len(times)))] * 1000

    def report(self) -> str:
        return (f"requests={len(self.attempts)} answered={len(self.answered)} errors={self.errors} "
                f"p50={self.percentile(0.50):.1f}ms p95={self.percentile(0.95):.1f}ms "
                f"p99={self.percentile(0.99):.1f}ms audit_events={self.audit_events} "
                f"killed_replica_after={self.killed_at} lost_or_unaudited={len(self.unaudited)} chain={self.chain}")

    @property
    def ok(self) -> bool:
        return not self.unaudited and self.chain.startswith("intact") and bool(self.answered)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    name = f"hub_soak_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str, key_dir: Path) -> None:
    from hub.bootstrap import bootstrap
    from hub.demo import seed
    from hub.migrate import upgrade
    from hub.settings import Settings
    from hub.storage.unit_of_work import UnitOfWork

    upgrade(url)
    hub = bootstrap(replace(Settings.from_env({}), database_url=url, key_dir=key_dir))
    with UnitOfWork(hub.session_factory) as uow:
        seed(uow.session, children=5)
        uow.commit()
    hub.dispose()


@contextmanager
def replicas(url: str, key_dir: Path, logs: Path,
             count: int = 2) -> Iterator[list[tuple[subprocess.Popen[bytes], str]]]:
    running = []
    for n in range(count):
        port = free_port()
        env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_KEY_DIR": str(key_dir), "HUB_PORT": str(port),
               "HUB_LOG_FORMAT": "json", "HUB_CHECKPOINT_EVERY_SECONDS": "5"}
        with (logs / f"replica-{n}.log").open("wb") as log:  # the child keeps its own copy of the handle
            process = subprocess.Popen([HUB, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
        running.append((process, f"http://127.0.0.1:{port}"))
    try:
        for process, base in running:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the replica at {base} did not start (see {logs})")
                time.sleep(0.2)
        yield running
    finally:
        for process, _ in running:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def soak(url: str, key_dir: Path, logs: Path, *, requests: int, seconds: float, concurrency: int,
         coverage: Coverage | None = None) -> Outcome:
    """``coverage``: how verification holds the log to its signing interval (the hub's defaults)."""
    from hub.bootstrap import bootstrap
    from hub.settings import Settings
    from hub.storage import queries
    from hub.storage import tables as t
    from hub.storage.unit_of_work import UnitOfWork

    hub = bootstrap(replace(Settings.from_env({}), database_url=url, key_dir=key_dir))
    with UnitOfWork(hub.session_factory) as uow:
        sam = queries.practitioner_by_email(uow.session, "sam.social@council.northbridge.example")
        assert sam is not None
        token = hub.tokens.issue("practitioner", sam.id, sam.agency_id, datetime.now(UTC))
        child = uow.session.scalar(select(t.Child.id).where(t.Child.given_name == "Amelia"))
        before = uow.session.scalar(select(func.max(t.AuditEvent.seq))) or 0
    outcome = Outcome()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    kill_after = requests // 3
    with replicas(url, key_dir, logs) as running:
        alive = [True] * len(running)
        clients = [httpx.Client(base_url=base, timeout=10) for _, base in running]
        issued = iter(range(requests))

        def one(n: int) -> None:
            replica = n % len(running)
            if not alive[replica]:
                replica = next(i for i, up in enumerate(alive) if up)
            rid = f"soak-{uuid.uuid4().hex}"
            started = time.monotonic()
            try:
                response = clients[replica].post(
                    "/graphql", json={"query": QUERY, "variables": {"id": child}},
                    headers={"Authorization": f"Bearer {token}", "Hub-Purpose": "S47_ENQUIRY",
                             "Hub-Case-Reference": "SOAK-1", "X-Request-Id": rid})
                status: int | None = response.status_code
                if status == 200 and "errors" in response.json():
                    status = 299  # answered, but not with data: counted as an error
            except httpx.TransportError:
                status = None
            with lock:
                outcome.attempts.append(Attempt(rid, replica, status, time.monotonic() - started))
                done = len(outcome.attempts)
                if done == kill_after and alive[0]:
                    running[0][0].send_signal(signal.SIGKILL)  # mid-load, no warning: as a crash would
                    alive[0] = False
                    outcome.killed_at = done

        def worker() -> None:
            while time.monotonic() < stop_at:
                with lock:
                    n = next(issued, None)
                if n is None:
                    return
                one(n)

        with ThreadPoolExecutor(concurrency) as pool:
            for _ in range(concurrency):
                pool.submit(worker)
        for client in clients:
            client.close()
    with UnitOfWork(hub.session_factory) as uow:
        audited = set(uow.session.scalars(select(t.AuditEvent.request_id).where(
            t.AuditEvent.seq > before, t.AuditEvent.request_id.like("soak-%"))))
        outcome.audit_events = (uow.session.scalar(select(func.max(t.AuditEvent.seq))) or 0) - before
    outcome.unaudited = [a.request_id for a in outcome.answered if a.request_id not in audited]
    from hub.audit.verify import verify_database

    report = verify_database(hub.engine, hub.keys.public_keys().values(), hub.settings.audit_origin,
                             stale_after=timedelta(days=1), coverage=coverage)
    outcome.chain = (f"intact ({report.events} events)" if report.intact
                     else f"BROKEN at {report.first_bad}: {report.problem}")
    hub.dispose()
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    server = os.environ.get("HUB_TEST_POSTGRES_URL", DEFAULT_SERVER)
    with tempfile.TemporaryDirectory(prefix="hub-soak-") as scratch, fresh_database(server) as url:
        key_dir, logs = Path(scratch) / "keys", Path(scratch)
        print("preparing a fresh PostgreSQL database and the demo ...", flush=True)
        prepare(url, key_dir)
        print(f"two replicas, {args.concurrency} clients, {args.requests} requests or {args.seconds:.0f} s; "
              "one replica killed with SIGKILL a third of the way", flush=True)
        outcome = soak(url, key_dir, logs, requests=args.requests, seconds=args.seconds,
                       concurrency=args.concurrency)
    print(outcome.report())
    if not outcome.ok:
        print(f"FAILED: {len(outcome.unaudited)} answered request(s) without audit events; chain {outcome.chain}")
        return 1
    print("zero lost, zero unaudited")
    return 0


if __name__ == "__main__":
    sys.exit(main())
