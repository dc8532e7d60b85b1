"""Identity tables: the blocking index and the resolution queue (created by migration 0004)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.storage.tables import Base, new_id
from hub.storage.types import UtcDateTime


class IdentityKey(Base):
    """One blocking key of one child (``hub.identity.keys``)."""

    __tablename__ = "identity_keys"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id"), primary_key=True)


Index("ix_identity_keys_child", IdentityKey.child_id)


class ResolutionItem(Base):
    """A person an agency knows whom the hub could not match with confidence: a practitioner decides."""

    __tablename__ = "identity_resolutions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    adapter: Mapped[str] = mapped_column(String(60))
    local_id: Mapped[str] = mapped_column(String(100))
    person: Mapped[dict[str, Any]] = mapped_column(JSON)  # the details as the agency gave them
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{child_id, score, reasons}]
    best_score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), index=True)  # OPEN, LINKED, CREATED
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    resolved_child_id: Mapped[str | None] = mapped_column(ForeignKey("children.id"))
    resolved_by: Mapped[str | None] = mapped_column(ForeignKey("practitioners.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


Index(
    "ix_identity_resolutions_local", ResolutionItem.agency_id, ResolutionItem.local_id, ResolutionItem.status
)
