"""Appending to the chain. One writer at a time: an advisory lock on PostgreSQL, the write lock on SQLite."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from hub.audit.entry import GENESIS_HASH, AuditEntry, chain_hash, entry_row
from hub.storage.tables import AuditEvent

# An arbitrary, fixed key for pg_advisory_xact_lock: "the audit chain".
AUDIT_LOCK_KEY = 7_301_946_220


class AuditUnavailableError(RuntimeError):
    """The access could not be recorded, so it must not happen."""

    code = "AUDIT_UNAVAILABLE"


def append(session: Session, entries: Sequence[AuditEntry]) -> list[int]:
    """Append ``entries`` to the chain inside the caller's transaction; returns their sequence numbers.

    Nothing is committed here: the events land together with whatever else the unit of work wrote, or not
    at all.
    """
    if not entries:
        return []
    if session.get_bind().dialect.name == "postgresql":
        # Held until the transaction ends, so the chain's head cannot move between read and insert.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    rows = []
    for entry in entries:
        seq += 1
        row = entry_row(entry)
        digest = chain_hash(seq, prev_hash, row)
        rows.append({**row, "seq": seq, "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    session.execute(insert(AuditEvent.__table__), rows)  # type: ignore[arg-type]  # Core executemany: no ORM bookkeeping per event
    return [row["seq"] for row in rows]
