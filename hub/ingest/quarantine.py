"""The quarantine: items that could not be applied, kept whole with the reason, never dropped.

An operator lists them, reads one, fixes its payload and replays it; an item held for identity resolution
waits here until a practitioner resolves who the person is, and the next sync applies it. Payloads are an
agency's data about a child, so they are sealed at rest (``hub.storage.secrets_at_rest``); reading one is
an operator's audited, policy-decided action (``hub adapters quarantine show``).
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
from hub.storage.sealing import key_store
from hub.storage.secrets_at_rest import is_sealed_document, open_document, seal_document
from hub.storage.tables import new_id

TABLE = "adapter_quarantine"

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
    entry = door.scalar(
        select(QuarantineItem).where(
            QuarantineItem.adapter == adapter,
            QuarantineItem.source_id == item.source_id,
            QuarantineItem.status.in_(OPEN_STATUSES),
        )
    )
    now = door.now()
    if entry is None:
        entry = QuarantineItem(id=new_id(), adapter=adapter, source_id=item.source_id, created_at=now)
        door.add(entry)
    entry.payload, entry.reason, entry.status = door.query(_sealed, entry, item.payload), reason, status
    entry.resolution_id, entry.updated_at = resolution_id, now
    door.flush()
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


def fix(session: Session, entry: QuarantineItem, payload: Mapping[str, Any], now: datetime) -> None:
    """An operator's corrected payload, replayed next."""
    entry.payload, entry.updated_at = _sealed(session, entry, payload), now


def payload_of(session: Session, entry: QuarantineItem) -> dict[str, Any]:
    """The payload as the agency sent it (or as an operator corrected it), opened."""
    return open_document(key_store(session), TABLE, "payload", entry.id, entry.payload)


def as_raw(session: Session, entry: QuarantineItem) -> RawItem:
    return RawItem(entry.source_id, payload_of(session, entry))


def seal_stored(session: Session) -> int:
    """Seal payloads stored before sealing existed; how many were sealed."""
    plain = [e for e in session.scalars(select(QuarantineItem)) if not is_sealed_document(e.payload)]
    for entry in plain:
        entry.payload = _sealed(session, entry, entry.payload)
    return len(plain)


def _sealed(session: Session, entry: QuarantineItem, payload: Mapping[str, Any]) -> dict[str, Any]:
    return seal_document(key_store(session), TABLE, "payload", entry.id, dict(payload))
