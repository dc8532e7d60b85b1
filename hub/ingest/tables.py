"""Ingest tables (created by migration 0004): cursors, the applied version of each source item, quarantine."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.storage.tables import Base, new_id
from hub.storage.types import UtcDateTime


class AdapterCursor(Base):
    """Where an adapter's next pull starts; moved in the same transaction as the items it covers."""

    __tablename__ = "adapter_cursors"
    adapter: Mapped[str] = mapped_column(String(60), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SourceItem(Base):
    """The newest applied version of each agency item: what makes ingest idempotent and ordered."""

    __tablename__ = "adapter_source_items"
    adapter: Mapped[str] = mapped_column(String(60), primary_key=True)
    source_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id"), index=True)
    record_key: Mapped[str | None] = mapped_column(String(36))
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime())


class QuarantineItem(Base):
    """An item that could not be applied, kept whole with the reason until an operator fixes and replays it.

    Status: QUARANTINED (bad data), AWAITING_IDENTITY (held until a practitioner resolves who the child is),
    READY (the identity was resolved: the next sync applies it), REPLAYED, DISCARDED.
    """

    __tablename__ = "adapter_quarantine"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    adapter: Mapped[str] = mapped_column(String(60), index=True)
    source_id: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    resolution_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
