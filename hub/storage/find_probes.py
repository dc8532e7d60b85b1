"""FIND probes: which details one practitioner asked about which child, kept for the probing window only.

Only a digest of the details is kept (the names, date of birth, sex and postcode asked about, normalised), so
repeated identical questions count once and differing ones each count. A practitioner's rows older than the
window are deleted when they next search; nothing here is an audit record (the ledger keeps every FIND).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, bindparam, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from hub.storage.tables import Base, new_id


class FindProbe(Base):
    __tablename__ = "find_probes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    practitioner_id: Mapped[str] = mapped_column(ForeignKey("practitioners.id"))
    child_id: Mapped[str] = mapped_column(ForeignKey("children.id"))
    details_digest: Mapped[str] = mapped_column(String(64))
    probed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


Index("ix_find_probes_practitioner_child", FindProbe.practitioner_id, FindProbe.child_id, FindProbe.probed_at)


def record(session: Session, practitioner_id: str, child_id: str, details_digest: str, now: datetime,
           since: datetime) -> int:
    """Record one probe and return how many differing details the practitioner asked about the child since
    ``since`` (this one included). Older probes of the practitioner are forgotten."""
    session.execute(delete(FindProbe).where(FindProbe.practitioner_id == practitioner_id,
                                            FindProbe.probed_at < since))
    session.add(FindProbe(practitioner_id=practitioner_id, child_id=child_id, details_digest=details_digest,
                          probed_at=now))
    session.flush()
    return session.scalar(_DIFFERING_DETAILS, {"practitioner_id": practitioner_id, "child_id": child_id,
                                               "since": since}) or 0


# Built once: every FIND of a child runs it, and the door walks each new statement it runs.
_DIFFERING_DETAILS = select(func.count(FindProbe.details_digest.distinct())).where(
    FindProbe.practitioner_id == bindparam("practitioner_id"), FindProbe.child_id == bindparam("child_id"),
    FindProbe.probed_at >= bindparam("since"))
