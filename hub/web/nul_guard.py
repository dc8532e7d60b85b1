"""Refuse requests carrying NUL characters in the query string or a form body, before any page sees them.

No field of the hub takes a NUL, and PostgreSQL can neither store nor compare one, so a NUL that reached a
query would surface as an internal error. The refusal is a plain 400, audited like any malformed request.
(JSON bodies are checked by the GraphQL endpoint, which parses them.)
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse

from hub.access.request import Gateway, open_request
from hub.web.requests import request_id

FORM = b"application/x-www-form-urlencoded"
MAX_GUARDED_BODY = 1024 * 1024


def holds_nul(data: bytes) -> bool:
    return b"\x00" in data or b"%00" in data.lower()


class NulGuard:
    def __init__(self, app: Any, gateway: Gateway) -> None:
        self.app = app
        self.gateway = gateway

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if holds_nul(scope.get("query_string", b"")):
            await self._refuse(scope, receive, send)
            return
        if not headers.get(b"content-type", b"").lower().startswith(FORM):
            await self.app(scope, receive, send)
            return
        body, messages = await _read(receive)
        if holds_nul(body):
            await self._refuse(scope, _replay(messages, receive), send)
            return
        await self.app(scope, _replay(messages, receive), send)

    async def _refuse(self, scope: Any, receive: Any, send: Any) -> None:
        rid = request_id(Request(scope, receive))

        def record() -> None:
            # A request of its own that identifies no one and opens no door: it only refuses, on the record.
            with open_request(self.gateway, request_id=rid, operation="http") as refusal:
                refusal.refuse("request", "http", "MALFORMED_REQUEST: a NUL character")
                refusal.commit()

        await run_in_threadpool(record)
        response = PlainTextResponse("Bad request: text may not contain NUL characters.", status_code=400,
                                     headers={"X-Request-Id": rid})
        await response(scope, receive, send)


async def _read(receive: Any) -> tuple[bytes, list[Any]]:
    messages, body = [], b""
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if not message.get("more_body") or len(body) > MAX_GUARDED_BODY:
            break
    return body, messages


def _replay(messages: list[Any], receive: Any) -> Any:
    """The messages already read, then whatever the client still sends (a body past the guarded size)."""
    pending = list(messages)

    async def replayed() -> Any:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
