"""A database laid out as the README's deployment section lays it out: roles from docker/postgres/roles.sql
(run by a superuser), the schema migrated by the owner role, grants.sql applied by the owner."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hub.migrate import upgrade
from hub.settings import PROJECT_ROOT

SQL = PROJECT_ROOT / "docker" / "postgres"


def libpq(url: str) -> str:
    """The libpq form of a SQLAlchemy URL, for psql, pg_dump and pg_restore."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def psql(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("psql") is None:
        pytest.skip("psql is not installed (Debian's postgresql-client)")
    return subprocess.run(["psql", libpq(url), "-v", "ON_ERROR_STOP=1", "-q", *args], capture_output=True,
                          text=True, check=True)


@dataclass(frozen=True)
class Deployment:
    owner_url: str
    app_url: str
    owner: str
    app: str


@contextmanager
def deployed_database(server_url: str) -> Iterator[Deployment]:
    suffix = uuid.uuid4().hex[:10]
    database, owner, app = f"hub_deploy_{suffix}", f"hub_owner_{suffix}", f"hub_app_{suffix}"
    psql(server_url, "-v", f"db={database}", "-v", f"owner={owner}", "-v", f"app={app}",
         "-v", "owner_password=owner-test-password", "-v", "app_password=app-test-password",
         "-f", str(SQL / "roles.sql"))
    base = make_url(server_url).set(database=database)
    owner_url = base.set(username=owner, password="owner-test-password").render_as_string(hide_password=False)
    app_url = base.set(username=app, password="app-test-password").render_as_string(hide_password=False)
    try:
        upgrade(owner_url)
        psql(owner_url, "-v", f"app={app}", "-f", str(SQL / "grants.sql"))
        yield Deployment(owner_url, app_url, owner, app)
    finally:
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{app}"'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{owner}"'))
        admin.dispose()
