"""Syncing one adapter: pull pages since the stored cursor and apply them, one transaction per page.

A page's records, audit entries and the cursor that covers them commit together, so a run that stops —
the agency became unavailable, the process was killed — leaves no half-written page, and the next run
starts where the last committed page ended. Items that cannot be mapped or applied are quarantined with
the reason; items about a person awaiting identity resolution are held, and applied once it is resolved.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hub.access.request import Gateway, RequestScope, open_request
from hub.adapters.contract import Adapter, BadRecordError, CallContext, RawItem
from hub.domain.workflow import Workflow
from hub.door import Door
from hub.identity import matcher
from hub.identity.links import agency_partnership
from hub.identity.resolution import OPEN
from hub.identity.tables import ResolutionItem
from hub.ingest import quarantine
from hub.ingest.actor import adapter_actor
from hub.ingest.apply import Applied, apply
from hub.ingest.tables import AdapterCursor, QuarantineItem
from hub.ingest.target import SyncTarget
from hub.policy import Policy
from hub.reference import ReferenceData

PURPOSE = "AGENCY_RECORD_SYNC"
Progress = Callable[[int, Applied], None]  # items done so far, and how the last one went


@dataclass
class SyncSummary:
    adapter: str
    counts: Counter[Applied] = field(default_factory=Counter)
    pages: int = 0
    cursor: str | None = None

    def count(self, outcome: Applied) -> None:
        self.counts[outcome] += 1

    def __getitem__(self, outcome: Applied) -> int:
        return self.counts[outcome]

    def line(self) -> str:
        return ", ".join(f"{self.counts[o]} {o}" for o in Applied)


class Ingest:
    """Applies an adapter's items in its agency's name; one instance per run."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        policy: Policy,
        adapter: Adapter,
        name: str | None = None,
        reference: ReferenceData | None = None,
        workflow: Workflow | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.policy = policy
        self.reference = reference or ReferenceData()
        self.workflow = workflow or Workflow()  # the calendar Operation Encompass notices are due by
        self.adapter = adapter
        self.name = name or adapter.name  # the registry's name: one system may serve several agencies
        self.run_id = uuid.uuid4().hex[:12]
        self.gateway = Gateway(session_factory, policy, self.reference)
        with open_request(self.gateway, request_id=f"sync-{self.name}-{self.run_id}") as request:
            self.actor = request.identify(adapter_actor, adapter.agency_code)
            self.target = SyncTarget(
                self.name, self.actor.agency_id, request.identify(agency_partnership, self.actor.agency_id)
            )
        self.context = CallContext(f"sync-{self.name}-{self.run_id}", self.actor.email, PURPOSE)

    def request(self, request_id: str | None = None) -> AbstractContextManager[RequestScope]:
        return open_request(self.gateway, request_id=request_id or self.context.request_id,
                            operation=f"sync {self.name}")

    def door(self, request: RequestScope) -> Door:
        """The adapter's door: its agency's service account, syncing (AGENCY_RECORD_SYNC)."""
        return request.enter(self.actor, purpose=PURPOSE, case_reference=f"sync {self.name} {self.run_id}")

    def item(self, door: Door, item: RawItem) -> Applied:
        """Map and apply one item in a savepoint: it lands whole, is held, or is quarantined with a reason."""
        try:
            source = self.adapter.map(item)
            with door.atomic():
                outcome = apply(door, self.target, source, self.workflow)
                if outcome == Applied.QUEUED:
                    resolution = door.query(
                        _open_resolution,
                        self.target.agency_id,
                        source.person.local_id,
                        source.person.mother.local_id if source.person.mother else None,
                    )
                    quarantine.hold(
                        door,
                        self.name,
                        item,
                        "awaiting identity resolution",
                        status=quarantine.AWAITING_IDENTITY,
                        resolution_id=resolution,
                    )
                return outcome
        except BadRecordError as error:
            quarantine.hold(door, self.name, item, error.reason)
            return Applied.QUARANTINED

    def sync(self, progress: Progress | None = None, *, max_pages: int | None = None) -> SyncSummary:
        summary = SyncSummary(self.name)
        self.adapter.check(self.context)
        done = 0
        for outcome in self.apply_resolved():
            summary.count(outcome)
        with self.request() as request:
            door = self.door(request)
            stored = door.get(AdapterCursor, self.name)
            cursor = stored.cursor if stored else None
            door.query(matcher.index_missing)  # children seeded before matching existed
            request.commit()
        while max_pages is None or summary.pages < max_pages:
            batch = self.adapter.pull(cursor, self.context)  # AgencyUnavailableError: nothing of it written
            with self.request() as request:
                door = self.door(request)
                for raw in batch.items:
                    outcome = self.item(door, raw)
                    summary.count(outcome)
                    done += 1
                    if progress:
                        progress(done, outcome)
                if batch.next_cursor is not None:
                    door.query(_save_cursor, self.name, batch.next_cursor, door)
                    cursor = batch.next_cursor
                request.commit()
            summary.pages += 1
            if not batch.has_more or not batch.items:
                break
        summary.cursor = cursor
        return summary

    def apply_resolved(self) -> list[Applied]:
        """Items held for identity whose resolution a practitioner has made: apply them, oldest first."""
        with self.request() as request:
            door = self.door(request)
            held = [
                e
                for e in door.query(quarantine.entries, self.name, (quarantine.AWAITING_IDENTITY,))
                if e.resolution_id and door.query(_is_resolved, e.resolution_id)
            ]
            outcomes = [self.replay_entry(door, entry) for entry in held]
            request.commit()
        return outcomes

    def replay_entry(self, door: Door, entry: QuarantineItem) -> Applied:
        outcome = self.item(door, door.query(quarantine.as_raw, entry))
        if outcome not in (Applied.QUARANTINED, Applied.QUEUED):
            entry.status, entry.updated_at = quarantine.REPLAYED, door.now()
        return outcome

    def replay(self, entry_id: str) -> tuple[Applied, str]:
        """An operator's replay of one quarantined item (after fixing its payload, or not)."""
        with self.request(f"replay-{self.run_id}") as request:
            door = self.door(request)
            entry = door.get(QuarantineItem, entry_id)
            if entry is None or entry.adapter != self.name or entry.status not in quarantine.OPEN_STATUSES:
                raise LookupError(f"No open quarantine item {entry_id} for {self.name}.")
            outcome = self.replay_entry(door, entry)
            reason = entry.reason
            request.commit()
        return outcome, reason


def _save_cursor(session: Session, adapter: str, cursor: str, door: Door) -> None:
    stored = session.get(AdapterCursor, adapter)
    if stored is None:
        session.add(AdapterCursor(adapter=adapter, cursor=cursor, updated_at=door.now()))
    else:
        stored.cursor, stored.updated_at = cursor, door.now()


def _open_resolution(
    session: Session, agency_id: str, local_id: str, mother_local_id: str | None
) -> str | None:
    for candidate in (local_id, mother_local_id):
        if candidate is None:
            continue
        found = session.scalar(
            select(ResolutionItem.id).where(
                ResolutionItem.agency_id == agency_id,
                ResolutionItem.local_id == candidate,
                ResolutionItem.status == OPEN,
            )
        )
        if found:
            return found
    return None


def _is_resolved(session: Session, resolution_id: str) -> bool:
    item = session.get(ResolutionItem, resolution_id)
    return item is not None and item.status != OPEN
