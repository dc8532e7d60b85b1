"""A page of a list reads its children, with the actor's relationships with each, in one statement
(``queries.children_with_facts``): for every child and every actor it must give exactly the facts of the
one-child statement a read of one child runs (``queries.child_with_facts``), grants included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from hub.storage import queries
from hub.storage import tables as t
from hub.storage.relationships import Viewer
from hub.storage.unit_of_work import UnitOfWork
from tests.integration.test_sql_filter_matches_policy import ACTORS


@pytest.fixture
def grant_of_nothing(hub, demo):
    """A live grant to the primary school about Noah, of a category the council holds for other children but
    not for him: it covers none of his records, so it must not count as a grant of them (nor let the school
    know who he is). The API refuses such grants now; rows like it stay from before, and the SQL must hold."""
    noah = demo.child("Noah", "Price")
    council, primary = demo.agency("Northbridge Council Children's Services"), demo.agency("Northbridge Primary School")
    with UnitOfWork(hub.session_factory) as uow:
        held_for_noah = set(uow.session.scalars(select(t.RecordVersion.category).where(
            t.RecordVersion.child_id == noah, t.RecordVersion.owner_agency_id == council)))
        category = uow.session.scalar(select(t.RecordVersion.category).where(
            t.RecordVersion.owner_agency_id == council, t.RecordVersion.tier != "RESTRICTED",
            t.RecordVersion.category.not_in(held_for_noah)).limit(1))
        assert category is not None, "the council holds some category for other children but not for Noah"
        granted_by = uow.session.scalar(select(t.Practitioner.id).where(t.Practitioner.agency_id == council))
        grant = t.Grant(child_id=noah, owner_agency_id=council, grantee_agency_id=primary, category=category,
                        reason="Before categories were checked.", granted_by=granted_by,
                        granted_at=datetime.now(UTC), expires_at=datetime.now(UTC) + timedelta(hours=4))
        uow.session.add(grant)
        uow.commit()
        grant_id = grant.id
    yield noah
    with UnitOfWork(hub.session_factory) as uow:
        uow.session.execute(delete(t.Grant).where(t.Grant.id == grant_id))
        uow.commit()


@pytest.mark.parametrize(("email", "purpose"), ACTORS)
def test_a_page_of_children_has_the_facts_each_child_has_alone(hub, demo, grant_of_nothing, email, purpose) -> None:
    with UnitOfWork(hub.session_factory) as uow:
        session = uow.session
        practitioner = queries.practitioner_by_email(session, email)
        assert practitioner is not None
        actor = queries.load_actor(session, practitioner.id)
        assert actor is not None
        now = datetime.now(UTC)
        viewer = Viewer(actor.practitioner_id, actor.agency_id, actor.partnership_ids, now, now.date())
        children = list(session.scalars(select(t.Child.id).order_by(t.Child.id)))
        together = queries.children_with_facts(session, viewer, children)
        alone = {child_id: queries.child_with_facts(session, viewer, child_id) for child_id in children}
    assert grant_of_nothing in together
    assert {child_id: facts for child_id, (_, facts) in together.items()} == {
        child_id: found[1] for child_id, found in alone.items() if found is not None}
    assert not together[grant_of_nothing][1].granted  # the grant covers none of his records
