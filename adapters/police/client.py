"""The police adapter: pulls changed occurrences from the force's records management system."""

from __future__ import annotations

from adapters.police.mapping import map_occurrence
from hub.adapters.contract import (
    Adapter,
    AgencyUnavailableError,
    CallContext,
    Capability,
    Category,
    PullBatch,
    RawItem,
    SourceRecord,
)


class PoliceAdapter(Adapter):
    name = "police"
    system = "police records management system"
    record_kinds = frozenset(
        {Category.DOMESTIC_ABUSE_INCIDENT, Category.MISSING_EPISODE, Category.POLICE_INTELLIGENCE}
    )
    capabilities = frozenset({Capability.PULL})

    def check(self, context: CallContext) -> None:
        status = self.client.get_json("/rms/v2/status", context)
        if not isinstance(status, dict) or status.get("forceCode") != self.agency_code:
            raise AgencyUnavailableError(
                f"the RMS at {self.config.base_url} is not force {self.agency_code}'s"
            )

    def _pull(self, cursor: str | None, context: CallContext) -> PullBatch:
        body = self.client.get_json(
            "/rms/v2/occurrences",
            context,
            {"modifiedAfter": cursor or "0", "pageSize": str(self.config.page_size)},
        )
        if not isinstance(body, dict) or not isinstance(body.get("occurrences"), list):
            raise AgencyUnavailableError("the RMS answer has no occurrences list")
        items = tuple(
            RawItem(str(o.get("occurrenceRef", "?")), o) for o in body["occurrences"] if isinstance(o, dict)
        )
        return PullBatch(items, str(body.get("cursor", cursor or "0")), bool(body.get("hasMore")))

    def map(self, item: RawItem) -> SourceRecord:
        return map_occurrence(item)
