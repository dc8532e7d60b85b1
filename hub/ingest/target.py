"""What ingest needs to know about the adapter it writes for."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SyncTarget:
    adapter: str  # the registry name, e.g. "social_care"
    agency_id: str
    partnership_id: str
