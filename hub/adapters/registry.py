"""The adapters the hub runs, by name, configured from settings; and their simulators.

Sync order matters for identity: the NHS first (it holds the NHS numbers), then the council, the
schools and the police (who hold none), so later agencies' people meet children already known.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from adapters.health_fhir import config as health_config
from adapters.health_fhir.client import HealthFhirAdapter
from adapters.police import config as police_config
from adapters.police.client import PoliceAdapter
from adapters.school_mis import config as school_config
from adapters.school_mis.client import SchoolMisAdapter
from adapters.simulation import Simulator
from adapters.social_care import config as social_care_config
from adapters.social_care.client import SocialCareAdapter
from hub.adapters.contract import Adapter, AdapterConfig, AdapterConfigurationError
from hub.settings import Settings


@dataclass(frozen=True)
class Registered:
    system: str  # the settings name: HUB_ADAPTER_<SYSTEM>_URL
    adapter: type[Adapter]
    config: AdapterConfig


REGISTERED: dict[str, Registered] = {
    "health_fhir": Registered("health_fhir", HealthFhirAdapter, health_config.DEFAULT),
    "social_care": Registered("social_care", SocialCareAdapter, social_care_config.DEFAULT),
    "school_mis_primary": Registered("school_mis", SchoolMisAdapter, school_config.PRIMARY),
    "school_mis_academy": Registered("school_mis", SchoolMisAdapter, school_config.ACADEMY),
    "police": Registered("police", PoliceAdapter, police_config.DEFAULT),
}
NAMES = tuple(REGISTERED)


def simulator_factories() -> dict[str, Callable[[int], Simulator]]:
    from adapters.health_fhir.simulator import HealthFhirSimulator
    from adapters.police.simulator import PoliceSimulator
    from adapters.school_mis.simulator import SchoolMisSimulator
    from adapters.social_care.simulator import SocialCareSimulator

    return {
        "health_fhir": HealthFhirSimulator,
        "social_care": SocialCareSimulator,
        "school_mis": SchoolMisSimulator,
        "police": PoliceSimulator,
    }


DEFAULT_PORTS = {
    "health_fhir": health_config.DEFAULT_PORT,
    "social_care": social_care_config.DEFAULT_PORT,
    "school_mis": school_config.DEFAULT_PORT,
    "police": police_config.DEFAULT_PORT,
}


class AdapterRegistry:
    """Builds each named adapter once, with its URL and detail cache time from settings."""

    def __init__(self, settings: Settings, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._settings = settings
        self._sleep = sleep
        self._built: dict[str, Adapter] = {}

    def config(self, name: str) -> AdapterConfig:
        registered = self._registered(name)
        config = registered.config
        url = self._settings.adapter_urls.get(registered.system)
        if url:
            config = replace(config, base_url=url.rstrip("/"))
        cache = self._settings.adapter_cache_seconds.get(registered.system)
        if cache is not None:
            config = replace(config, detail_cache_seconds=cache)
        return config

    def get(self, name: str) -> Adapter:
        if name not in self._built:
            self._built[name] = self._registered(name).adapter(self.config(name), sleep=self._sleep)
        return self._built[name]

    def find(self, name: str | None) -> Adapter | None:
        """The adapter a record's provenance names, or None (e.g. "demo", or an adapter no longer run)."""
        return self.get(name) if name in REGISTERED else None

    def close(self) -> None:
        for adapter in self._built.values():
            adapter.close()
        self._built.clear()

    @staticmethod
    def _registered(name: str) -> Registered:
        if name not in REGISTERED:
            raise AdapterConfigurationError(
                f"No adapter is called {name!r}; the adapters are {', '.join(NAMES)}."
            )
        return REGISTERED[name]
