"""Databases of a test's own, for tests that tamper with them, break them or need a known state."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hub.audit import ledger
from hub.audit.entry import AuditEntry, Verdict
from hub.bootstrap import Hub, bootstrap, open_storage
from hub.demo import seed
from hub.migrate import upgrade
from hub.settings import Settings
from hub.storage.unit_of_work import UnitOfWork
from tests.conftest import BACKENDS, LiveServer, make_settings
from tests.databases import fresh_postgres_database, sqlite_url


@pytest.fixture(params=BACKENDS)
def own_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for this test alone: it may drop triggers and rewrite rows."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path)
        upgrade(url)
        yield url
        return
    with fresh_postgres_database(request.getfixturevalue("postgres_server")) as url:
        upgrade(url)
        yield url


@pytest.fixture
def own_settings(own_database: str, tmp_path: Path) -> Settings:
    """Checkpoints every 5 events, so a few dozen events have several."""
    return replace(make_settings(own_database, tmp_path / "keys"), checkpoint_every_events=5,
                   checkpoint_every_seconds=3600)


class Storage:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine: Engine
        self.factory: sessionmaker[Session]
        self.engine, self.factory, self.keys = open_storage(settings)

    def append(self, count: int, per_transaction: int = 5, child_id: str = "child-1") -> None:
        """``count`` events through the real ledger, ``per_transaction`` to a transaction."""
        for start in range(0, count, per_transaction):
            with UnitOfWork(self.factory) as uow:
                ledger.append(uow.session, [
                    AuditEntry(occurred_at=datetime.now(UTC), request_id=f"req-{start}", action="read",
                               resource_type="record", resource_id=f"record-{n}", child_id=child_id,
                               decision=Verdict.ALLOW, fields=("summary",), reason=f"event {n + 1}")
                    for n in range(start, min(start + per_transaction, count))
                ])
                uow.commit()

    def env(self) -> dict[str, str]:
        return {"HUB_DATABASE_URL": self.settings.database_url, "HUB_KEY_DIR": str(self.settings.key_dir),
                "HUB_CHECKPOINT_EVERY_EVENTS": str(self.settings.checkpoint_every_events),
                "HUB_CHECKPOINT_EVERY_SECONDS": str(self.settings.checkpoint_every_seconds)}


@pytest.fixture
def storage(own_settings: Settings) -> Iterator[Storage]:
    opened = Storage(own_settings)
    yield opened
    opened.engine.dispose()


def seeded_hub(settings: Settings, children: int = 5) -> Hub:
    """A hub over ``settings``' database, the demo seeded with a few synthetic children besides the named."""
    hub = bootstrap(settings)
    with UnitOfWork(hub.session_factory) as uow:
        seed(uow.session, children=children)
        uow.commit()
    return hub


@pytest.fixture
def own_hub(own_settings: Settings) -> Iterator[Hub]:
    hub = seeded_hub(own_settings)
    yield hub
    hub.dispose()


@pytest.fixture
def own_http(own_hub: Hub) -> Iterator[httpx.Client]:
    with LiveServer(own_hub) as live, httpx.Client(base_url=live.url, timeout=30) as client:
        yield client
