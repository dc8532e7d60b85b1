"""A hung agency system (a real loopback server that accepts and never answers) must not stall the hub:
FETCH on demand runs outside the database transaction, under a deadline well below the request's, and its
failure is audited. On SQLite, where a transaction holds the database's one write lock, this is what keeps
unrelated reads from failing with "database is locked"."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from adapters.social_care.simulator import SocialCareSimulator
from hub.bootstrap import Hub, bootstrap
from hub.demo import seed
from hub.ingest.sync import Ingest
from hub.migrate import upgrade
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner, audit_rows
from tests.conftest import LiveServer, make_settings
from tests.databases import sqlite_url
from tests.faults.loopback import BlackHole

DEADLINE = 1.5  # HUB_FETCH_DEADLINE_SECONDS for this test
RECORDS = "query($id: ID!) { child(id: $id) { records(first: 20) { edges { node { category detail } } } } }"
FLAGS = "query($id: ID!) { child(id: $id) { records(first: 20) { edges { node { category summary } } } } }"


@pytest.fixture(scope="module")
def fed_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """A SQLite hub whose council records came through the social care adapter (so detail is FETCHed)."""
    url = sqlite_url(tmp_path_factory.mktemp("hung"))
    keys = tmp_path_factory.mktemp("keys")
    upgrade(url)
    simulator = SocialCareSimulator(cohort_size=20)
    simulator.start()
    try:
        hub = bootstrap(replace(make_settings(url, keys), adapter_urls={"social_care": simulator.url}))
        with UnitOfWork(hub.session_factory) as uow:
            seed(uow.session, records=False)
            uow.commit()
        assert hub.adapters is not None
        Ingest(hub.session_factory, hub.policy, hub.adapters.get("social_care"), "social_care").sync()
        hub.dispose()
    finally:
        simulator.stop()
    yield url, keys


def amelia(hub: Hub) -> str:
    with UnitOfWork(hub.session_factory) as uow:
        found = uow.session.scalar(select(t.Child.id).where(t.Child.given_name == "Amelia",
                                                            t.Child.family_name == "Hart"))
    assert found
    return found


def test_a_hung_agency_neither_holds_the_database_nor_outlasts_the_fetch_deadline(fed_url: Any) -> None:
    url, keys = fed_url
    with BlackHole() as hung:
        settings = replace(make_settings(url, keys), adapter_urls={"social_care": hung.url},
                           fetch_deadline_seconds=DEADLINE)
        hub = bootstrap(settings)
        child = amelia(hub)
        try:
            with LiveServer(hub) as live, httpx.Client(base_url=live.url, timeout=60) as http:
                sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
                dee = as_practitioner(hub, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING")
                slow: dict[str, Any] = {}

                def read_detail() -> None:
                    started = time.monotonic()
                    slow["response"] = sam.post(RECORDS, {"id": child})
                    slow["seconds"] = time.monotonic() - started

                reader = threading.Thread(target=read_detail)
                reader.start()
                deadline = time.monotonic() + 10
                while hung.accepted == 0 and time.monotonic() < deadline:  # the FETCH is now waiting
                    time.sleep(0.02)
                assert hung.accepted, "the hub never called the agency"
                others = []
                for _ in range(3):  # unrelated reads while the agency hangs
                    started = time.monotonic()
                    response = dee.post(FLAGS, {"id": child})
                    others.append((response, time.monotonic() - started))
                reader.join(timeout=60)
        finally:
            hub.dispose()
    for response, seconds in others:
        assert response.status_code == 200 and "errors" not in response.json(), response.text
        assert seconds < 1.0, f"an unrelated read waited {seconds:.1f} s behind the hung agency"
    response = slow["response"]
    assert response.status_code == 200, response.text
    assert slow["seconds"] < DEADLINE + 2, f"the read waited {slow['seconds']:.1f} s for a hung agency"
    nodes = response.json()["data"]["child"]["records"]["edges"]
    plan = next(e["node"] for e in nodes if e["node"]["category"] == "CHILD_PROTECTION_PLAN")
    assert plan["detail"] is None
    fetches = [r for r in audit_rows(hub, response.headers["x-request-id"]) if r["action"] == "fetch"]
    assert fetches and fetches[0]["decision"] == "DENY" and "could not give the detail" in fetches[0]["reason"]
