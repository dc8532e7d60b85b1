"""Appending to the chain. One writer at a time: an advisory lock on PostgreSQL, the write lock on SQLite
(the engine begins every transaction with BEGIN IMMEDIATE, ``hub.storage.database``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import String, Table, insert
from sqlalchemy.orm import Session

from hub.audit.checkpoint import SESSION_KEY, Checkpointer, LastCheckpoint
from hub.audit.entry import GENESIS_HASH, AuditEntry, entry_row, event_digest, event_values, link_hash
from hub.observability import metrics
from hub.storage.tables import AuditEvent

_LENGTHS = {column.name: column.type.length for column in AuditEvent.__table__.columns
            if isinstance(column.type, String) and column.type.length}

# An arbitrary, fixed key for pg_advisory_xact_lock: "the audit chain".
AUDIT_LOCK_KEY = 7_301_946_220


class AuditUnavailableError(RuntimeError):
    """The access could not be recorded, so it must not happen."""

    code = "AUDIT_UNAVAILABLE"


_INSERT = insert(cast(Table, AuditEvent.__table__))
_SQLITE_HEAD = (
    "SELECT (SELECT seq FROM audit_events ORDER BY seq DESC LIMIT 1), "
    "(SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1), "
    "(SELECT size FROM audit_checkpoints ORDER BY size DESC LIMIT 1), "
    "(SELECT created_at FROM audit_checkpoints ORDER BY size DESC LIMIT 1)"
)


def lock_chain(session: Session) -> tuple[int, str, LastCheckpoint | None]:
    """Hold the chain until the transaction ends, so its head cannot move between read and insert, and
    read the head and the newest checkpoint: one round trip on PostgreSQL (the migration's function).

    Every request runs this, so it talks to the driver directly: through SQLAlchemy it cost more than all
    the hashing of a request's events."""
    connection = session.connection()  # begins the transaction (BEGIN IMMEDIATE on SQLite)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if connection.dialect.name == "postgresql":
            cursor.execute("SELECT * FROM hub_audit_lock_head(%s)", (AUDIT_LOCK_KEY,))
        else:  # SQLite: BEGIN IMMEDIATE already holds the database's write lock
            cursor.execute(_SQLITE_HEAD)
        row = cursor.fetchone()  # one row, even when the chain is empty
    finally:
        cursor.close()
    assert row is not None
    seq, digest, checkpoint_size, checkpoint_at = row
    if isinstance(checkpoint_at, str):  # SQLite keeps UTC wall-clock text
        checkpoint_at = datetime.fromisoformat(checkpoint_at).replace(tzinfo=UTC)
    last = LastCheckpoint(checkpoint_size, checkpoint_at) if checkpoint_size is not None else None
    return (seq or 0), (digest or GENESIS_HASH), last


def _fitted(row: dict[str, Any]) -> dict[str, Any]:
    """Cut text to its column's length, marked with an ellipsis: a caller's overlong header or operation name
    must not make the audit write fail (PostgreSQL refuses it), which would turn a refusal into a 503."""
    for name, length in _LENGTHS.items():
        value = row.get(name)
        if isinstance(value, str) and len(value) > length:
            row[name] = value[: length - 1] + "…"
    return row


def append(session: Session, entries: Sequence[AuditEntry]) -> list[int]:
    """Append ``entries`` to the chain inside the caller's transaction; returns their sequence numbers.

    Nothing is committed here: the events land together with whatever else the unit of work wrote, or not
    at all. A checkpoint falls due here too (``hub.audit.checkpoint``), in the same transaction.
    """
    if not entries:
        return []
    seq, prev_hash, last = lock_chain(session)
    rows = []
    for entry in entries:
        seq += 1
        row = _fitted(entry_row(entry))
        digest = link_hash(seq, prev_hash, event_digest(event_values(row)))
        row["seq"], row["prev_hash"], row["hash"] = seq, prev_hash, digest
        rows.append(row)
        prev_hash = digest
    session.connection().execute(_INSERT, rows)  # Core: the ORM's bulk path costs more than the hashing
    metrics.decided((row["rule"], row["decision"]) for row in rows)
    checkpointer: Checkpointer | None = session.info.get(SESSION_KEY)
    if checkpointer is not None:
        checkpointer.after_append(session, last, seq, prev_hash)
    return [row["seq"] for row in rows]


def checkpoint_now(session: Session) -> int:
    """Sign a checkpoint of the whole chain now (exports do, so what they carry is covered); its size."""
    checkpointer: Checkpointer | None = session.info.get(SESSION_KEY)
    if checkpointer is None:
        raise AuditUnavailableError("This session has no checkpoint signer (see hub.bootstrap).")
    seq, root, last = lock_chain(session)
    if seq and (last is None or last.size < seq):
        checkpointer.write(session, seq, root)
    return seq
