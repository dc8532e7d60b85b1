"""Matching a person an agency knows to a child the hub knows.

1. A valid NHS number that a child holds: that child (exact).
2. Otherwise the children sharing a blocking key are scored (``hub.identity.scoring``):
   - at or above ``AUTO_LINK``, and clearly ahead of the next candidate: link;
   - at or above ``REVIEW``, or two candidates too close to call: a practitioner decides (the queue);
   - below ``REVIEW``: a new child.
A wrong match flags the wrong child, so anything short of a clear, strong match goes to a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, exists, insert, or_, select
from sqlalchemy.orm import Session

from hub.domain.child import MatchConfidence
from hub.identity.demographics import Demographics
from hub.identity.keys import index_keys, lookup_keys
from hub.identity.scoring import score
from hub.identity.tables import IdentityKey
from hub.storage import sealing
from hub.storage import tables as t
from hub.storage.reads import MATCHING, READ_FOR

AUTO_LINK = 0.88  # names, date of birth and sex agreeing are not enough: the address must agree too
REVIEW = 0.60
MARGIN = 0.05  # the best candidate must lead the next by this much to be linked without review
KEPT_CANDIDATES = 5
MEDIUM = 0.75  # names and date of birth agreeing, without sex or address, score 10/12


class Outcome(StrEnum):
    LINK = "LINK"
    REVIEW = "REVIEW"
    NEW = "NEW"


@dataclass(frozen=True)
class Candidate:
    child_id: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    outcome: Outcome
    child_id: str | None
    score: float
    candidates: tuple[Candidate, ...]
    reason: str


_COLUMNS = (
    t.Child.id,
    t.Child.given_name,
    t.Child.family_name,
    t.Child.date_of_birth,
    t.Child.sex,
    t.Child.postcode,
    t.Child.nhs_number,
)


def match(session: Session, person: Demographics, *, address_reader: str | None = None,
          kept: int = KEPT_CANDIDATES) -> Match:
    """The outcome of matching ``person`` against the hub's children, with up to ``kept`` candidates.

    ``address_reader``: the agency the answer is for, when it is shown to one (FIND). A withheld address then
    counts only if that agency withheld it: for anyone else it is as if the hub held no address, so a guessed
    postcode cannot move the score, the order or the time taken. Ingest passes the ingesting agency, FIND the
    caller's. None: the hub's own matching, shown to no agency.
    """
    if person.nhs_number:
        child_id = session.scalar(select(t.Child.id).where(t.Child.nhs_number == person.nhs_number))
        if child_id is not None:
            return Match(
                Outcome.LINK,
                child_id,
                1.0,
                (Candidate(child_id, 1.0, ("NHS number agrees",)),),
                "exact NHS number",
            )
    query = person.normalised()
    born = or_(t.Child.date_of_birth.is_not(None), t.Child.mother_id.is_(None))  # never an unborn child
    # Driven from the key index: the blocks' child ids first, then those children by primary key.
    blocked = select(IdentityKey.child_id).where(IdentityKey.key.in_(sorted(lookup_keys(query))))
    rows = session.execute(
        select(*_COLUMNS, t.Child.address_withheld_by).where(t.Child.id.in_(blocked), born)
        .execution_options(**{READ_FOR: MATCHING})).all()  # scored, never released: hub.storage.reads
    scored = sorted(
        (
            Candidate(row.id, round(s.value, 4), s.reasons)
            for row in rows
            if (s := score(query, _candidate(session, row, address_reader).normalised())).value > 0
        ),
        key=lambda c: (-c.score, c.child_id),
    )[:kept]
    return decide(tuple(scored))


def _candidate(session: Session, row: Any, address_reader: str | None) -> Demographics:
    # A withheld address is sealed at rest. Matching inside the hub opens it (it is never released here); an
    # answer shown to an agency uses it only if that agency withheld it, and otherwise never opens it.
    withheld_from_reader = row.address_withheld_by is not None and address_reader is not None \
        and row.address_withheld_by != address_reader
    postcode = None if withheld_from_reader else sealing.open_stored_postcode(session, row.id, row.postcode)
    return Demographics(row.given_name, row.family_name, row.date_of_birth, row.sex, postcode, row.nhs_number)


def confidence(score_value: float) -> MatchConfidence:
    """The band a score falls in, as FIND shows it (scores below ``REVIEW`` are never shown)."""
    if score_value >= AUTO_LINK:
        return MatchConfidence.HIGH
    return MatchConfidence.MEDIUM if score_value >= MEDIUM else MatchConfidence.LOW


def decide(candidates: tuple[Candidate, ...]) -> Match:
    if not candidates or candidates[0].score < REVIEW:
        top = candidates[0].score if candidates else 0.0
        return Match(Outcome.NEW, None, top, candidates, "no candidate reaches the review threshold")
    best = candidates[0]
    runner_up = candidates[1].score if len(candidates) > 1 else 0.0
    if best.score >= AUTO_LINK and best.score - runner_up >= MARGIN:
        return Match(Outcome.LINK, best.child_id, best.score, candidates, "demographic match above auto-link")
    if best.score >= AUTO_LINK:
        return Match(Outcome.REVIEW, None, best.score, candidates, "two candidates too close to call")
    return Match(Outcome.REVIEW, None, best.score, candidates, "a possible match: a practitioner must decide")


def index(session: Session, child_id: str, person: Demographics) -> None:
    """(Re)write a child's blocking keys, e.g. when it is created or its birth is recorded."""
    session.execute(delete(IdentityKey).where(IdentityKey.child_id == child_id))
    keys = index_keys(person.normalised())
    session.execute(insert(IdentityKey), [{"key": key, "child_id": child_id} for key in sorted(keys)])


def index_missing(session: Session) -> int:
    """Index the children that have no keys yet (created before matching existed, or by ``hub demo``)."""
    rows = session.execute(select(*_COLUMNS).where(~exists().where(IdentityKey.child_id == t.Child.id))
                           .execution_options(**{READ_FOR: MATCHING})).all()
    for row in rows:
        index(session, row.id, Demographics(*row[1:]))
    return len(rows)


def demographics_of(child: t.Child) -> Demographics:
    return Demographics(
        child.given_name, child.family_name, child.date_of_birth, child.sex, child.postcode, child.nhs_number
    )
