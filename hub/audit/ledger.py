"""Appending to the chain. One writer at a time: an advisory lock on PostgreSQL, the write lock on SQLite
(the engine begins every transaction with BEGIN IMMEDIATE, ``hub.storage.database``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from hub.audit.checkpoint import SESSION_KEY, Checkpointer, LastCheckpoint
from hub.audit.entry import GENESIS_HASH, AuditEntry, entry_row, event_digest, event_values, link_hash
from hub.storage.tables import AuditCheckpoint, AuditEvent

# An arbitrary, fixed key for pg_advisory_xact_lock: "the audit chain".
AUDIT_LOCK_KEY = 7_301_946_220


class AuditUnavailableError(RuntimeError):
    """The access could not be recorded, so it must not happen."""

    code = "AUDIT_UNAVAILABLE"


def _newest(column, order):  # type: ignore[no-untyped-def]
    return select(column).order_by(order.desc()).limit(1).scalar_subquery()


# The chain head and the newest checkpoint, in one round trip.
_HEAD = select(
    _newest(AuditEvent.seq, AuditEvent.seq),
    _newest(AuditEvent.hash, AuditEvent.seq),
    _newest(AuditCheckpoint.size, AuditCheckpoint.size),
    _newest(AuditCheckpoint.created_at, AuditCheckpoint.size),
)


def lock_chain(session: Session) -> None:
    """Hold the chain until the transaction ends, so its head cannot move between read and insert."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})


def head(session: Session) -> tuple[int, str, LastCheckpoint | None]:
    seq, digest, checkpoint_size, checkpoint_at = session.execute(_HEAD).one()
    last = LastCheckpoint(checkpoint_size, checkpoint_at) if checkpoint_size is not None else None
    return (seq or 0), (digest or GENESIS_HASH), last


def append(session: Session, entries: Sequence[AuditEntry]) -> list[int]:
    """Append ``entries`` to the chain inside the caller's transaction; returns their sequence numbers.

    Nothing is committed here: the events land together with whatever else the unit of work wrote, or not
    at all. A checkpoint falls due here too (``hub.audit.checkpoint``), in the same transaction.
    """
    if not entries:
        return []
    lock_chain(session)
    seq, prev_hash, last = head(session)
    rows = []
    for entry in entries:
        seq += 1
        row = entry_row(entry)
        digest = link_hash(seq, prev_hash, event_digest(event_values(row)))
        row["seq"], row["prev_hash"], row["hash"] = seq, prev_hash, digest
        rows.append(row)
        prev_hash = digest
    session.execute(insert(AuditEvent), rows)
    checkpointer: Checkpointer | None = session.info.get(SESSION_KEY)
    if checkpointer is not None:
        checkpointer.after_append(session, last, seq, prev_hash)
    return [row["seq"] for row in rows]


def checkpoint_now(session: Session) -> int:
    """Sign a checkpoint of the whole chain now (exports do, so what they carry is covered); its size."""
    checkpointer: Checkpointer | None = session.info.get(SESSION_KEY)
    if checkpointer is None:
        raise AuditUnavailableError("This session has no checkpoint signer (see hub.bootstrap).")
    lock_chain(session)
    seq, root, last = head(session)
    if seq and (last is None or last.size < seq):
        checkpointer.write(session, seq, root)
    return seq
