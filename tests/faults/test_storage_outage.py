"""A database outage, injected for real: the hub reaches PostgreSQL through a loopback TCP proxy, which the
test cuts. Every request then gets a coded 503 JSON with Retry-After (not a plain-text 500 or a closed
connection), the log gets one line for the burst (not a traceback per request), and the hub answers again
when the database is back."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from hub.bootstrap import Hub, bootstrap
from tests.api import as_practitioner, practitioner_token
from tests.conftest import LiveServer, make_settings
from tests.faults.loopback import TcpProxy

ME = "{ me { name } }"


@pytest.fixture
def proxied_hub(database_url: str, key_dir: Path) -> Iterator[tuple[Hub, TcpProxy]]:
    """The session's seeded PostgreSQL database, reached through a proxy the test can cut."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() != "postgresql":
        pytest.skip("the outage is injected between the hub and a PostgreSQL server")
    with TcpProxy(parsed.port or 5432, parsed.host or "127.0.0.1") as proxy:
        through = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        hub = bootstrap(make_settings(through, key_dir))
        yield hub, proxy
        hub.dispose()


def test_a_database_outage_answers_503_storage_unavailable_and_logs_once(
        proxied_hub: tuple[Hub, TcpProxy], caplog: pytest.LogCaptureFixture) -> None:
    hub, proxy = proxied_hub
    token = practitioner_token(hub, "sam.social@council.northbridge.example")
    with LiveServer(hub) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
        assert sam.gql(ME)["data"]["me"]["name"]
        caplog.clear()
        caplog.set_level(logging.INFO)
        proxy.cut()

        def call(n: int) -> httpx.Response:
            if n % 3 == 0:
                return http.post("/oauth/token", data={"grant_type": "client_credentials",
                                                       "client_id": "northbridge-police-records",
                                                       "client_secret": "demo-police-secret"})
            if n % 3 == 1:
                return http.get("/portal/inbox", headers={"Cookie": "hub_portal=not-a-session"})
            return http.post("/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"})

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(call, range(60)))
        for response in answers:
            assert response.status_code == 503, (response.request.url, response.status_code, response.text[:200])
            assert response.headers["retry-after"].isdigit()
            assert response.json()["errors"][0]["extensions"]["code"] == "STORAGE_UNAVAILABLE"
        tracebacks = [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
        assert not tracebacks, [r.getMessage() for r in tracebacks][:3]
        outage_lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(outage_lines) == 1, [r.getMessage() for r in outage_lines][:5]
        assert "storage unavailable" in outage_lines[0].getMessage()

        proxy.restore()
        assert sam.gql(ME)["data"]["me"]["name"]  # back, without a restart
