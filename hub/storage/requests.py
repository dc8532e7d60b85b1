"""Information requests in the database: timescales, the partnership check, the facts that relate a request
to the actor (as SQL, for lists), and loading a request with its targets and rating history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, CompoundSelect, exists, select, union
from sqlalchemy.orm import Session

from hub.domain.information_request import DEFAULT_TIMESCALES, RagRating, Timescale
from hub.storage import tables as t


def timescale(session: Session, partnership_id: str, rating: RagRating) -> Timescale:
    """The partnership's own timescale for the rating, or the common default."""
    row = session.get(t.RequestTimescale, (partnership_id, str(rating)))
    return Timescale(row.hours, row.working_hours) if row else DEFAULT_TIMESCALES[rating]


def agencies_of_partnership(session: Session, partnership_id: str, agency_ids: Iterable[str]) -> set[str]:
    """Which of these agencies belong to the partnership."""
    return set(session.scalars(select(t.AgencyPartnership.agency_id).where(
        t.AgencyPartnership.partnership_id == partnership_id,
        t.AgencyPartnership.agency_id.in_(sorted(set(agency_ids))))))


def from_agency(agency_id: str) -> ColumnElement[bool]:
    return t.InformationRequest.requesting_agency_id == agency_id


def to_agency(agency_id: str) -> ColumnElement[bool]:
    return exists().where(t.RequestTarget.request_id == t.InformationRequest.id,
                          t.RequestTarget.agency_id == agency_id)


def made_or_asked(agency_id: str) -> CompoundSelect[str]:
    """The ids of the requests the agency made or was asked: each half found by its own index."""
    return union(select(t.InformationRequest.id).where(from_agency(agency_id)),
                 select(t.RequestTarget.request_id).where(t.RequestTarget.agency_id == agency_id))


@dataclass(frozen=True)
class LoadedRequest:
    request: t.InformationRequest
    targets: tuple[t.RequestTarget, ...]
    rating_changes: tuple[t.RequestRatingChange, ...]
    names: dict[str, str]  # practitioner id -> name, for everyone the views mention


def load(session: Session, requests: list[t.InformationRequest]) -> list[LoadedRequest]:
    """Requests with their targets, rating history and the names of the practitioners involved, in four
    queries however many requests there are."""
    ids = [request.id for request in requests]
    targets = session.scalars(select(t.RequestTarget).where(t.RequestTarget.request_id.in_(ids))
                              .order_by(t.RequestTarget.agency_id)).all()
    changes = session.scalars(select(t.RequestRatingChange).where(t.RequestRatingChange.request_id.in_(ids))
                              .order_by(t.RequestRatingChange.changed_at, t.RequestRatingChange.id)).all()
    people = {r.requested_by for r in requests} | {c.changed_by for c in changes} | {
        x.decided_by for x in targets if x.decided_by}
    names = dict(session.execute(select(t.Practitioner.id, t.Practitioner.name)
                                 .where(t.Practitioner.id.in_(sorted(people)))).all())
    return [LoadedRequest(request, tuple(x for x in targets if x.request_id == request.id),
                          tuple(c for c in changes if c.request_id == request.id), names)
            for request in requests]


def load_one(session: Session, request_id: str) -> LoadedRequest | None:
    request = session.get(t.InformationRequest, request_id)
    return load(session, [request])[0] if request else None
