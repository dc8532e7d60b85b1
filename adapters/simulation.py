"""What every agency simulator shares: a real HTTP server on loopback, a log of the calls it received, and
faults a test can switch on (an error status, a slow answer, an oversized answer) to see how the hub copes.

A simulator is a Starlette app run by uvicorn in a background thread, on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

LOOPBACK = "127.0.0.1"
OVERSIZE_BYTES = 8 * 1024 * 1024


@dataclass
class Faults:
    """Switched on by tests; all off by default."""

    status: int | None = None  # answer every call with this status
    delay_seconds: float = 0.0  # wait this long before answering
    oversize: bool = False  # answer with a body larger than any sane cap
    remaining: int | None = None  # apply the faults to this many calls only (None: until cleared)

    def clear(self) -> None:
        self.status, self.delay_seconds, self.oversize, self.remaining = None, 0.0, False, None

    def active(self) -> bool:
        if self.status is None and not self.delay_seconds and not self.oversize:
            return False
        if self.remaining is None:
            return True
        if self.remaining <= 0:
            return False
        self.remaining -= 1
        return True


@dataclass(frozen=True)
class ReceivedCall:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class CallLog:
    calls: list[ReceivedCall] = field(default_factory=list)

    def last(self) -> ReceivedCall:
        return self.calls[-1]


Handler = Callable[[Request], Awaitable[Response]]


class Simulator:
    """An agency system's HTTP server. Subclasses give ``routes()``; ``start``/``stop`` run it."""

    name = "simulator"

    def __init__(self, port: int = 0) -> None:
        self.faults = Faults()
        self.log = CallLog()
        self.requested_port = port
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def routes(self) -> list[BaseRoute]:
        raise NotImplementedError

    def app(self) -> Starlette:
        app = Starlette(routes=self.routes())
        return _FaultInjector(app, self)  # type: ignore[return-value]

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> Simulator:
        """Serve in a background thread; on a free port (bound here, so no other process can take it
        between choosing and binding) unless one was asked for."""
        listener = socket.create_server((LOOPBACK, self.requested_port))
        self.port = listener.getsockname()[1]
        config = uvicorn.Config(
            self.app(), host=LOOPBACK, port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        server = self._server
        self._thread = threading.Thread(target=lambda: server.run(sockets=[listener]), daemon=True,
                                        name=f"sim-{self.name}")
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the {self.name} simulator did not start on port {self.port}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def serve_forever(self) -> None:
        """Run in the foreground (``hub adapters simulate NAME``)."""
        self.port = self.requested_port or _free_port()
        uvicorn.run(self.app(), host=LOOPBACK, port=self.port, log_level="info")

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _FaultInjector:
    """ASGI middleware: logs each call's headers, then answers with the active faults, if any."""

    def __init__(self, app: Any, simulator: Simulator) -> None:
        self.app = app
        self.simulator = simulator

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        self.simulator.log.calls.append(
            ReceivedCall(request.method, request.url.path, {k.lower(): v for k, v in request.headers.items()})
        )
        faults = self.simulator.faults
        if faults.active():
            if faults.delay_seconds:
                await asyncio.sleep(faults.delay_seconds)
            if faults.status is not None:
                await Response("simulated failure", status_code=faults.status)(scope, receive, send)
                return
            if faults.oversize:
                await Response(b"x" * OVERSIZE_BYTES, media_type="application/octet-stream")(
                    scope, receive, send
                )
                return
        await self.app(scope, receive, send)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


class Sequence:
    """A system's change numbers: each change gets the next one."""

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            self._value += 1
            return self._value


class ChangeFeed:
    """An agency system's items in change order: every put gets the next sequence number and version.

    ``since(seq)`` is what "changes since my cursor" means in each agency's API.
    """

    def __init__(
        self, version_field: str = "version", seq_field: str = "changeSeq", sequence: Sequence | None = None
    ) -> None:
        self._items: dict[str, dict[str, Any]] = {}
        self._sequence = sequence or Sequence()  # shared when two feeds of one system share change numbers
        self._version_field = version_field
        self._seq_field = seq_field
        self._lock = threading.Lock()

    def put(self, item_id: str, payload: dict[str, Any], *, version: int | None = None) -> dict[str, Any]:
        """Store a new version of an item (``version`` forces one, e.g. to replay an older version)."""
        with self._lock:
            previous = self._items.get(item_id, {}).get(self._version_field, 0)
            stored = {
                **payload,
                self._version_field: version if version is not None else previous + 1,
                self._seq_field: self._sequence.next(),
            }
            self._items[item_id] = stored
            return stored

    def update(self, item_id: str, **changes: Any) -> dict[str, Any]:
        return self.put(item_id, {**self._items[item_id], **changes})

    def get(self, item_id: str) -> dict[str, Any] | None:
        return self._items.get(item_id)

    def since(self, seq: int, limit: int) -> tuple[list[dict[str, Any]], int, bool]:
        """Items changed after ``seq``, oldest change first; the last sequence returned; whether more wait."""
        with self._lock:
            changed = sorted(
                (i for i in self._items.values() if i[self._seq_field] > seq),
                key=lambda i: i[self._seq_field],
            )
        page = changed[:limit]
        last = page[-1][self._seq_field] if page else seq
        return page, last, len(changed) > limit

    def __len__(self) -> int:
        return len(self._items)

    def values(self) -> list[dict[str, Any]]:
        return list(self._items.values())
