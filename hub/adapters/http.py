"""The one HTTP client adapters use to reach agency systems.

Every call carries the caller's ``X-Request-Id``, ``X-Hub-User`` and ``X-Hub-Purpose``; has a connect and a
read timeout; reads at most ``max_response_bytes`` of the answer (a runaway export must not exhaust the
hub's memory); retries connection failures, timeouts, 429 and 5xx answers with exponential backoff and full
jitter; and stops calling a system that keeps failing (a circuit breaker) until a cool-down has passed, so
a dead agency system costs one quick error, not a pile of threads waiting on timeouts.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from hub.adapters.errors import AdapterConfigurationError, AgencyUnavailableError, SourceNotFoundError
from hub.observability import metrics, tracing

if TYPE_CHECKING:
    from hub.adapters.contract import CallContext

RETRIABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class ClientSettings:
    base_url: str
    timeout_seconds: float = 5.0
    max_attempts: int = 4
    backoff_base_seconds: float = 0.2
    backoff_max_seconds: float = 5.0
    max_response_bytes: int = 5 * 1024 * 1024
    circuit_failure_threshold: int = 5  # consecutive failed calls (after retries) before the circuit opens
    circuit_reset_seconds: float = 30.0

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise AdapterConfigurationError(f"An agency system's URL must be http(s), not {self.base_url!r}.")
        if self.max_attempts < 1 or self.timeout_seconds <= 0 or self.max_response_bytes <= 0:
            raise AdapterConfigurationError("Attempts, timeout and response cap must be positive.")


class CircuitBreaker:
    """Closed, then open after ``threshold`` consecutive failures; half-open (one trial) after ``reset``."""

    def __init__(
        self, threshold: int, reset_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._threshold = threshold
        self._reset = reset_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    def allow(self) -> bool:
        with self._lock:
            if self._opened_at is None:
                return True
            return self._clock() - self._opened_at >= self._reset  # half-open: let one trial through

    def succeeded(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self._threshold:
                self._opened_at = self._clock()

    @property
    def is_open(self) -> bool:
        return not self.allow()


class _Retriable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AgencyClient:
    def __init__(
        self,
        settings: ClientSettings,
        *,
        agency: str,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.agency = agency
        self.breaker = CircuitBreaker(settings.circuit_failure_threshold, settings.circuit_reset_seconds)
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        timeout = httpx.Timeout(settings.timeout_seconds, connect=min(settings.timeout_seconds, 3.0))
        self._http = httpx.Client(
            base_url=settings.base_url,
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            trust_env=False,
        )
        self.attempts = 0  # every attempt made, for operators' summaries and for tests

    def close(self) -> None:
        self._http.close()

    def get_json(self, path: str, context: CallContext, params: Mapping[str, str] | None = None) -> Any:
        body = self.get(path, context, params)
        try:
            return json.loads(body)
        except ValueError:
            raise AgencyUnavailableError(
                f"{self.agency} answered {path} with something that is not JSON."
            ) from None

    def get(self, path: str, context: CallContext, params: Mapping[str, str] | None = None) -> bytes:
        return self.request("GET", path, context, params=params)

    def post_json(self, path: str, context: CallContext, payload: Any) -> bytes:
        return self.request("POST", path, context, json=payload)

    def request(self, method: str, path: str, context: CallContext, **kwargs: Any) -> bytes:
        """The answer's body, or a clear error after the retries. Never a partial body."""
        with tracing.agency_call(self.agency, method) as trace_headers:
            outcome = "error"
            try:
                body = self._request(method, path, context, {**kwargs, "trace_headers": trace_headers})
                outcome = "ok"
                return body
            except SourceNotFoundError:
                outcome = "not_found"
                raise
            finally:
                metrics.ADAPTER_CALLS.labels(self.agency, outcome).inc()
                metrics.CIRCUIT_OPEN.labels(self.agency).set(1 if self.breaker.is_open else 0)

    def _request(self, method: str, path: str, context: CallContext, kwargs: dict[str, Any]) -> bytes:
        if not self.breaker.allow():
            raise AgencyUnavailableError(
                f"{self.agency} is unavailable: it failed {self.settings.circuit_failure_threshold} calls "
                "in a "
                f"row, so the hub is not calling it for {self.settings.circuit_reset_seconds:.0f} s."
            )
        last = "no attempt made"
        for attempt in range(1, self.settings.max_attempts + 1):
            remaining = self._remaining(context)
            if remaining is not None and remaining <= 0:
                last = f"no answer before the caller's deadline ({last})"
                break
            self.attempts += 1
            try:
                body = self._attempt(method, path, context, kwargs, remaining)
            except _Retriable as retriable:
                last = retriable.reason
                if attempt < self.settings.max_attempts:
                    pause = self._backoff(attempt)
                    remaining = self._remaining(context)
                    if remaining is not None and pause >= remaining:
                        last = f"no answer before the caller's deadline ({last})"
                        break
                    self._sleep(pause)
                continue
            except (AdapterConfigurationError, SourceNotFoundError):
                self.breaker.succeeded()  # the system answered; the fault is elsewhere
                raise
            self.breaker.succeeded()
            return body
        self.breaker.failed()
        raise AgencyUnavailableError(
            f"{self.agency} is unavailable: {method} {path} failed {self.settings.max_attempts} times; "
            f"last: {last}."
        )

    @staticmethod
    def _remaining(context: CallContext) -> float | None:
        return None if context.deadline is None else context.deadline - time.monotonic()

    def _attempt(self, method: str, path: str, context: CallContext, kwargs: dict[str, Any],
                 remaining: float | None = None) -> bytes:
        if remaining is not None and remaining < self.settings.timeout_seconds:
            kwargs = {**kwargs, "timeout": httpx.Timeout(remaining, connect=min(remaining, 3.0))}
        headers = {**context.headers(), **kwargs.get("trace_headers", {})}
        kwargs = {name: value for name, value in kwargs.items() if name != "trace_headers"}
        try:
            with self._http.stream(method, path, headers=headers, **kwargs) as response:
                status = response.status_code
                if status in RETRIABLE_STATUS:
                    raise _Retriable(f"HTTP {status}")
                if status in (404, 410):  # 410: gone, e.g. a search the server no longer keeps
                    raise SourceNotFoundError(f"{self.agency} holds nothing at {path}.")
                if status in (401, 403):
                    raise AdapterConfigurationError(
                        f"{self.agency} refused the hub's credentials (HTTP {status})."
                    )
                if status >= 400:
                    raise AdapterConfigurationError(
                        f"{self.agency} rejected {method} {path} (HTTP {status})."
                    )
                return self._read_capped(response)
        except httpx.TimeoutException:
            waited = min(remaining or self.settings.timeout_seconds, self.settings.timeout_seconds)
            raise _Retriable(f"no answer within {waited:.1f} s") from None
        except httpx.TransportError as error:
            raise _Retriable(f"connection failed ({type(error).__name__})") from None

    def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self.settings.max_response_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise _Retriable(f"the answer is {declared} bytes, over the cap of {cap}")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise _Retriable(f"the answer exceeded the cap of {cap} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _backoff(self, attempt: int) -> float:
        """Full jitter: a random wait up to an exponentially growing ceiling; retries do not synchronise."""
        ceiling = min(
            self.settings.backoff_max_seconds, self.settings.backoff_base_seconds * 2 ** (attempt - 1)
        )
        return self._rng.uniform(0, ceiling)
