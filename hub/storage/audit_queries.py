"""Audit events for review, filtered and paged in SQL (keyset pagination on the sequence number)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from hub.domain.audit import BREAK_GLASS, REVIEW_BREAK_GLASS, AuditEventView, AuditFilter
from hub.storage import queries
from hub.storage import tables as t

E = t.AuditEvent
Agency = t.Agency
REVIEW_PURPOSE = "AUDIT_REVIEW"


def involving(agency_id: str) -> ColumnElement[bool]:
    """Events where the agency is the actor or the owner of what was accessed."""
    return or_(E.actor_agency_id == agency_id, E.owner_agency_id == agency_id)


def by_partners(agency_id: str) -> ColumnElement[bool]:
    """Accesses by other agencies to what this agency owns."""
    return and_(E.owner_agency_id == agency_id, E.actor_agency_id != agency_id)


def awaiting_review(agency_id: str) -> ColumnElement[bool]:
    """Break-glass uses involving the agency that none of its IG officers has reviewed yet."""
    review = aliased(t.AuditEvent)
    reviewed = exists().where(
        review.action == REVIEW_BREAK_GLASS, review.resource_id == cast(E.seq, String),
        review.actor_agency_id == agency_id, review.decision == "ALLOW",
    )
    return and_(E.action == BREAK_GLASS, involving(agency_id), ~reviewed)


def matching(wanted: AuditFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if wanted.since:
        clauses.append(E.occurred_at >= wanted.since)
    if wanted.until:
        clauses.append(E.occurred_at < wanted.until)
    if wanted.child_id:
        clauses.append(E.child_id == wanted.child_id)
    if wanted.practitioner_id:
        clauses.append(E.actor_practitioner_id == wanted.practitioner_id)
    if wanted.action:
        clauses.append(E.action == wanted.action)
    if wanted.decision:
        clauses.append(E.decision == wanted.decision)
    if wanted.hide_reviews_by:
        clauses.append(or_(E.actor_practitioner_id.is_(None), E.actor_practitioner_id != wanted.hide_reviews_by,
                           E.purpose.is_(None), E.purpose != REVIEW_PURPOSE))
    return clauses


def count_by_actor_agency(session: Session, conditions: list[ColumnElement[bool]]) -> list[tuple[str, int]]:
    """(agency name, events) for the events matching, most first."""
    rows = session.execute(
        select(Agency.name, func.count()).select_from(E).join(Agency, Agency.id == E.actor_agency_id)
        .where(*conditions).group_by(Agency.name).order_by(func.count().desc(), Agency.name)).all()
    return [(str(name), int(count)) for name, count in rows]


def page(session: Session, conditions: list[ColumnElement[bool]], *, first: int, after_seq: int | None,
         newest_first: bool) -> tuple[list[AuditEventView], int, bool]:
    """(events, total matching, whether more follow) for one page after the cursor."""
    total = session.scalar(select(func.count()).select_from(E).where(*conditions)) or 0
    query = select(E).where(*conditions)
    if after_seq is not None:
        query = query.where(E.seq < after_seq if newest_first else E.seq > after_seq)
    query = query.order_by(E.seq.desc() if newest_first else E.seq).limit(first + 1)
    rows = list(session.scalars(query))
    names = queries.agency_names(
        session, {a for row in rows for a in (row.actor_agency_id, row.owner_agency_id) if a})
    return [view(row, names) for row in rows[:first]], int(total), len(rows) > first


def event(session: Session, seq: int, condition: ColumnElement[bool]) -> AuditEventView | None:
    row = session.scalar(select(E).where(E.seq == seq, condition))
    if row is None:
        return None
    names = queries.agency_names(session, {a for a in (row.actor_agency_id, row.owner_agency_id) if a})
    return view(row, names)


def view(row: t.AuditEvent, names: dict[str, str]) -> AuditEventView:
    return AuditEventView(
        seq=row.seq, occurred_at=row.occurred_at, request_id=row.request_id, operation=row.operation,
        actor_practitioner_id=row.actor_practitioner_id, actor_email=row.actor_email, client_id=row.client_id,
        actor_agency_id=row.actor_agency_id, actor_agency_name=names.get(row.actor_agency_id or ""),
        action=row.action, resource_type=row.resource_type, resource_id=row.resource_id,
        child_id=row.child_id,
        owner_agency_id=row.owner_agency_id, owner_agency_name=names.get(row.owner_agency_id or ""),
        fields=tuple(row.fields or ()), purpose=row.purpose, lawful_basis=row.lawful_basis,
        case_reference=row.case_reference, decision=row.decision, rule=row.rule,
        policy_version=row.policy_version, reason=row.reason, hash=row.hash,
    )
