"""Grants: an owning agency lets another agency read categories of its records about a child, for a time.

Grants are made by a decision to share in answer to an information request (``hub.services.sharing``), or
directly by the owning agency; both write them through ``issue_grants``. A grant never covers RESTRICTED
content (the policy says so), and stops working the moment it expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from hub.domain.record import Category
from hub.door import Door, Subject
from hub.errors import NotFoundError, ValidationError
from hub.policy import Decision
from hub.services.children import child_facts
from hub.storage import queries
from hub.storage import tables as t

MAX_GRANT_HOURS = 24 * 90


@dataclass(frozen=True)
class GrantRequest:
    child_id: str
    grantee_agency_id: str
    categories: tuple[Category, ...]
    hours: int
    reason: str


@dataclass(frozen=True)
class GrantView:
    id: str
    child_id: str
    owner_agency_id: str
    grantee_agency_id: str
    category: Category
    expires_at: datetime


def grant_access(door: Door, request: GrantRequest) -> list[GrantView]:
    subject = Subject("grant", None, request.child_id, door.actor.agency_id)
    door.access(subject, "grant")
    child = door.query(queries.child, request.child_id)
    if child is None:
        door.refuse(subject, "grant", "no such child")
        raise NotFoundError("No child with this id.")
    decision = door.decide("grant", child_facts(door, child), subject, audit=False)
    if not decision.allowed:
        door.record(subject, "grant", decision)
        raise NotFoundError("No child with this id.")
    problem = _problem(door, request)
    if problem is not None:
        door.refuse(subject, "grant", problem.message)
        raise problem
    return issue_grants(door, child_id=child.id, grantee_agency_id=request.grantee_agency_id,
                        categories=request.categories, expires_at=door.now() + timedelta(hours=request.hours),
                        reason=request.reason.strip(), decision=decision)


def issue_grants(door: Door, *, child_id: str, grantee_agency_id: str, categories: tuple[Category, ...],
                 expires_at: datetime, reason: str, decision: Decision,
                 request_id: str | None = None) -> list[GrantView]:
    """Write one grant per category of the actor's agency's records, each audited under ``decision`` (the
    decision that allowed the grant: a direct grant, or a sharing decision on a request)."""
    rows = [
        t.Grant(id=t.new_id(), child_id=child_id, owner_agency_id=door.actor.agency_id,
                grantee_agency_id=grantee_agency_id, category=str(category), reason=reason, request_id=request_id,
                granted_by=door.actor.practitioner_id, granted_at=door.now(), expires_at=expires_at)
        for category in sorted(set(categories))
    ]
    door.add_all(rows)
    door.flush()
    for row in rows:
        door.record(Subject("grant", row.id, child_id, door.actor.agency_id), "grant", decision,
                    fields=("category", "grantee_agency_id", "expires_at"),
                    reason=f"{row.category} to agency {row.grantee_agency_id} until {expires_at.isoformat()}"
                           + (f" (information request {request_id})" if request_id else ""))
    return [GrantView(r.id, r.child_id, r.owner_agency_id, r.grantee_agency_id, Category(r.category), r.expires_at)
            for r in rows]


def _problem(door: Door, request: GrantRequest) -> ValidationError | None:
    if not request.categories:
        return ValidationError("Name at least one category to grant.", field="categories")
    if not 0 < request.hours <= MAX_GRANT_HOURS:
        return ValidationError(f"A grant lasts between 1 and {MAX_GRANT_HOURS} hours.", field="hours")
    if not request.reason.strip():
        return ValidationError("Record why the information is shared.", field="reason")
    if request.grantee_agency_id == door.actor.agency_id:
        return ValidationError("Your agency already reads its own records.", field="granteeAgencyId")
    if not door.contacts([request.grantee_agency_id]):
        return ValidationError("No agency with this id.", field="granteeAgencyId")
    # A grant of nothing would still let the grantee reach the child (and so name them): refuse it.
    missing = sorted(set(map(str, request.categories)) - _categories_held(door, request.child_id))
    if missing:
        return ValidationError(f"Your agency holds no records of {', '.join(missing)} about this child.",
                               field="categories")
    return None


def _categories_held(door: Door, child_id: str) -> set[str]:
    """The categories of the actor's agency's records about the child."""
    return set(door.scalars(select(t.RecordVersion.category, t.RecordVersion.child_id).distinct().where(
        t.RecordVersion.child_id == child_id, t.RecordVersion.owner_agency_id == door.actor.agency_id)))
