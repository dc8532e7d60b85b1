"""`hub serve --with-simulators` starts the agency simulators on free ports (two demos side by side, or a
hub on 8101, no longer collide) unless HUB_ADAPTER_<SYSTEM>_URL names the system already."""

from __future__ import annotations

from dataclasses import replace

import httpx

from adapters.police.simulator import PoliceSimulator
from hub.adapters import demo_systems
from hub.adapters.registry import DEFAULT_PORTS
from hub.settings import Settings


def test_two_demos_start_side_by_side_on_free_ports() -> None:
    first, running_first = demo_systems.start(Settings.from_env({}))
    try:
        second, running_second = demo_systems.start(Settings.from_env({}))
        try:
            assert set(first.adapter_urls) == set(second.adapter_urls) == set(DEFAULT_PORTS)
            for system in DEFAULT_PORTS:
                assert first.adapter_urls[system] != second.adapter_urls[system]
            metadata = httpx.get(f"{second.adapter_urls['health_fhir']}/fhir/metadata", timeout=10)
            assert metadata.json()["resourceType"] == "CapabilityStatement"
        finally:
            demo_systems.stop(running_second)
    finally:
        demo_systems.stop(running_first)


def test_a_system_the_settings_name_is_used_and_not_simulated() -> None:
    with PoliceSimulator(cohort_size=5) as police:
        settings = replace(Settings.from_env({}), adapter_urls={"police": police.url})
        started, running = demo_systems.start(settings)
        try:
            assert "police" not in running and started.adapter_urls["police"] == police.url
            assert set(running) == set(DEFAULT_PORTS) - {"police"}
        finally:
            demo_systems.stop(running)
