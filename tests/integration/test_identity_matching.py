"""Matching against the database (SQLite and PostgreSQL): blocking finds the child, thresholds decide."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from hub.identity import matcher
from hub.identity.demographics import Demographics
from hub.identity.matcher import Outcome
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork


def add_child(session, partnership: str, given: str, family: str, born: date, sex: str, postcode: str) -> str:
    child = t.Child(
        id=t.new_id(),
        given_name=given,
        family_name=family,
        date_of_birth=born,
        sex=sex,
        postcode=postcode,
        partnership_id=partnership,
        created_at=datetime.now(UTC),
    )
    session.add(child)
    session.flush()
    matcher.index(session, child.id, matcher.demographics_of(child))
    return child.id


def test_a_child_known_to_two_agencies_under_different_names_is_linked_or_queued_by_score(hub) -> None:
    with UnitOfWork(
        hub.session_factory
    ) as uow:  # rolled back at the end: the shared database stays as seeded
        session = uow.session
        partnership = session.scalar(select(t.Partnership.id).where(t.Partnership.code == "NB"))
        muhammad = add_child(session, partnership, "Muhammad", "Rahman", date(2016, 2, 7), "male", "NB5 9RS")
        twin = add_child(session, partnership, "Yusra", "Rahman", date(2016, 2, 7), "female", "NB5 9RS")
        matcher.index_missing(session)  # the seeded children, indexed as a first sync does

        variant = matcher.match(
            session, Demographics("Mohammed", "RAHMAN", date(2016, 2, 7), "male", "NB5 9RX")
        )
        assert (variant.outcome, variant.child_id) == (Outcome.LINK, muhammad)

        transposed = matcher.match(
            session, Demographics("Muhammad", "Rahman", date(2016, 7, 2), "male", "NB5 9RS")
        )
        assert transposed.outcome == Outcome.REVIEW and transposed.child_id is None
        assert transposed.candidates[0].child_id == muhammad

        sibling = matcher.match(
            session, Demographics("Amira", "Rahman", date(2016, 2, 7), "female", "NB5 9RS")
        )
        assert sibling.outcome == Outcome.NEW  # the twin's sister, not the twin
        assert twin in {c.child_id for c in sibling.candidates}

        amelia = session.scalar(
            select(t.Child).where(
                t.Child.given_name == "Amelia",
                t.Child.family_name == "Hart",
                t.Child.nhs_number == "9990000018",
            )
        )
        assert amelia is not None
        exact = matcher.match(session, Demographics("Millie", "Hart", None, None, None, "9990000018"))
        assert (exact.outcome, exact.child_id, exact.score) == (Outcome.LINK, amelia.id, 1.0)
        unknown_number = matcher.match(
            session, Demographics("Amelia", "Hart", date(2017, 3, 14), "female", "NB1 2BD", "9990000239")
        )
        assert amelia.id not in {c.child_id for c in unknown_number.candidates if c.score > 0}
