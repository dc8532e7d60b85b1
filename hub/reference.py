"""Reference data every request reads and that changes rarely: the purpose registry and agency contacts.

Cached per process for a short time (``ttl_seconds``), refreshed through the caller's own session: on SQLite
a second connection would wait for the write lock the request already holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.domain.actor import Purpose
from hub.domain.record import AgencyContact
from hub.storage import queries
from hub.storage import tables as t


@dataclass(frozen=True)
class _Snapshot:
    loaded_at: float
    purposes: dict[str, Purpose]
    contacts: dict[str, AgencyContact]


class ReferenceData:
    def __init__(self, ttl_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._snapshot: _Snapshot | None = None

    def purpose(self, session: Session, code: str) -> Purpose | None:
        return self._current(session).purposes.get(code)

    def purposes(self, session: Session) -> list[Purpose]:
        return sorted(self._current(session).purposes.values(), key=lambda p: p.code)

    def contacts(self, session: Session, agency_ids: Iterable[str]) -> dict[str, AgencyContact]:
        wanted = set(agency_ids)
        known = self._current(session).contacts
        if not wanted <= known.keys():  # an agency added since the snapshot
            known = self._refresh(session).contacts
        return {agency_id: known[agency_id] for agency_id in wanted if agency_id in known}

    def _current(self, session: Session) -> _Snapshot:
        snapshot = self._snapshot
        if snapshot is None or self._clock() - snapshot.loaded_at > self._ttl:
            snapshot = self._refresh(session)
        return snapshot

    def _refresh(self, session: Session) -> _Snapshot:
        purposes = {
            row.code: Purpose(row.code, row.name, row.lawful_basis, row.legislation)
            for row in session.scalars(select(t.Purpose))
        }
        contacts = {row.id: queries.contact(row) for row in session.scalars(select(t.Agency))}
        self._snapshot = _Snapshot(self._clock(), purposes, contacts)
        return self._snapshot
