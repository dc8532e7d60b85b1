"""FETCH on demand: detail the hub does not hold, asked of the owning agency's system when a permitted
actor reads it.

The policy decision that released the DETAIL part is the one that covers the fetch: no second rule, and
the fetch is audited with it. The call carries the request id, the acting practitioner and the purpose, so
the agency's log names the same person and reason as the hub's. What comes back is kept in memory only as
long as the agency's setting allows (``detail_cache_seconds``; 0 keeps nothing) and never written to the
court-safe record versions: the agency's system stays the source of its detail.

No call leaves the hub inside a database transaction (on SQLite one holds the database's only write lock, so
a hung agency made every other request wait and fail with "database is locked"): what the request decided
so far is recorded and committed first, through the door, and the request goes on in a new transaction
once the call returns. (A request inside a savepoint does not FETCH at all.) The call has a deadline well
under the request's (``HUB_FETCH_DEADLINE_SECONDS``, retries included), and an agency that missed it is
not asked again within the same request. Either way the decision is audited: the detail fetched, or why not.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from hub.adapters.contract import (
    Adapter,
    AdapterError,
    CallContext,
    Capability,
)
from hub.door import Door, Subject
from hub.policy import Decision
from hub.storage import tables as t


class AdapterLookup(Protocol):
    def find(self, name: str | None) -> Adapter | None: ...


class DetailFetcher:
    def __init__(self, adapters: AdapterLookup, clock: Callable[[], float] = time.monotonic, *,
                 deadline_seconds: float = 2.0) -> None:
        self._adapters = adapters
        self._clock = clock
        self._deadline = deadline_seconds
        self._cache: dict[tuple[str, str, str], tuple[float, str]] = {}
        self._lock = threading.Lock()

    def detail(self, door: Door, row: t.RecordVersion, decision: Decision) -> str | None:
        """The record's detail from its agency, or None when it cannot FETCH or does not answer (audited)."""
        adapter = self._adapters.find(row.source_adapter)
        if adapter is None or Capability.FETCH not in adapter.capabilities or row.source_id is None:
            return None
        subject = Subject("record", row.record_key, row.child_id, row.owner_agency_id)
        key = (adapter.name, row.source_id, row.source_version or "")
        cached = self._cached(key)
        if cached is not None:
            door.record(
                subject, "fetch", decision, fields=("detail",), reason=f"{adapter.name} detail, from cache"
            )
            return cached
        purpose = door.access(subject, "fetch").purpose.code
        # Per request: an agency that did not answer is not asked again.
        failed: dict[str, str] = door.memo(("fetch-failed", adapter.name), dict)
        if failed:
            door.refuse(subject, "fetch", f"{adapter.name} could not give the detail: {failed['error']}")
            return None
        if door.in_savepoint():
            door.refuse(subject, "fetch", f"{adapter.name} not asked: no call leaves the hub inside a database "
                        "transaction, and this one cannot end yet")
            return None
        door.commit()  # the accesses decided so far are on the ledger, and no lock is held while we wait
        context = CallContext(door.request_id, door.actor.email, purpose, deadline=time.monotonic() + self._deadline)
        try:
            text = adapter.fetch(row.source_id, context).text
        except AdapterError as error:
            failed["error"] = str(error)
            door.refuse(subject, "fetch", f"{adapter.name} could not give the detail: {error}")
            return None
        if adapter.config.detail_cache_seconds > 0:
            with self._lock:
                self._cache[key] = (self._clock() + adapter.config.detail_cache_seconds, text)
        door.record(subject, "fetch", decision, fields=("detail",), reason=f"fetched from {adapter.name}")
        return text

    def _cached(self, key: tuple[str, str, str]) -> str | None:
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                return None
            expires, text = entry
            if self._clock() >= expires:
                del self._cache[key]
                return None
            return text

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()
