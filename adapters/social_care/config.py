"""Northbridge Council's children's social care case system: where it is and what the hub may keep."""

from __future__ import annotations

from hub.adapters.contract import AdapterConfig

DEFAULT_PORT = 8101
# Case notes fetched on demand may be kept for five minutes, so a practitioner paging through a child's
# records does not call the council's system once per page; after that the council must be asked again.
DEFAULT = AdapterConfig(
    base_url=f"http://127.0.0.1:{DEFAULT_PORT}",
    agency_code="E06000901",
    page_size=50,
    detail_cache_seconds=300,
)
