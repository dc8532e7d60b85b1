"""The README's operations, done as it says: a backup restored into a fresh database verifies (the restore
drill), and keys rotated while a hub serves leave what was sealed and signed before readable."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from hub.bootstrap import Hub, bootstrap
from hub.demo import seed
from hub.door import utc_now
from hub.storage import queries
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.conftest import LiveServer, make_settings
from tests.deploy.roles import SQL, Deployment, deployed_database, libpq, psql

pytestmark = pytest.mark.postgres

HUB = Path(sys.executable).parent / "hub"
SAM = "sam.social@council.northbridge.example"
AMELIA_RECORDS = """query($id: ID!) { child(id: $id) { records { edges { node { category summary detail } } } } }"""
WHY = {"Hub-Purpose": "S47_ENQUIRY", "Hub-Case-Reference": "S47-2026-1"}


def hub_command(*args: str, database_url: str, key_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HUB_DATABASE_URL": database_url, "HUB_KEY_DIR": str(key_dir)}
    return subprocess.run([str(HUB), *args], capture_output=True, text=True, env=environment, timeout=300)


def seeded_hub(deployment: Deployment, key_dir: Path) -> Hub:
    # A checkpoint every few events, so the backup holds many signed checkpoints to verify.
    hub = bootstrap(replace(make_settings(deployment.app_url, key_dir), checkpoint_every_events=5))
    with UnitOfWork(hub.session_factory) as uow:
        seed(uow.session, children=20)
        uow.commit()
    return hub


def read_amelia(client: httpx.Client, token: str, child_id: str) -> dict[str, str | None]:
    answer = client.post("/graphql", json={"query": AMELIA_RECORDS, "variables": {"id": child_id}},
                         headers={"Authorization": f"Bearer {token}", **WHY})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body
    return {edge["node"]["category"]: edge["node"]["detail"] for edge in body["data"]["child"]["records"]["edges"]}


def token_for(hub: Hub, email: str) -> str:
    with UnitOfWork(hub.session_factory) as uow:
        practitioner = queries.practitioner_by_email(uow.session, email)
        assert practitioner is not None
        return hub.tokens.issue("practitioner", practitioner.id, practitioner.agency_id, utc_now())


def amelia(hub: Hub) -> str:
    with UnitOfWork(hub.session_factory) as uow:
        child_id = uow.session.scalar(queries.select_child_id_by_name("Amelia", "Hart"))
    assert child_id
    return child_id


@pytest.fixture
def deployment(postgres_server: str) -> Iterator[Deployment]:
    with deployed_database(postgres_server) as deployed:
        yield deployed


def test_restore_drill(deployment: Deployment, postgres_server: str, tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not installed (Debian's postgresql-client)")
    key_dir = tmp_path / "keys"
    hub = seeded_hub(deployment, key_dir)
    try:  # accesses through the API: audit events, and checkpoints signed as they fall due
        with LiveServer(hub) as live, httpx.Client(base_url=live.url, timeout=30) as client:
            token, child_id = token_for(hub, SAM), amelia(hub)
            for _ in range(6):
                before = read_amelia(client, token, child_id)
    finally:
        hub.dispose()
    backup = tmp_path / "hub.dump"
    # The backup, as the README takes it: the owner dumps; the key directory is backed up on its own.
    subprocess.run(["pg_dump", "--format=custom", "--file", str(backup), libpq(deployment.owner_url)], check=True)

    restored_db = f"{make_url(deployment.owner_url).database}_restored"
    psql(postgres_server, "-v", f"db={restored_db}", "-v", f"owner={deployment.owner}", "-v",
         f"app={deployment.app}", "-v", "owner_password=owner-test-password", "-v",
         "app_password=app-test-password", "-f", str(SQL / "roles.sql"))
    restored_owner = make_url(deployment.owner_url).set(database=restored_db).render_as_string(hide_password=False)
    restored_app = make_url(deployment.app_url).set(database=restored_db).render_as_string(hide_password=False)
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", libpq(restored_owner),
                        str(backup)], check=True)
        psql(restored_owner, "-v", f"app={deployment.app}", "-f", str(SQL / "grants.sql"))

        verified = hub_command("audit", "verify", database_url=restored_app, key_dir=key_dir)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert verified.stdout.startswith("intact: ")
        counts = []
        for url in (deployment.owner_url, restored_owner):
            engine = create_engine(url)
            with engine.connect() as connection:
                counts.append((connection.scalar(select(func.count()).select_from(t.AuditEvent)),
                               connection.scalar(select(func.count()).select_from(t.AuditCheckpoint))))
            engine.dispose()
        assert counts[0] == counts[1] and counts[0][1] >= 2, counts
        # The restored hub serves, and opens what was sealed before the backup, with the backed-up keys.
        restored = bootstrap(make_settings(restored_app, key_dir))
        try:
            with LiveServer(restored) as live, httpx.Client(base_url=live.url, timeout=30) as client:
                assert read_amelia(client, token_for(restored, SAM), child_id) == before
        finally:
            restored.dispose()
        assert hub_command("audit", "verify", database_url=restored_app, key_dir=key_dir).returncode == 0
    finally:
        psql(postgres_server, "-c", f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)')


def test_keys_rotate_while_a_hub_serves(deployment: Deployment, tmp_path: Path) -> None:
    key_dir = tmp_path / "keys"
    hub = seeded_hub(deployment, key_dir)
    try:
        with LiveServer(hub) as live, httpx.Client(base_url=live.url, timeout=30) as client:
            old_token, child_id = token_for(hub, SAM), amelia(hub)
            before = read_amelia(client, old_token, child_id)
            assert before["CHILD_PROTECTION_PLAN"], "the council's own plan reads in full"

            rotated = hub_command("keys", "rotate", database_url=deployment.app_url, key_dir=key_dir)
            assert rotated.returncode == 0, rotated.stderr

            # The running hub reads what was sealed before, with re-wrapped data keys, and still accepts
            # the token signed by the old key; a token issued now is signed by the new one.
            assert read_amelia(client, old_token, child_id) == before
            new_token = token_for(hub, SAM)
            assert new_token != old_token
            assert read_amelia(client, new_token, child_id) == before
    finally:
        hub.dispose()
    listed = hub_command("keys", "list", database_url=deployment.app_url, key_dir=key_dir).stdout
    assert listed.count("signing") >= 2 and listed.count("kek") >= 2, listed
    engine = create_engine(deployment.app_url)
    with engine.connect() as connection:
        kek_ids = set(connection.scalars(select(t.ChildDataKey.kek_id).where(t.ChildDataKey.kek_id.is_not(None))))
    engine.dispose()
    assert len(kek_ids) == 1, "every live data key is wrapped by the new key-encryption key"
    verified = hub_command("audit", "verify", database_url=deployment.app_url, key_dir=key_dir)
    assert verified.returncode == 0, verified.stdout + verified.stderr
