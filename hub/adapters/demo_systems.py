"""The agency systems of the demo (``hub serve --with-simulators``): a simulator for each system the
settings do not already point somewhere (``HUB_ADAPTER_<SYSTEM>_URL``), each on a free loopback port, and
the settings the hub then runs with, naming where each one listens.

Fixed ports (8101-8104) made a second demo, or a hub on one of those ports, fail to start.
"""

from __future__ import annotations

from dataclasses import replace

from adapters.simulation import Simulator
from hub.adapters.registry import simulator_factories
from hub.settings import Settings


def start(settings: Settings) -> tuple[Settings, dict[str, Simulator]]:
    """Start the simulators the settings need; the settings with their URLs, and what was started."""
    urls = dict(settings.adapter_urls)
    running: dict[str, Simulator] = {}
    try:
        for system, factory in simulator_factories().items():
            if urls.get(system):
                continue  # the operator named this system's URL: use it, start nothing in its place
            running[system] = factory(0).start()  # port 0: a free one, bound by the server itself
            urls[system] = running[system].url
    except BaseException:
        stop(running)
        raise
    return replace(settings, adapter_urls=urls), running


def stop(running: dict[str, Simulator]) -> None:
    for simulator in running.values():
        simulator.stop()
