"""Test databases: a fresh SQLite file, and a fresh PostgreSQL database when a server answers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_server_url() -> str | None:
    """The server to create test databases on, or None (with the reason printed by the skip)."""
    url = os.environ.get("HUB_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception:
        if "HUB_TEST_POSTGRES_URL" in os.environ:
            raise  # CI promised a server: a missing one is a failure, not a skip
        return None
    return url


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """Create a database of our own on the server, and drop it afterwards."""
    name = f"hub_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'hub.sqlite3'}"
