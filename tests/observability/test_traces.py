"""OpenTelemetry traces: one trace per request across the door and its SQL, and agency calls that carry the
trace to the agency's system. The spans hold statements as written, never the values a caller sent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adapters.police.simulator import PoliceSimulator
from hub.adapters.contract import CallContext
from hub.bootstrap import Hub, bootstrap
from hub.observability.tracing import tracer
from tests.api import as_practitioner
from tests.conftest import LiveServer, make_settings

EXPORTED = InMemorySpanExporter()


@pytest.fixture(scope="module")
def spans() -> Iterator[InMemorySpanExporter]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(EXPORTED))
    trace.set_tracer_provider(provider)  # the process's one provider (set once, as OpenTelemetry allows)
    yield EXPORTED
    EXPORTED.clear()


@pytest.fixture
def traced_hub(database_url: str, key_dir: Path) -> Iterator[tuple[Hub, PoliceSimulator]]:
    with PoliceSimulator(cohort_size=5) as police:
        settings = replace(make_settings(database_url, key_dir), otel_exporter="console",
                           adapter_urls={"police": police.url})
        hub = bootstrap(settings)  # an exporter named: SQL is traced
        yield hub, police
        hub.dispose()


def test_a_request_is_one_trace_across_the_door_and_sql(spans: InMemorySpanExporter,
                                                        traced_hub: tuple[Hub, PoliceSimulator]) -> None:
    hub, _ = traced_hub
    spans.clear()
    with LiveServer(hub) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
        sam.http.headers["X-Request-Id"] = "trace-test-request-01"
        sam.gql("query($n: String!) { findChildByNhsNumber(nhsNumber: $n) { childId } }", {"n": "9990000018"})
    finished = spans.get_finished_spans()
    [server] = [s for s in finished if s.attributes and s.attributes.get("hub.request_id") == "trace-test-request-01"]
    same_trace = [s for s in finished if s.context.trace_id == server.context.trace_id]
    statements = [s for s in same_trace if s.name.startswith("SQL ")]
    assert statements, [s.name for s in same_trace]
    assert any("audit_events" in str(s.attributes.get("db.statement")) for s in statements)
    assert all("9990000018" not in str(dict(s.attributes or {})) for s in finished)


def test_an_agency_call_is_a_span_and_carries_the_trace(spans: InMemorySpanExporter,
                                                        traced_hub: tuple[Hub, PoliceSimulator]) -> None:
    hub, police = traced_hub
    assert hub.adapters is not None
    with tracer().start_as_current_span("parent") as parent:
        hub.adapters.get("police").check(CallContext("trace-test-request-02", "tester@hub.example", "SYNC"))
    trace_id = format(parent.get_span_context().trace_id, "032x")
    assert trace_id in police.log.last().headers["traceparent"]
    assert any(s.name.endswith(" GET") and s.context.trace_id == parent.get_span_context().trace_id
               for s in spans.get_finished_spans())
