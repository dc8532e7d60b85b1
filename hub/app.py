"""The Starlette application: /graphql (POST, and subscriptions over a websocket), /oauth/token, the portal
at /portal, /healthz, /readyz, and security headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

from hub.bootstrap import Hub, bootstrap
from hub.door import Clock, utc_now
from hub.observability.metrics import state_registry
from hub.observability.middleware import Observability
from hub.portal.routes import portal_mount
from hub.settings import Settings
from hub.web.graphql import GraphQLEndpoint
from hub.web.nul_guard import NulGuard
from hub.web.oauth import TokenEndpoint
from hub.web.outage import StorageOutage
from hub.web.subscriptions import SubscriptionEndpoint

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
]


class SecurityHeaders:
    """Child data must not be cached, framed or sniffed."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    header for header in SECURITY_HEADERS if header[0] not in present
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(hub: Hub | None = None, settings: Settings | None = None, *, clock: Clock = utc_now) -> Starlette:
    """``clock`` drives the portal's session timeouts and lockouts (tests pass one they can move)."""
    hub = hub or bootstrap(settings)

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        def database_answers() -> None:
            with hub.engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        try:
            await run_in_threadpool(database_answers)
        except Exception:
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ready", "policy_version": hub.policy.version})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        hub.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", GraphQLEndpoint(hub), methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
            WebSocketRoute("/graphql", SubscriptionEndpoint(hub)),
            Route("/oauth/token", TokenEndpoint(hub), methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            portal_mount(hub, clock),
        ],
        middleware=[Middleware(SecurityHeaders),
                    Middleware(Observability, state=state_registry(hub.session_factory),
                               metrics_token=hub.settings.metrics_token),
                    Middleware(StorageOutage),
                    Middleware(NulGuard, gateway=hub.gateway)],
        lifespan=lifespan,
    )
    app.state.hub = hub
    return app
