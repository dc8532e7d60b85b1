"""Engines for SQLite (the default, embedded) and PostgreSQL (production), with their safety settings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from hub.storage import sealing


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str) -> Engine:
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    # Every request appends to the audit chain, so every transaction writes. Taking the write lock at BEGIN
    # (BEGIN IMMEDIATE) makes writers queue on busy_timeout instead of failing when a read transaction
    # tries to upgrade. pysqlite's own transaction handling is switched off so that SQLAlchemy's BEGIN is
    # the one that runs (the recipe in SQLAlchemy's SQLite dialect documentation).
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # Read-only work (audit verify and export) takes no write lock: in WAL mode it reads a snapshot.
        read_only = connection.get_execution_options().get("hub_read_only", False)
        connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


FLUSHING = "hub.flushing"  # in a session's info while its unit of work writes


class HubSession(Session):
    """A session that says, in its info, while its unit of work writes: those are the only statements that
    may write child data on a request's connection without the session's listeners seeing them
    (``hub.access.core_reads``). Every flush, autoflush and commit's flush goes through ``flush``."""

    def flush(self, objects: Sequence[Any] | None = None) -> None:
        if self.info.get(FLUSHING):  # a flush inside a flush: SQLAlchemy refuses it; the outer one owns the mark
            return super().flush(objects)
        self.info[FLUSHING] = True
        try:
            super().flush(objects)
        finally:
            del self.info[FLUSHING]


def make_session_factory(engine: Engine, info: dict[str, Any] | None = None) -> sessionmaker[Session]:
    """Sessions for the hub. ``info`` carries the wiring each session needs (keys, the checkpoint signer:
    see hub.bootstrap). Every factory refuses to store an unsealed sensitive column."""
    factory = sessionmaker[Session](engine, class_=HubSession, expire_on_commit=False, autoflush=True,
                                    info=dict(info or {}))
    event.listen(factory, "before_flush", sealing.refuse_plaintext)
    # Unwrapped data keys live no longer than the transaction (or savepoint) that read or made them: a
    # rolled-back key must not seal anything afterwards.
    event.listen(factory, "after_transaction_end", sealing.forget_data_keys)
    return factory
