"""The health adapter: pages through the trust's FHIR search of changed Patients, Flags and Encounters."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from adapters.health_fhir.mapping import map_resource
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


class HealthFhirAdapter(Adapter):
    name = "health_fhir"
    system = "NHS trust FHIR R4 server"
    record_kinds = frozenset(
        {Category.HEALTH_CONCERN, Category.SEXUAL_HEALTH, Category.UNSCHEDULED_CARE_ATTENDANCE}
    )
    capabilities = frozenset({Capability.PULL})

    def check(self, context: CallContext) -> None:
        statement = self.client.get_json("/fhir/metadata", context)
        if (
            not isinstance(statement, dict)
            or statement.get("resourceType") != "CapabilityStatement"
            or not str(statement.get("fhirVersion", "")).startswith("4.")
        ):
            raise AgencyUnavailableError(f"{self.config.base_url} is not a FHIR R4 server")

    def _pull(self, cursor: str | None, context: CallContext) -> PullBatch:
        bundle = self.client.get_json(
            "/fhir/_search",
            context,
            {
                "_type": "Patient,Flag,Encounter",
                "_include": "*:subject",
                "_cursor": cursor or "0",
                "_count": str(self.config.page_size),
            },
        )
        if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
            raise AgencyUnavailableError("the FHIR server answered with something other than a Bundle")
        entries = [
            e for e in bundle.get("entry", []) if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        ]
        included = {
            f"Patient/{e['resource'].get('id')}": e["resource"]
            for e in entries
            if e.get("search", {}).get("mode") == "include"
        }
        items = []
        for entry in entries:
            if entry.get("search", {}).get("mode") == "include":
                continue
            resource: dict[str, Any] = entry["resource"]
            source_id = f"{resource.get('resourceType')}/{resource.get('id')}"
            payload: dict[str, Any] = {"resource": resource}
            reference = (resource.get("subject") or {}).get("reference")
            if reference in included:
                payload["subject"] = included[reference]
            items.append(RawItem(source_id, payload))
        next_link = next(
            (link.get("url") for link in bundle.get("link", []) if link.get("relation") == "next"), None
        )
        next_cursor = parse_qs(urlparse(next_link).query).get("_cursor", [cursor])[0] if next_link else cursor
        total = bundle.get("total")
        return PullBatch(tuple(items), next_cursor, isinstance(total, int) and total > len(items))

    def map(self, item: RawItem) -> SourceRecord:
        return map_resource(item)
