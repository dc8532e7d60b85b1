"""Shared fixtures: a migrated, seeded hub on SQLite and on PostgreSQL, served over real HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import select

from hub.app import create_app
from hub.bootstrap import Hub, bootstrap
from hub.demo import seed
from hub.door import Clock, utc_now
from hub.migrate import upgrade
from hub.settings import Settings
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.databases import fresh_postgres_database, postgres_server_url, sqlite_url

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def make_settings(database_url: str, key_dir: Path) -> Settings:
    return replace(Settings.from_env({}), database_url=database_url, key_dir=key_dir)


@pytest.fixture(scope="session")
def postgres_server() -> str:
    url = postgres_server_url()
    if url is None:
        pytest.skip("no PostgreSQL server answers at 127.0.0.1:5432 and HUB_TEST_POSTGRES_URL is not set")
    return url


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One key directory for the session: the hub that seeds a database must be able to open what it sealed."""
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                 key_dir: Path) -> Iterator[str]:
    """A migrated, demo-seeded database, shared by the session's tests on that backend."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = sqlite_url(tmp_path_factory.mktemp("sqlite"))
        else:
            server = request.getfixturevalue("postgres_server")
            url = stack.enter_context(fresh_postgres_database(server))
        upgrade(url)
        hub = bootstrap(make_settings(url, key_dir))
        with UnitOfWork(hub.session_factory) as uow:
            seed(uow.session)
            uow.commit()
        hub.dispose()
        yield url


@pytest.fixture(scope="session")
def hub(database_url: str, key_dir: Path) -> Iterator[Hub]:
    instance = bootstrap(make_settings(database_url, key_dir))
    yield instance
    instance.dispose()


class LiveServer:
    """The real ASGI app under uvicorn on a loopback port, in a background thread."""

    def __init__(self, hub: Hub, clock: Clock = utc_now) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(create_app(hub, clock=clock), host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def server(hub: Hub) -> Iterator[LiveServer]:
    with LiveServer(hub) as live:
        yield live


@pytest.fixture(scope="session")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def demo(hub: Hub) -> DemoIds:
    return DemoIds(hub)


class DemoIds:
    """Looks up demo children and practitioners by name, as a tester would by hand."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def child(self, given: str, family: str) -> str:
        with UnitOfWork(self.hub.session_factory) as uow:
            child_id = uow.session.scalar(
                select(t.Child.id).where(t.Child.given_name == given, t.Child.family_name == family)
            )
        assert child_id, f"no demo child {given} {family}"
        return child_id

    def nhs_number(self, child_id: str) -> str:
        with UnitOfWork(self.hub.session_factory) as uow:
            child = uow.session.get(t.Child, child_id)
            assert child is not None and child.nhs_number
            return child.nhs_number

    def agency(self, name: str) -> str:
        with UnitOfWork(self.hub.session_factory) as uow:
            agency_id = uow.session.scalar(select(t.Agency.id).where(t.Agency.name == name))
        assert agency_id
        return agency_id
