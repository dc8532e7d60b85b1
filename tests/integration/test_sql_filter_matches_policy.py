"""The policy compiled to SQL must select exactly the records the policy allows when asked row by row.

For several demo practitioners, the worklist across all children (filtered in the database) is compared
with a brute-force evaluation of every current record through the policy, one at a time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hub.domain.access import PolicyActor, RecordFacts
from hub.domain.record import Tier
from hub.storage import queries
from hub.storage import tables as t
from hub.storage.relationships import Viewer, record_relationships
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner

WORKLIST = """query($after: String) { records(first: 100, after: $after, filter: {activeOnly: false}) {
  pageInfo { hasNextPage endCursor } edges { node { id } } } }"""

ACTORS = [
    ("mia.mash@council.northbridge.example", "MASH_TRIAGE"),
    ("dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING"),
    ("pat.police@police.northbridge.example", "POLICE_INVESTIGATION"),
    ("pat.police@police.northbridge.example", "MASH_TRIAGE"),
    ("hana.health@nhs.northbridge.example", "HEALTH_SAFEGUARDING"),
    ("sue.social@council.southvale.example", "S17_ASSESSMENT"),
    ("ula.urgent@nhs.northbridge.example", "UNSCHEDULED_CARE"),
]


def through_the_api(caller) -> set[str]:
    seen: set[str] = set()
    after = None
    while True:
        page = caller.gql(WORKLIST, {"after": after})["data"]["records"]
        seen |= {edge["node"]["id"] for edge in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


def row_by_row(hub, email: str, purpose: str) -> set[str]:
    """Every current record, each decided on its own by the policy."""
    with UnitOfWork(hub.session_factory) as uow:
        session = uow.session
        practitioner = queries.practitioner_by_email(session, email)
        actor = queries.load_actor(session, practitioner.id)
        now = datetime.now(UTC)
        viewer = Viewer(actor.practitioner_id, actor.agency_id, actor.partnership_ids, now, now.date())
        policy_actor = PolicyActor(frozenset(actor.roles), str(actor.agency_kind), purpose)
        flags = record_relationships(viewer)
        rows = session.execute(queries.current_versions().add_columns(*flags.values())).all()
        allowed = set()
        child_facts = {}
        for row, *values in rows:
            if row.child_id not in child_facts:
                child_facts[row.child_id] = queries.child_facts(session, viewer, session.get(t.Child, row.child_id))
            facts = RecordFacts(tier=row.tier, child=child_facts[row.child_id],
                                **{name: bool(v) for name, v in zip(flags, values, strict=True)})
            read = hub.policy.decide(policy_actor, "read", facts).allowed
            notice = row.tier == Tier.RESTRICTED and hub.policy.decide(policy_actor, "notice", facts).allowed
            if read or notice:
                allowed.add(row.record_key)
        return allowed


@pytest.mark.parametrize(("email", "purpose"), ACTORS)
def test_the_database_selects_exactly_what_the_policy_allows(hub, http, email, purpose) -> None:
    caller = as_practitioner(hub, http, email, purpose)
    expected = row_by_row(hub, email, purpose)
    assert through_the_api(caller) == expected
    with UnitOfWork(hub.session_factory) as uow:
        total = len(uow.session.execute(select(t.RecordVersion.record_key).distinct()).all())
    assert 0 < len(expected) < total or purpose == "UNSCHEDULED_CARE"  # a real filter, not all or nothing
