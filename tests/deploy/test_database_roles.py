"""The hub runs as a role that cannot rewrite history: hub_app may append to the audit chain and to record
versions, and read them, but PostgreSQL refuses it UPDATE, DELETE and TRUNCATE there, and it owns nothing,
so it cannot drop or disable the append-only triggers either. The hub itself works as that role."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from psycopg import errors
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from hub.audit import ledger
from hub.audit.entry import AuditEntry, Verdict
from hub.bootstrap import bootstrap
from hub.demo import seed
from hub.storage.unit_of_work import UnitOfWork
from tests.conftest import LiveServer, make_settings
from tests.deploy.roles import Deployment, deployed_database

pytestmark = pytest.mark.postgres

APPEND_ONLY = ["audit_events", "audit_checkpoints", "record_versions"]
REFUSED = {
    "UPDATE": "UPDATE {table} SET {column} = {column}",
    "DELETE": "DELETE FROM {table}",
    "TRUNCATE": "TRUNCATE {table}",
    "DROP TRIGGER": "DROP TRIGGER {table}_append_only ON {table}",
    "DISABLE TRIGGER": "ALTER TABLE {table} DISABLE TRIGGER ALL",
    "DROP TABLE": "DROP TABLE {table}",
}
SOME_COLUMN = {"audit_events": "reason", "audit_checkpoints": "note", "record_versions": "summary"}


@pytest.fixture(scope="module")
def deployment(postgres_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    with deployed_database(postgres_server) as deployed:
        keys = tmp_path_factory.mktemp("role-keys")
        hub = bootstrap(make_settings(deployed.app_url, keys))  # seeded by the runtime role itself
        with UnitOfWork(hub.session_factory) as uow:
            seed(uow.session, children=5)
            ledger.append(uow.session, [AuditEntry(
                occurred_at=datetime.now(UTC), request_id="roles-test", action="token",
                resource_type="practitioner", resource_id=None, decision=Verdict.ALLOW, reason="roles test")])
            ledger.checkpoint_now(uow.session)
            uow.commit()
        hub.dispose()
        yield deployed


@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize("change", list(REFUSED))
def test_the_runtime_role_is_refused_changes_to_history(deployment: Deployment, table: str, change: str) -> None:
    engine = create_engine(deployment.app_url)
    statement = REFUSED[change].format(table=table, column=SOME_COLUMN[table])
    with engine.connect() as connection, pytest.raises(ProgrammingError) as refused:
        connection.execute(text(statement))
    engine.dispose()
    # Refused by the database's privileges, before any trigger runs: not "append-only" from a trigger.
    assert isinstance(refused.value.orig, errors.InsufficientPrivilege), refused.value


def test_the_owner_could_and_the_triggers_still_stop_it(deployment: Deployment) -> None:
    """The privileges are the second wall: for the owner (who migrates) the triggers still refuse."""
    engine = create_engine(deployment.owner_url)
    with engine.connect() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("UPDATE audit_events SET reason = 'rewritten'"))
    engine.dispose()


def test_the_runtime_role_appends_and_reads(deployment: Deployment) -> None:
    engine = create_engine(deployment.app_url)
    with engine.connect() as connection:
        privileges = {
            table: connection.scalar(text(f"SELECT has_table_privilege(current_user, '{table}', 'INSERT')"))
            for table in APPEND_ONLY
        }
        events = connection.scalar(text("SELECT count(*) FROM audit_events"))
        owns = connection.scalar(text("SELECT count(*) FROM pg_tables WHERE tableowner = current_user"))
    engine.dispose()
    assert privileges == dict.fromkeys(APPEND_ONLY, True)
    assert events and events > 0
    assert owns == 0


def test_the_hub_serves_as_the_runtime_role(deployment: Deployment, tmp_path: Path) -> None:
    """A real request through the HTTP API, decided, audited and answered, as hub_app."""
    hub = bootstrap(make_settings(deployment.app_url, tmp_path / "keys"))
    try:
        with LiveServer(hub) as live, httpx.Client(base_url=live.url, timeout=30) as client:
            assert client.get("/readyz").status_code == 200
            token = client.post("/oauth/token", data={
                "grant_type": "client_credentials", "client_id": "northbridge-police-records",
                "client_secret": "demo-police-secret"}).json()["access_token"]
            answer = client.post("/graphql", json={"query": "{ me { name } }"}, headers={
                "Authorization": f"Bearer {token}", "Hub-On-Behalf-Of": "pat.police@police.northbridge.example"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"]["me"]["name"] == "Pat Police"
    finally:
        hub.dispose()
