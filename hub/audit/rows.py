"""Reading stored events fast, as the chain hashes them, for ``verify`` and ``export``.

A million ORM objects would take longer to build than to hash, so events stream as plain rows from one
read-only snapshot: the database formats ``occurred_at`` as the event bytes spell it, and ``fields`` (stored
JSON text on SQLite) is parsed once per distinct value. ``events`` yields ``(seq, prev_hash, hash, values)``
with ``values`` ready for ``hub.audit.entry.event_bytes``.

On SQLite, building two dozen Python strings per row costs more than hashing it, so ``sqlite_event_bytes``
has SQLite write the event bytes itself (``json_array`` escapes exactly as RFC 8785 does, for strings and
nulls). That is only a shortcut: a verifier that finds a mismatch re-reads the row through ``event_values``
and hashes the bytes Python makes, which are the definition.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import Any, cast

import orjson
from sqlalchemy import ColumnElement, Connection, Engine, String, literal_column, select, true, type_coerce

from hub.audit.entry import EVENT_COLUMNS
from hub.storage.tables import AuditCheckpoint, AuditEvent

BATCH = 10_000

# occurred_at as "YYYY-MM-DDTHH:MM:SS.ffffffZ"; SQLite keeps UTC wall-clock text, "YYYY-MM-DD HH:MM:SS.ffffff"
_OCCURRED_AT = {
    "sqlite": "substr(audit_events.occurred_at, 1, 10) || 'T' || substr(audit_events.occurred_at, 12) || 'Z'",
    "postgresql": "to_char(audit_events.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
}

Event = tuple[int, str, str, tuple[Any, ...]]


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction that sees one consistent state and blocks no writer."""
    options: dict[str, Any] = {"hub_read_only": True}
    if engine.dialect.name == "postgresql":
        options.update(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with engine.connect() as connection:
        connection = connection.execution_options(**options)
        with connection.begin():
            yield connection


def checkpoints(connection: Connection, *, low: int = 0,
                high: int | None = None) -> list[tuple[int, str, str]]:
    """(size, note, root_hash) of the stored checkpoints with low <= size <= high, oldest first."""
    query = select(AuditCheckpoint.size, AuditCheckpoint.note, AuditCheckpoint.root_hash).where(
        AuditCheckpoint.size >= low).order_by(AuditCheckpoint.size)
    if high is not None:
        query = query.where(AuditCheckpoint.size <= high)
    return [(int(size), note, root) for size, note, root in connection.execute(query)]


def events(connection: Connection, *, after: int = 0, through: int | None = None,
           matching: ColumnElement[bool] | None = None) -> Generator[tuple[Event, bool], None, None]:
    """Events after ``after`` (through ``through``) in order, each with whether it matches ``matching``."""
    stamp = literal_column(_OCCURRED_AT[connection.dialect.name], String)
    columns = [AuditEvent.seq, AuditEvent.prev_hash, AuditEvent.hash, stamp]
    columns += [getattr(AuditEvent, name) for name in EVENT_COLUMNS[1:-1]]
    columns += [type_coerce(AuditEvent.fields, String)]  # the stored JSON text, parsed below
    columns += [(matching if matching is not None else true()).label("matched")]
    query = select(*columns).where(AuditEvent.seq > after).order_by(AuditEvent.seq)
    if through is not None:
        query = query.where(AuditEvent.seq <= through)
    parsed: dict[str, Any] = {}
    result = connection.execution_options(yield_per=BATCH).execute(query)
    try:  # a walk that stops early closes the generator: the server-side cursor closes with it
        for batch in result.partitions():
            for row in batch:
                fields = row[-2]
                listed = parsed.get(fields) if isinstance(fields, str) else None
                if listed is None:
                    listed = _fields(fields)
                    if isinstance(fields, str) and len(parsed) < 10_000:
                        parsed[fields] = listed
                yield cast(Event, (row[0], row[1], row[2], (*row[3:-2], listed))), bool(row[-1])
    finally:
        result.close()


def event_values(connection: Connection, seq: int) -> tuple[Any, ...] | None:
    """One event's values, the slow and exact way."""
    for (_, _, _, values), _ in events(connection, after=seq - 1, through=seq):
        return values
    return None


def sqlite_event_bytes(connection: Connection, *,
                       after: int = 0) -> Iterator[list[tuple[int, str, str, bytes]]]:
    """Batches of (seq, prev_hash, hash, event bytes as SQLite writes them), by sequence number."""
    columns = [_OCCURRED_AT["sqlite"], *EVENT_COLUMNS[1:-1],
               "CASE WHEN json_valid(fields) THEN json(fields) END"]  # invalid JSON: a mismatch, not an error
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"SELECT seq, prev_hash, hash, CAST(json_array({', '.join(columns)}) AS BLOB) "  # noqa: S608
                       "FROM audit_events WHERE seq > ? ORDER BY seq", (after,))
        while batch := cursor.fetchmany(BATCH):
            yield list(batch)
    finally:
        cursor.close()


def _fields(stored: Any) -> Any:
    """The stored value as it is, not tidied: a tampered value must not be normalised back into shape."""
    if not isinstance(stored, str | bytes):
        return stored
    try:
        return orjson.loads(stored)
    except orjson.JSONDecodeError:
        return stored
