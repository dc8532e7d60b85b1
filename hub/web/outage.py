"""Storage outages answer 503 STORAGE_UNAVAILABLE, with Retry-After, and one log line per burst.

When the database goes away, every request fails the same way at once: in authentication, in a page's
queries, in the audit append, or in the unit of work's rollback on a dead connection. Each of those used to
escape as a plain-text 500 or a closed connection, with a traceback per request (1,700 in 8 s). This
middleware, around the whole app, turns any storage failure that reaches it into a coded JSON 503 the
caller can retry, and logs the outage once when it starts and once when storage answers again: the cause
is named by exception type only (a driver's message can quote SQL parameters, which may be personal data).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy import exc
from starlette.responses import HTMLResponse, JSONResponse, Response

log = logging.getLogger("hub.outage")

RETRY_AFTER_SECONDS = 5
# A burst ends after this long without a storage failure (or at the first success after one).
QUIET_SECONDS = 30.0

_STORAGE_ERRORS: tuple[type[BaseException], ...] = (
    exc.OperationalError,  # the server is gone, refuses connections, or (SQLite) is locked or unreadable
    exc.InterfaceError,
    exc.DisconnectionError,
    exc.TimeoutError,  # no connection free in the pool in time
    exc.PendingRollbackError,  # a session whose connection died mid-transaction
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
)


def is_storage_failure(error: BaseException) -> bool:
    """Whether ``error``, or what it was raised from or while handling, is the database being unavailable."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _STORAGE_ERRORS):
            return True
        if isinstance(current, exc.DBAPIError) and current.connection_invalidated:
            return True
        current = current.__cause__ or current.__context__
    return False


class OutageLog:
    """One line when storage starts failing, one when it answers again; nothing per request between."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, quiet_seconds: float = QUIET_SECONDS) -> None:
        self._clock = clock
        self._quiet = quiet_seconds
        self._lock = threading.Lock()
        self._refused = 0
        self._last_failure: float | None = None

    def failed(self, error: BaseException) -> None:
        now = self._clock()
        with self._lock:
            new_burst = self._last_failure is None or now - self._last_failure > self._quiet
            self._last_failure = now
            if new_burst:
                self._refused = 0
            self._refused += 1
        if new_burst:
            log.error("storage unavailable (%s): answering 503 STORAGE_UNAVAILABLE until it answers again",
                      _describe(error))

    def succeeded(self) -> None:
        if self._last_failure is None:  # the common case, without taking the lock
            return
        with self._lock:
            if self._last_failure is None:
                return
            refused, self._last_failure = self._refused, None
        log.warning("storage answering again after %d request(s) were refused with 503", refused)


class StorageOutage:
    """ASGI middleware: a storage failure that escapes the app becomes 503 JSON, if nothing was sent yet."""

    def __init__(self, app: Any, outage_log: OutageLog | None = None,
                 retry_after: int = RETRY_AFTER_SECONDS) -> None:
        self.app = app
        self.log = outage_log or OutageLog()
        self.retry_after = retry_after

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if message["status"] < 500:
                    self.log.succeeded()
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as error:
            if started or not is_storage_failure(error):
                raise
            self.log.failed(error)
            await self.response(scope)(scope, receive, send)

    def response(self, scope: Any) -> Response:
        headers = dict(scope.get("headers", []))
        rid = headers.get(b"x-request-id", b"").decode("latin-1")[:64]
        extra = {"Retry-After": str(self.retry_after), **({"X-Request-Id": rid} if rid else {})}
        accept = headers.get(b"accept", b"").decode("latin-1")
        if "text/html" in accept and "json" not in accept:  # a person at the portal, in a browser
            return HTMLResponse(_PAGE.format(seconds=self.retry_after), status_code=503, headers=extra)
        return JSONResponse(
            {"data": None, "errors": [{
                "message": "The hub's storage is unavailable, so nothing was read or written.",
                "extensions": {"code": "STORAGE_UNAVAILABLE",
                               "suggestion": f"Try again in {self.retry_after} seconds."},
            }]},
            status_code=503,
            headers=extra,
        )


_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Sorry, the service is unavailable</title></head>
<body><main><h1>Sorry, the service is unavailable</h1>
<p>Nothing was read or saved. Try again in {seconds} seconds.</p></main></body></html>
"""


def _describe(error: BaseException) -> str:
    names: list[str] = []
    current: BaseException | None = error
    while current is not None and len(names) < 3:
        names.append(f"{type(current).__module__}.{type(current).__qualname__}")
        current = current.__cause__
    return " from ".join(names)
