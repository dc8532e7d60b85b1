"""The partnership statistics, counted in SQL: one grouped query per table, whatever the volume."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Integer, String, and_, case, cast, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from hub.domain.information_request import SharingReason, TargetStatus
from hub.storage import tables as t
from hub.storage.reads import READ_FOR, STATISTICS


@dataclass(frozen=True)
class Period:
    start: datetime | None
    end: datetime | None

    def of(self, column: ColumnElement[datetime] | InstrumentedAttribute[datetime]) -> ColumnElement[bool]:
        conditions = [column >= self.start] if self.start else []
        conditions += [column < self.end] if self.end else []
        return and_(True, *conditions)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)


def timeliness(session: Session, partnership_id: str, period: Period, now: datetime) -> dict[str, tuple[int, ...]]:
    """Per RAG rating: answers on time, answers late, overdue and unanswered, awaiting (per agency asked)."""
    r, x = t.InformationRequest, t.RequestTarget
    answered = x.status == str(TargetStatus.ANSWERED)
    pending = x.status == str(TargetStatus.PENDING)
    rows = session.execute(
        select(r.rating, _count(and_(answered, x.decided_at <= r.due_at)),
               _count(and_(answered, x.decided_at > r.due_at)), _count(and_(pending, r.due_at < now)),
               _count(and_(pending, r.due_at >= now)))
        .select_from(r)
        .join(x, x.request_id == r.id)
        .where(r.partnership_id == partnership_id, period.of(r.created_at))
        .group_by(r.rating)
        .execution_options(**{READ_FOR: STATISTICS})
    ).all()
    return {row[0]: tuple(int(value) for value in row[1:]) for row in rows}


def decisions_by_reason(session: Session, partnership_id: str, period: Period) -> dict[str, int]:
    """How often each reason code was given (a decision may give several)."""
    r, x = t.InformationRequest, t.RequestTarget
    # The reasons are a JSON array; matching each known code in its text works the same on both databases.
    text = cast(x.reasons, String)
    row = session.execute(
        select(*(_count(text.like(f'%"{reason}"%')) for reason in SharingReason))
        .select_from(x)
        .join(r, x.request_id == r.id)
        .where(r.partnership_id == partnership_id, period.of(r.created_at), x.status == str(TargetStatus.ANSWERED))
        .execution_options(**{READ_FOR: STATISTICS})
    ).one()
    return {str(reason): int(value) for reason, value in zip(SharingReason, row, strict=True)}


def encompass_acknowledgements(session: Session, partnership_id: str, period: Period, now: datetime
                               ) -> tuple[int, int, int, int]:
    """Operation Encompass notices: acknowledged before the school day started, after, unacknowledged past it,
    and still within time."""
    n = t.Notification
    acknowledged = n.acknowledged_at.is_not(None)
    row = session.execute(
        select(_count(and_(acknowledged, n.acknowledged_at <= n.due_at)),
               _count(and_(acknowledged, n.acknowledged_at > n.due_at)),
               _count(and_(~acknowledged, n.due_at < now)), _count(and_(~acknowledged, n.due_at >= now)))
        .select_from(n)
        .join(t.Child, t.Child.id == n.child_id)
        .where(t.Child.partnership_id == partnership_id, n.kind == "DOMESTIC_ABUSE_INCIDENT",
               n.due_at.is_not(None), period.of(n.created_at))
        .execution_options(**{READ_FOR: STATISTICS})
    ).one()
    return (int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def break_glass_by_agency_kind(session: Session, partnership_id: str, period: Period) -> dict[str, int]:
    b = t.BreakGlassSession
    rows = session.execute(
        select(t.Agency.kind, func.count())
        .select_from(b)
        .join(t.Agency, t.Agency.id == b.agency_id).join(t.Child, t.Child.id == b.child_id)
        .where(t.Child.partnership_id == partnership_id, period.of(b.started_at))
        .group_by(t.Agency.kind)
        .execution_options(**{READ_FOR: STATISTICS})
    ).all()
    return {kind: int(count) for kind, count in rows}
