"""Northbridge Police's records management system (occurrences export)."""

from __future__ import annotations

from hub.adapters.contract import AdapterConfig

DEFAULT_PORT = 8103
DEFAULT = AdapterConfig(base_url=f"http://127.0.0.1:{DEFAULT_PORT}", agency_code="NB01", page_size=100)
