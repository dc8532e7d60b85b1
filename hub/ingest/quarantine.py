"""The quarantine: items that could not be applied, kept whole with the reason, never dropped.

An operator lists them, reads one, fixes its payload and replays it; an item held for identity resolution
waits here until a practitioner resolves who the person is, and the next sync applies it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.adapters.contract import RawItem
from hub.door import Door, Subject
from hub.ingest.tables import QuarantineItem

QUARANTINED, AWAITING_IDENTITY, REPLAYED, DISCARDED = (
    "QUARANTINED",
    "AWAITING_IDENTITY",
    "REPLAYED",
    "DISCARDED",
)
OPEN_STATUSES = (QUARANTINED, AWAITING_IDENTITY)


def hold(
    door: Door,
    adapter: str,
    item: RawItem,
    reason: str,
    *,
    status: str = QUARANTINED,
    resolution_id: str | None = None,
) -> QuarantineItem:
    """Keep an item with the reason; a later failure of the same source item updates its open entry."""
    entry = door.session.scalar(
        select(QuarantineItem).where(
            QuarantineItem.adapter == adapter,
            QuarantineItem.source_id == item.source_id,
            QuarantineItem.status.in_(OPEN_STATUSES),
        )
    )
    now = door.now()
    if entry is None:
        entry = QuarantineItem(adapter=adapter, source_id=item.source_id, created_at=now)
        door.session.add(entry)
    entry.payload, entry.reason, entry.status = dict(item.payload), reason, status
    entry.resolution_id, entry.updated_at = resolution_id, now
    door.session.flush()
    door.refuse(
        Subject("quarantine_item", entry.id, None, door.actor.agency_id),
        "quarantine",
        f"{adapter} {item.source_id}: {reason}",
    )
    return entry


def entries(
    session: Session, adapter: str | None = None, statuses: tuple[str, ...] = OPEN_STATUSES
) -> list[QuarantineItem]:
    query = select(QuarantineItem).where(QuarantineItem.status.in_(statuses))
    if adapter:
        query = query.where(QuarantineItem.adapter == adapter)
    return list(session.scalars(query.order_by(QuarantineItem.created_at, QuarantineItem.id)))


def fix(entry: QuarantineItem, payload: Mapping[str, Any], now: datetime) -> None:
    """An operator's corrected payload, replayed next."""
    entry.payload, entry.updated_at = dict(payload), now


def as_raw(entry: QuarantineItem) -> RawItem:
    return RawItem(entry.source_id, entry.payload)
