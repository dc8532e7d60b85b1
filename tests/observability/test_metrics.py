"""/metrics: the counts operators scrape, for loopback callers or a bearer of the metrics token only."""

from __future__ import annotations

from dataclasses import replace

import httpx

from hub.bootstrap import Hub
from tests.api import as_practitioner
from tests.conftest import LiveServer

FAMILIES = ("hub_requests_total", "hub_request_seconds", "hub_decisions_total", "hub_audit_appends_total",
            "hub_audit_events_total", "hub_adapter_calls", "hub_adapter_circuit_open",
            "hub_audit_checkpoint_age_seconds", "hub_worker_queue_depth", "hub_requests_overdue",
            "hub_encompass_unacknowledged")


def test_metrics_count_requests_decisions_and_the_hubs_state(hub: Hub, http: httpx.Client, demo) -> None:
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    sam.gql("query($id: ID!) { child(id: $id) { givenName } }", {"id": demo.child("Amelia", "Hart")})
    text = http.get("/metrics").text
    for family in FAMILIES:
        assert f"# HELP {family}" in text, family
    assert 'hub_requests_total{operation="graphql",status="2xx"}' in text
    assert 'outcome="ALLOW"' in text and "hub_audit_checkpoint_age_seconds " in text
    assert "Amelia" not in text and demo.child("Amelia", "Hart") not in text  # labels are bounded, never ids


def test_metrics_are_refused_to_a_caller_beyond_the_proxy_without_the_token(hub: Hub) -> None:
    guarded = replace(hub, settings=replace(hub.settings, metrics_token="scrape-secret"))
    with LiveServer(guarded) as live, httpx.Client(base_url=live.url, timeout=30) as client:
        remote = {"X-Forwarded-For": "203.0.113.9"}  # through a proxy on this machine, from elsewhere
        assert client.get("/metrics", headers=remote).status_code == 403
        wrong = client.get("/metrics", headers={**remote, "Authorization": "Bearer guess"})
        assert wrong.status_code == 403
        allowed = client.get("/metrics", headers={**remote, "Authorization": "Bearer scrape-secret"})
        assert allowed.status_code == 200 and "hub_requests_total" in allowed.text
        assert client.get("/metrics").status_code == 200  # loopback itself
