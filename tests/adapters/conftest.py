"""Adapter test fixtures: simulators on loopback ports, adapters with quick retries pointed at them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from adapters.simulation import Simulator
from hub.adapters.contract import Adapter, AdapterConfig

# Quick and small so fault tests take a second, not a minute: the behaviour is the same.
FAST = {
    "timeout_seconds": 0.5,
    "max_attempts": 3,
    "backoff_base_seconds": 0.01,
    "max_response_bytes": 1_000_000,
    "circuit_failure_threshold": 1000,
}


def running(simulator: Simulator) -> Iterator[Simulator]:
    simulator.start()
    try:
        yield simulator
    finally:
        simulator.stop()


def fast_adapter(kind: type[Adapter], config: AdapterConfig, simulator: Simulator) -> Iterator[Adapter]:
    simulator.faults.clear()
    adapter = kind(replace(config, base_url=simulator.url, **FAST), sleep=lambda _: None)
    try:
        yield adapter
    finally:
        simulator.faults.clear()
        adapter.close()


@pytest.fixture(autouse=True)
def _clear_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "simulator" in request.fixturenames:
        request.getfixturevalue("simulator").faults.clear()
