"""Every list and lookup the API and the portal use can be served by an index on PostgreSQL.

A database of a few thousand children, ten records each (``hub demo --children``'s builder) and tens of
thousands of audit events; then the real API and portal calls, over HTTP, with every SELECT they send captured
and explained. Where the planner still prefers a sequential scan of a child-data table (a region of a few
thousand has a few schools, so one school's roll is a fifth of it, which in an area's hundreds of schools it
never is), the statement is explained again with sequential scans disabled: a sequential scan that remains
means no index can serve the query, and the test fails naming the table and the statement."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from hub import region
from hub.audit import ledger
from hub.audit.entry import AuditEntry, Verdict
from hub.bootstrap import Hub, bootstrap
from hub.demo import seed
from hub.migrate import upgrade
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import Caller, as_practitioner
from tests.conftest import LiveServer, make_settings
from tests.databases import fresh_postgres_database
from tests.deploy.plans import capture, sequential_scans, subplan_rows
from tests.integration.test_keyset_paging import ask_police, notify, publish
from tests.integration.test_portal_deny_by_default import signed_in
from tests.portal import DEE, IAN

pytestmark = pytest.mark.postgres

CHILDREN = 3_000
AUDIT_EVENTS = 20_000


@pytest.fixture(scope="module")
def region_hub(postgres_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    with fresh_postgres_database(postgres_server) as url:
        upgrade(url)
        hub = bootstrap(make_settings(url, tmp_path_factory.mktemp("plan-keys")))
        with UnitOfWork(hub.session_factory) as uow:
            seed(uow.session, children=0)
            uow.commit()
        region.build(hub.engine, hub.keys, CHILDREN)
        with UnitOfWork(hub.session_factory) as uow:  # an audit ledger of some size, about region children
            rng = random.Random(7)
            practitioners = list(uow.session.scalars(select(t.Practitioner.id)))
            now = datetime.now(UTC)
            for start in range(0, AUDIT_EVENTS, 5_000):
                ledger.append(uow.session, [AuditEntry(
                    occurred_at=now, request_id=f"plan-{start + i}", action="read", resource_type="record",
                    resource_id=t.new_id(), decision=Verdict.ALLOW, actor_practitioner_id=rng.choice(practitioners),
                    child_id=region.child_id(rng.randrange(CHILDREN)), reason="plan test")
                    for i in range(5_000)])
            uow.commit()
        with hub.engine.connect() as connection:
            connection.exec_driver_sql("COMMIT")
            connection.exec_driver_sql("ANALYZE")
        yield hub
        hub.dispose()


def child_on_dees_roll(hub: Hub) -> tuple[str, str]:
    with UnitOfWork(hub.session_factory) as uow:
        row = uow.session.execute(
            select(t.Child.id, t.Child.nhs_number).join(t.AgencyRecordLink, t.AgencyRecordLink.child_id == t.Child.id)
            .join(t.Agency, t.Agency.id == t.AgencyRecordLink.agency_id)
            .where(t.Agency.official_code == "190001", t.AgencyRecordLink.kind == "ROLL",
                   t.Child.nhs_number.is_not(None))
            .limit(1)).one()
    return row.id, row.nhs_number


def exercise(hub: Hub, http: httpx.Client) -> None:
    """The lists and lookups, as practitioners call them."""
    child_id, nhs = child_on_dees_roll(hub)
    with UnitOfWork(hub.session_factory) as uow:
        child = uow.session.get(t.Child, child_id)
        assert child is not None and child.date_of_birth is not None
        given, family, born = child.given_name, child.family_name, child.date_of_birth.isoformat()
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    for days in (1, 2, 3):  # a notification or two, and a lesson or two, to page through
        notify(hub, "sam.social@council.northbridge.example", datetime.now(UTC) - timedelta(days=days))
        publish(hub, datetime.now(UTC) - timedelta(days=days))
    for query, variables in [
        ("query($n: String!) { findChildByNhsNumber(nhsNumber: $n) { childId } }", {"n": nhs}),
        ("query($i: FindChildrenInput!) { findChildren(input: $i) { childId } }",
         {"i": {"givenName": given, "familyName": family, "dateOfBirth": born}}),
    ]:
        body = sam.gql(query, variables)
        assert "errors" not in body, body
    # Each list twice: its first page, and the next one, which seeks by the first page's last key.
    pages_of(sam, "query($id: ID!, $a: String) { child(id: $id) { givenName records(first: 2, after: $a) "
                  "{ totalCount edges { node { summary } } pageInfo { endCursor } } } }", ("child", "records"),
             {"id": child_id})
    pages_of(sam, "query($a: String) { notifications(first: 1, after: $a) { totalCount edges { node { summary } } "
                  "pageInfo { endCursor } } }", ("notifications",), {})
    pages_of(sam, "query($a: String) { lessons(first: 1, after: $a) { totalCount edges { node { title } } "
                  "pageInfo { endCursor } } }", ("lessons",), {})
    mia = as_practitioner(hub, http, "mia.mash@council.northbridge.example", "MASH_TRIAGE")
    pages_of(mia, "query($a: String) { records(filter: {tiers: [FLAG]}, first: 20, after: $a) { edges { node "
                  "{ summary } } pageInfo { endCursor } } }", ("records",), {})
    police = agency_id(hub, "POLICE")
    for _ in range(2):
        assert ask_police(mia, child_id, police)
    pages_of(mia, "query($a: String) { informationRequests(first: 1, after: $a) { totalCount edges { node { id } } "
                  "pageInfo { endCursor } } }", ("informationRequests",), {})
    ula = as_practitioner(hub, http, "ula.urgent@nhs.northbridge.example", "UNSCHEDULED_CARE")
    assert "errors" not in ula.gql("query($n: String!) { childByNhsNumber(nhsNumber: $n) { records { totalCount } } }",
                                   {"n": nhs})
    ian = as_practitioner(hub, http, IAN, "AUDIT_REVIEW")
    pages_of(ian, "query($a: String) { auditEvents(first: 50, after: $a) { edges { node { id } } "
                  "pageInfo { endCursor } } }", ("auditEvents",), {})
    for query in ["query($c: ID!) { auditEvents(filter: {childId: $c}, first: 50) { edges { node { id } } } }",
                  "query($c: ID!) { childAccessHistory(childId: $c, first: 100) { edges { node { id } } } }",
                  "{ partnerAccesses(first: 50) { edges { node { id } } } }",
                  "{ breakGlassReviewQueue(first: 50) { edges { node { id } } } }"]:
        body = ian.gql(query, {"c": child_id} if "$c" in query else None)
        assert "errors" not in body, body
    for email, pages in [(DEE, ["/portal/pupils", "/portal/inbox", f"/portal/children/{child_id}"]),
                         (IAN, ["/portal/audit", f"/portal/audit/child?child_id={child_id}", "/portal/audit/partners",
                                "/portal/audit/break-glass"])]:
        http.cookies.clear()
        signed_in(http, email)
        for page in pages:
            response = http.get(page)
            assert response.status_code == 200, (page, response.status_code)
            if following := NEXT.search(response.text):  # and the next page, from its link
                assert http.get(following.group(1).replace("&amp;", "&")).status_code == 200, page


NEXT = re.compile(r'href="([^"]+)" rel="next"')


def pages_of(caller: Caller, query: str, path: tuple[str, ...], variables: dict[str, Any]) -> None:
    """A list's first page and the page after it."""
    after = None
    for _ in range(2):
        body = caller.gql(query, {**variables, "a": after})
        assert "errors" not in body, body
        found = body["data"]
        for name in path:
            found = found[name]
        after = found["pageInfo"]["endCursor"]
        assert after, (path, "the list needs more than one page")


def agency_id(hub: Hub, kind: str) -> str:
    with UnitOfWork(hub.session_factory) as uow:
        found = uow.session.scalar(select(t.Agency.id).where(t.Agency.kind == kind).order_by(t.Agency.name).limit(1))
    assert found
    return found


def test_no_list_or_lookup_needs_a_sequential_scan_of_child_data(region_hub: Hub) -> None:
    with LiveServer(region_hub) as live, httpx.Client(base_url=live.url, timeout=60, follow_redirects=True) as http, \
            capture(region_hub.engine) as captured:
        exercise(region_hub, http)
    assert len(captured.statements) > 20
    sent = "\n".join(captured.statements)
    # The next pages were read by seeking past the first page's last key (hub.services.paging), list by list.
    assert [kind for kind in ("record", "notification", "information_request", "lesson", "pupil")
            if f"{kind}_after_0" not in sent] == []
    preferred: dict[str, set[str]] = {}
    unserved: dict[str, set[str]] = {}
    for statement, parameters in captured.statements.items():
        if scanned := sequential_scans(region_hub.engine, statement, parameters, seqscan=True):
            preferred[statement] = scanned
            if remaining := sequential_scans(region_hub.engine, statement, parameters, seqscan=False):
                unserved[statement] = remaining
    report = "\n\n".join(f"{sorted(tables)}:\n{statement[:600]}" for statement, tables in unserved.items())
    assert not unserved, f"{len(unserved)} statements no index can serve:\n{report}"


def test_a_worklist_page_probes_its_rows_instead_of_reading_the_area(region_hub: Hub) -> None:
    """The flags a list selects are computed for the page's rows: a subplan that ran produced no more rows than
    the page holds (a hashed one read all the MASH team's links and the area's children, thousands here)."""
    with LiveServer(region_hub) as live, httpx.Client(base_url=live.url, timeout=60) as http:
        mia = as_practitioner(region_hub, http, "mia.mash@council.northbridge.example", "MASH_TRIAGE")
        with capture(region_hub.engine) as captured:
            body = mia.gql("{ records(filter: {tiers: [FLAG]}, first: 20) { edges { node { summary } } } }")
    assert "errors" not in body and len(body["data"]["records"]["edges"]) == 20, body
    [(statement, parameters)] = [(sql, p) for sql, p in captured.statements.items() if "child_flags" in sql]
    produced = subplan_rows(region_hub.engine, statement, parameters)
    assert produced
    assert max(produced.values()) <= 21, produced  # a page of twenty, and one more to know another follows
