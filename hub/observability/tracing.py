"""OpenTelemetry traces across the door, SQL and adapter calls; off unless ``HUB_OTEL_EXPORTER`` names an
exporter (``console``, or ``otlp`` where opentelemetry-exporter-otlp-proto-http is installed).

With no exporter the OpenTelemetry API's tracer does nothing, at the cost of a function call. Spans carry
operation names, SQL statements as written (parameters are never attached) and agency names: no ids of
children, no values. Agency calls carry the ``traceparent`` header, so an agency's own traces join ours.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import propagate, trace
from sqlalchemy import Engine, event

TRACER_NAME = "safeguarding-hub"


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME)


def configure(exporter: str | None, service_name: str = "safeguarding-hub") -> None:
    """Install a tracer provider exporting to ``exporter``; nothing at all when it is None or empty."""
    if not exporter:
        return
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

    chosen: SpanExporter
    if exporter == "console":
        chosen = ConsoleSpanExporter()
    elif exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # type: ignore[import-not-found]
            OTLPSpanExporter,
        )

        chosen = OTLPSpanExporter()
    else:
        raise ValueError(f"HUB_OTEL_EXPORTER must be console or otlp, not {exporter!r}")
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(BatchSpanProcessor(chosen))
    trace.set_tracer_provider(provider)


def trace_sql(engine: Engine) -> None:
    """A span per statement, named by its verb, with the statement text (never its parameters)."""

    @event.listens_for(engine, "before_cursor_execute")
    def start(conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
        span = tracer().start_span(f"SQL {statement.lstrip().split(' ', 1)[0].upper()}",
                                   kind=trace.SpanKind.CLIENT,
                                   attributes={"db.system": engine.dialect.name,
                                               "db.statement": statement[:2000]})
        if context is not None:
            context._hub_span = span
        else:
            span.end()

    @event.listens_for(engine, "after_cursor_execute")
    def end(conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
        span = getattr(context, "_hub_span", None)
        if span is not None:
            span.end()

    @event.listens_for(engine, "handle_error")
    def failed(context: Any) -> None:
        span = getattr(context.execution_context, "_hub_span", None) if context.execution_context else None
        if span is not None:
            span.set_status(trace.Status(trace.StatusCode.ERROR, type(context.original_exception).__name__))
            span.end()


@contextmanager
def agency_call(agency: str, method: str) -> Iterator[dict[str, str]]:
    """A span around one call to an agency system; yields the headers that carry the trace to it."""
    with tracer().start_as_current_span(f"{agency} {method}", kind=trace.SpanKind.CLIENT,
                                        attributes={"hub.agency": agency, "http.request.method": method}):
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        yield carrier
