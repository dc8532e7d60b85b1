"""The hub's logs are JSON lines with the request id, and hold no personal data: `hub serve` runs a
realistic flow (finding children by NHS number and by name, reading records, mistakes, portal pages with a
search in the address) and its whole log is searched for the demo children's names and NHS numbers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from hub.bootstrap import Hub
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import practitioner_token

HUB = str(Path(sys.executable).parent / "hub")
NAMED = [("Amelia", "Hart"), ("Noah", "Price"), ("Leo", "Walsh"), ("Jade", "Okafor"), ("Sophie", "Reed")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def personal_data(hub: Hub) -> list[str]:
    with UnitOfWork(hub.session_factory) as uow:
        numbers = [n for n in uow.session.scalars(select(t.Child.nhs_number)) if n]
    spaced = [f"{n[:3]} {n[3:6]} {n[6:]}" for n in numbers]
    return [*numbers, *spaced, *(name for pair in NAMED for name in pair)]


def test_a_realistic_flow_logs_json_with_request_ids_and_no_personal_data(hub: Hub, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "HUB_DATABASE_URL": hub.settings.database_url, "HUB_KEY_DIR": str(hub.settings.key_dir),
           "HUB_PORT": str(port), "HUB_LOG_FORMAT": "json"}
    log = (tmp_path / "hub.log").open("w")
    server = subprocess.Popen([HUB, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as http:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            token = practitioner_token(hub, "sam.social@council.northbridge.example")
            headers = {"Authorization": f"Bearer {token}", "Hub-Purpose": "S47_ENQUIRY",
                       "Hub-Case-Reference": "LOG-TEST-1", "X-Request-Id": "log-test-request-0001"}

            def gql(query: str, variables: dict[str, object]) -> httpx.Response:
                return http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)

            found = gql("query($n: String!) { findChildByNhsNumber(nhsNumber: $n) { childId } }",
                        {"n": "999 000 0018"}).json()
            child = found["data"]["findChildByNhsNumber"]["childId"]
            gql("query($id: ID!) { child(id: $id) { givenName familyName records { totalCount edges { node "
                "{ summary detail } } } } }", {"id": child})
            gql("query($i: FindChildrenInput!) { findChildren(input: $i) { childId } }",
                {"i": {"givenName": "Noah", "familyName": "Price", "dateOfBirth": "2014-03-02"}})
            gql("query($n: String!) { findChildByNhsNumber(nhsNumber: $n) { childId } }", {"n": "9990000019"})
            gql("query { child(id: \"Leo Walsh\") { givenName } }", {})  # a name where an id belongs
            gql("{ nonsense(name: \"Jade Okafor\") }", {})
            http.get("/portal/pupils", params={"search": "Sophie Reed", "nhs": "9990000018"})
            http.get("/portal/children/Amelia%20Hart")
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    lines = (tmp_path / "hub.log").read_text().splitlines()
    assert len(lines) > 5
    documents = [json.loads(line) for line in lines]  # every line is a JSON object
    assert any(d.get("request_id") == "log-test-request-0001" for d in documents)
    text = "\n".join(lines)
    leaked = [value for value in personal_data(hub) if value in text]
    assert not leaked, leaked
