"""One ASGI middleware ties each request to what operators see: its request id (the caller's X-Request-Id
when sane, otherwise a new one, written back into the request so every endpoint, audit event and log line
uses the same), a server span, and its count and latency by operation. It also answers /metrics, to
loopback callers (a scraper beside the hub) or to a bearer of ``HUB_METRICS_TOKEN``: the counts say how
busy each agency's systems and rules are, which is not for everyone.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import time
import uuid
from typing import Any

from opentelemetry import trace
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry
from starlette.responses import JSONResponse, Response

from hub.observability import metrics
from hub.observability.logs import REQUEST_ID
from hub.observability.routes import operation
from hub.observability.tracing import tracer

_SANE_ID = re.compile(rb"[A-Za-z0-9._\-]{8,64}")
class Observability:
    def __init__(self, app: Any, state: CollectorRegistry, metrics_token: str | None = None) -> None:
        self.app = app
        self.state = state
        self.token = metrics_token

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == "/metrics":
            await self.metrics(scope)(scope, receive, send)
            return
        rid = _request_id(scope)
        bound = REQUEST_ID.set(rid)
        label = operation(scope["path"])
        status = 500
        started = time.perf_counter()

        async def watch(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with tracer().start_as_current_span(f"{scope['method']} {label}", kind=trace.SpanKind.SERVER,
                                            attributes={"hub.request_id": rid, "hub.operation": label}) as span:
            try:
                await self.app(scope, receive, watch)
            finally:
                metrics.LATENCY.labels(label).observe(time.perf_counter() - started)
                metrics.REQUESTS.labels(label, f"{status // 100}xx").inc()
                span.set_attribute("http.response.status_code", status)
                REQUEST_ID.reset(bound)

    def metrics(self, scope: Any) -> Response:
        if not (_loopback(scope) or self._bearer(scope)):
            return JSONResponse({"errors": [{"message": "Metrics are for the hub's operators.",
                                             "extensions": {"code": "FORBIDDEN"}}]}, status_code=403)
        return Response(metrics.exposition(self.state), media_type=CONTENT_TYPE_LATEST)

    def _bearer(self, scope: Any) -> bool:
        if not self.token:
            return False
        given = dict(scope.get("headers", [])).get(b"authorization", b"")
        return hmac.compare_digest(given, f"Bearer {self.token}".encode())


def _request_id(scope: Any) -> str:
    headers = [(name, value) for name, value in scope.get("headers", []) if name != b"x-request-id"]
    given = dict(scope.get("headers", [])).get(b"x-request-id", b"")
    rid = given.decode("ascii") if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
    scope["headers"] = [*headers, (b"x-request-id", rid.encode("ascii"))]
    return rid


def _loopback(scope: Any) -> bool:
    client = scope.get("client")
    try:
        return client is not None and ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return False
