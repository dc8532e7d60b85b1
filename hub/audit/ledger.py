"""Appending to the chain. One writer at a time: an advisory lock on PostgreSQL, the write lock on SQLite
(the engine begins every transaction with BEGIN IMMEDIATE, ``hub.storage.database``).

Group commit (PostgreSQL): one writer at a time also means one durable commit at a time, so under concurrent
reads the chain's lock, not the database, sets the pace. A request whose transaction wrote nothing of its own
(a read) hands its events to its process's ``GroupCommit`` instead: whichever such request finds no write in
progress leads, appending every waiting request's events in its own transaction (lock, head, hashes, one
insert, a checkpoint when due, one commit) and then wakes them; the others end their read transactions while
they wait. Each still answers only after its own events are durable, and a failed append fails every request
in the batch. A request that wrote (a share, an alert) appends in its own transaction as before, so its events
and its writes commit together or not at all.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Engine, String, Table, event, insert
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


def append_and_commit(session: Session, entries: Sequence[AuditEntry]) -> list[int]:
    """Append ``entries`` and commit the session's transaction: both or neither. A read-only transaction on
    PostgreSQL commits first and its events join the process's group commit (above); either way the events
    are durable when this returns."""
    bind = session.get_bind()
    if entries and isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        committer = group_commit(bind)
        if committer.enabled and not _wrote(session):
            return committer.append(session, entries)
    seqs = append(session, entries)
    session.commit()
    return seqs


# True on a connection whose transaction has run only SELECTs: set when a transaction begins, cleared by any
# other statement. A transaction that began before the watch did has no mark, so it counts as having written.
_READ_ONLY = "hub.audit.read_only"


def _wrote(session: Session) -> bool:
    if session.new or session.dirty or session.deleted:
        return True
    if not session.in_transaction():
        return False
    return not session.connection().info.get(_READ_ONLY, False)


def _watch_writes(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def began(connection: Any) -> None:
        connection.info[_READ_ONLY] = True

    @event.listens_for(engine, "before_cursor_execute")
    def executing(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip()[:6].upper() != "SELECT":
            connection.info[_READ_ONLY] = False


@dataclass(eq=False)  # a ticket is itself, whatever it carries
class _Ticket:
    entries: Sequence[AuditEntry]
    seqs: list[int] = field(default_factory=list)
    error: BaseException | None = None
    done: bool = False


class GroupCommit:
    """Appends of concurrent read-only requests in one process, in one transaction per batch (leader and
    followers: no thread of its own). The leader writes the batch in its own read-only transaction: a lone
    read pays for no second transaction (a connection's checkout and ping, a BEGIN, the read's COMMIT)."""

    def __init__(self) -> None:
        self.enabled = True  # the benchmarks turn it off to measure what it saves
        self.batches = 0
        self._condition = threading.Condition()
        self._waiting: list[_Ticket] = []
        self._leading = False

    def append(self, session: Session, entries: Sequence[AuditEntry]) -> list[int]:
        """Append ``entries`` for the read-only transaction of ``session``, which this ends."""
        ticket = _Ticket(entries)
        with self._condition:
            self._waiting.append(ticket)
            if self._leading:
                # A batch is being written: end this read's transaction, freeing its connection, while it waits.
                self._condition.release()
                try:
                    session.commit()
                except BaseException:
                    with self._condition:  # this request fails: its events must not be appended for it
                        self._waiting = [waiting for waiting in self._waiting if waiting is not ticket]
                    raise
                finally:
                    self._condition.acquire()
            while not ticket.done:
                if self._leading:
                    self._condition.wait()
                    continue
                self._leading = True
                batch, self._waiting = self._waiting, []
                self._condition.release()
                try:
                    self._write(session, batch)
                finally:
                    self._condition.acquire()
                    self._leading = False
                    self._condition.notify_all()
        if ticket.error is not None:
            raise AuditUnavailableError("The audit events could not be committed.") from ticket.error
        return ticket.seqs

    def _write(self, session: Session, batch: list[_Ticket]) -> None:
        """The batch's events, appended and committed in the leader's ``session`` (begun anew if it waited)."""
        try:
            seqs = append(session, [entry for ticket in batch for entry in ticket.entries])
            session.commit()
            self.batches += 1
            start = 0
            for ticket in batch:
                ticket.seqs = seqs[start:start + len(ticket.entries)]
                start += len(ticket.entries)
        except BaseException as error:  # every request of the batch fails: none may answer
            for ticket in batch:
                ticket.error = error
            with contextlib.suppress(Exception):  # a lost connection may refuse the rollback too
                session.rollback()
            if not isinstance(error, Exception):
                raise  # an interrupt still interrupts the thread that leads
        finally:
            for ticket in batch:
                ticket.done = True


_committers: weakref.WeakKeyDictionary[Engine, GroupCommit] = weakref.WeakKeyDictionary()
_committers_lock = threading.Lock()


def group_commit(engine: Engine) -> GroupCommit:
    """The process's group commit for the database behind ``engine``."""
    with _committers_lock:
        committer = _committers.get(engine)
        if committer is None:
            _watch_writes(engine)
            committer = _committers[engine] = GroupCommit()
        return committer
