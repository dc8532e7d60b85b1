"""Signing checkpoints as the chain grows: every N events or T seconds, whichever comes first.

The ledger calls ``after_append`` inside the append's transaction, while it still holds the chain's lock, so
a checkpoint and the events it covers commit together or not at all, and two writers can never sign two
different roots for one size. Deciding costs nothing (the ledger reads the newest checkpoint with the chain
head, in the same query); signing costs one Ed25519 signature per checkpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from hub.audit import note, witness
from hub.domain.working_time import as_utc
from hub.keys import KeyStore
from hub.storage.tables import AuditCheckpoint

# Where the wiring (hub.bootstrap) puts the checkpointer in each session's ``info``.
SESSION_KEY = "hub.audit.checkpointer"


@dataclass(frozen=True)
class LastCheckpoint:
    size: int
    created_at: datetime


class Checkpointer:
    def __init__(self, keys: KeyStore, origin: str, *, every_events: int, every_seconds: int,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        if every_events < 1 or every_seconds < 1:
            raise ValueError("checkpoints need a positive interval in events and in seconds")
        note.checkpoint_text(note.Checkpoint(origin, 0, "00" * 32))  # refuse a bad origin at start-up
        self.keys = keys
        self.origin = origin
        self.every_events = every_events
        self.every = timedelta(seconds=every_seconds)
        self._clock = clock

    def due(self, last: LastCheckpoint | None, size: int, now: datetime) -> bool:
        if last is None:
            return size >= 1
        if size <= last.size:
            return False
        return size - last.size >= self.every_events or now - as_utc(last.created_at) >= self.every

    def after_append(self, session: Session, last: LastCheckpoint | None, size: int, root_hash: str) -> None:
        now = self._clock()
        if self.due(last, size, now):
            self.write(session, size, root_hash, now)

    def write(self, session: Session, size: int, root_hash: str, now: datetime | None = None) -> str:
        """Sign and store a checkpoint of the chain at ``size``; the caller holds the chain's lock."""
        kid, key = self.keys.current_signing_key()
        signed = note.sign(note.Checkpoint(self.origin, size, root_hash), key)
        session.execute(insert(AuditCheckpoint).values(
            size=size, root_hash=root_hash, origin=self.origin, key_id=kid, note=signed,
            created_at=now or self._clock(),
        ))
        witness.hold(session, signed)  # published outside the database once this commits, if configured
        return signed
