"""Helpers for the request and notification tests: a clock the test moves, and a hub of its own (a fresh,
migrated, demo-seeded database behind a live server), so that walking the clock to another day cannot bring
another test's expired grant back to life."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from hub.bootstrap import Hub, bootstrap
from hub.demo import seed
from hub.migrate import upgrade
from hub.policy import Policy
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from hub.worker.runner import Worker
from tests.api import Caller, as_practitioner
from tests.conftest import LiveServer, make_settings
from tests.databases import fresh_postgres_database, sqlite_url

LONDON = ZoneInfo("Europe/London")

MIA = "mia.mash@council.northbridge.example"
SAM = "sam.social@council.northbridge.example"
LOU = "lou.lead@council.northbridge.example"
PAT = "pat.police@police.northbridge.example"
MAX = "max.lead@police.northbridge.example"
HANA = "hana.health@nhs.northbridge.example"
NIA = "nia.lead@nhs.northbridge.example"
ULA = "ula.urgent@nhs.northbridge.example"
DEE = "dee.dsl@primary.northbridge.example"
DEB = "deb.deputy@primary.northbridge.example"
DAN = "dan.dsl@academy.northbridge.example"
SUE = "sue.social@council.southvale.example"
PAULA = "paula.partnership@council.northbridge.example"
IAN = "ian.ig@council.northbridge.example"


class FakeClock:
    """What "now" is for the hub under test; thread-safe, because the server answers in worker threads."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@contextmanager
def own_database(backend: str, directory: Path, key_dir: Path, postgres_server: str | None) -> Iterator[str]:
    with ExitStack() as stack:
        if backend == "sqlite":
            url = sqlite_url(directory)
        else:
            assert postgres_server is not None
            url = stack.enter_context(fresh_postgres_database(postgres_server))
        upgrade(url)
        seeder = bootstrap(make_settings(url, key_dir))
        with UnitOfWork(seeder.session_factory) as uow:
            seed(uow.session, children=20)
            uow.commit()
        seeder.dispose()
        yield url


@dataclass
class World:
    """A hub of the test's own, its clock, its server and an HTTP client."""

    hub: Hub
    clock: FakeClock
    http: httpx.Client

    def caller(self, email: str, purpose: str, case_reference: str = "MASH-2026-0521") -> Caller:
        return as_practitioner(self.hub, self.http, email, purpose, case_reference)

    def worker(self, owner: str = "test-worker", batch: int = 50, policy: Policy | None = None,
               **changes: Any) -> Worker:
        """A worker on this hub's database and clock (and policy, unless given); ``changes`` override its
        workflow settings."""
        settings = replace(self.hub.settings.workflow, **changes)
        return Worker(self.hub.session_factory, self.hub.keys, self.hub.workflow, settings, owner, clock=self.clock,
                      batch=batch, policy=policy or self.hub.policy)

    def child(self, given: str, family: str) -> str:
        with UnitOfWork(self.hub.session_factory) as uow:
            child_id = uow.session.scalar(select(t.Child.id).where(t.Child.given_name == given,
                                                                   t.Child.family_name == family))
        assert child_id
        return child_id

    def agency(self, name: str) -> str:
        with UnitOfWork(self.hub.session_factory) as uow:
            agency_id = uow.session.scalar(select(t.Agency.id).where(t.Agency.name.startswith(name)))
        assert agency_id, name
        return agency_id

    def audit(self, request_id: str) -> list[dict[str, Any]]:
        from tests.api import audit_rows

        return audit_rows(self.hub, request_id)

    def rows(self, statement: Any) -> list[Any]:
        """ORM rows, detached with their loaded values (the unit of work rolls back on leaving)."""
        with UnitOfWork(self.hub.session_factory) as uow:
            found = list(uow.session.scalars(statement).all())
            uow.session.expunge_all()
            return found


@contextmanager
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, start: datetime) -> Iterator[World]:
    backend = request.param
    server_url = request.getfixturevalue("postgres_server") if backend == "postgresql" else None
    key_dir = tmp_path_factory.mktemp("keys")
    clock = FakeClock(start)
    with own_database(backend, tmp_path_factory.mktemp("db"), key_dir, server_url) as url:
        settings = make_settings(url, key_dir)
        # Subscriptions poll the database; a fifth of a second keeps the tests quick.
        settings = replace(settings, workflow=replace(settings.workflow, subscription_poll_seconds=0.2))
        hub = replace(bootstrap(settings), clock=clock)
        try:
            with LiveServer(hub) as live, httpx.Client(base_url=live.url, timeout=30) as http:
                yield World(hub, clock, http)
        finally:
            hub.dispose()
