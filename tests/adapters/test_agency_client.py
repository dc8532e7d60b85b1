"""The shared agency client against a live simulator: backoff with jitter, the circuit breaker, the cap."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from adapters.police.simulator import PoliceSimulator
from hub.adapters.contract import AgencyClient, AgencyUnavailableError, ClientSettings
from hub.adapters.http import CircuitBreaker
from tests.adapters.conftest import running
from tests.adapters.contract import CONTEXT


@pytest.fixture(scope="module")
def simulator() -> Iterator[PoliceSimulator]:
    yield from running(PoliceSimulator(cohort_size=5))


def test_backoff_grows_exponentially_with_full_jitter(simulator: PoliceSimulator) -> None:
    waits: list[float] = []
    client = AgencyClient(
        ClientSettings(simulator.url, max_attempts=5, backoff_base_seconds=0.1),
        agency="police",
        sleep=waits.append,
        rng=random.Random(1),
    )
    simulator.faults.status = 503
    with pytest.raises(AgencyUnavailableError):
        client.get("/rms/v2/status", CONTEXT)
    assert len(waits) == 4  # between five attempts
    assert all(0 <= wait <= 0.1 * 2**i for i, wait in enumerate(waits))
    assert len(set(waits)) == 4  # jittered, not in lockstep
    client.close()


def test_the_circuit_opens_after_repeated_failures_and_fails_fast(simulator: PoliceSimulator) -> None:
    client = AgencyClient(
        ClientSettings(simulator.url, max_attempts=2, circuit_failure_threshold=2, circuit_reset_seconds=60),
        agency="police",
        sleep=lambda _: None,
    )
    simulator.faults.status = 500
    for _ in range(2):
        with pytest.raises(AgencyUnavailableError, match="failed 2 times"):
            client.get("/rms/v2/status", CONTEXT)
    calls = len(simulator.log.calls)
    with pytest.raises(AgencyUnavailableError, match="not calling it"):
        client.get("/rms/v2/status", CONTEXT)
    assert len(simulator.log.calls) == calls  # the open circuit spared the agency's system
    client.close()


def test_a_half_open_circuit_closes_again_on_success() -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=1, reset_seconds=30, clock=lambda: now[0])
    breaker.failed()
    assert not breaker.allow()
    now[0] = 31.0
    assert breaker.allow()  # one trial goes through
    breaker.succeeded()
    assert breaker.allow() and not breaker.is_open


def test_a_declared_length_over_the_cap_is_refused_before_reading(simulator: PoliceSimulator) -> None:
    client = AgencyClient(
        ClientSettings(simulator.url, max_attempts=1, max_response_bytes=1024),
        agency="police",
        sleep=lambda _: None,
    )
    simulator.faults.oversize = True
    with pytest.raises(AgencyUnavailableError, match="over the cap of 1024"):
        client.get("/rms/v2/status", CONTEXT)
    client.close()
