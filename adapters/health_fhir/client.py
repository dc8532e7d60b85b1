"""The health adapter: pages through the trust's FHIR search of changed Patients, Flags and Encounters.

A sync starts a search of what changed after the newest ``meta.lastUpdated`` it has seen
(``_lastUpdated=gtT``) and then follows each Bundle's ``link[next]`` exactly as the server gave it: paging
links are the server's own (HAPI FHIR's name a stored search and an offset), opaque to clients. The last
page has no ``next``. Between pages the cursor holds the link to follow and the newest instant seen so
far; at the end, only the instant. A server that has forgotten a search (410 Gone, as HAPI's expire) is
searched again from that instant.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from adapters.health_fhir.mapping import map_resource
from hub.adapters.contract import (
    Adapter,
    AgencyUnavailableError,
    CallContext,
    Capability,
    Category,
    PullBatch,
    RawItem,
    SourceNotFoundError,
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
        next_url, since = _position(cursor)
        bundle: Any = None
        if next_url is not None:
            if not next_url.startswith(f"{self.config.base_url}/"):
                raise AgencyUnavailableError("the FHIR server's next link leads away from the server")
            try:
                bundle = self.client.get_json(next_url, context)
            except SourceNotFoundError:
                bundle = None  # the server forgot the search: search again from the newest change seen
        if bundle is None:
            params = {"_type": "Patient,Flag,Encounter", "_include": "*:subject", "_sort": "_lastUpdated",
                      "_count": str(self.config.page_size)}
            if since:
                params["_lastUpdated"] = f"gt{since}"
            bundle = self.client.get_json("/fhir/_search", context, params)
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
            since = _newer(since, (resource.get("meta") or {}).get("lastUpdated"))
        links = bundle.get("link", [])
        following = next((link.get("url") for link in links if isinstance(link, dict)
                          and link.get("relation") == "next" and isinstance(link.get("url"), str)), None)
        position: dict[str, str] = {"since": since} if since else {}
        if following:
            position["next"] = following
        return PullBatch(tuple(items), json.dumps(position, sort_keys=True), following is not None)

    def map(self, item: RawItem) -> SourceRecord:
        return map_resource(item)


def _position(cursor: str | None) -> tuple[str | None, str | None]:
    """(the next link to follow, the newest lastUpdated seen) from a stored cursor. A cursor from before
    links were followed (a bare change number) starts afresh: ingest finds what it holds unchanged."""
    if not cursor or not cursor.startswith("{"):
        return None, None
    try:
        position = json.loads(cursor)
    except ValueError:
        return None, None
    if not isinstance(position, dict):
        return None, None
    next_url, since = position.get("next"), position.get("since")
    return (next_url if isinstance(next_url, str) else None), (since if isinstance(since, str) else None)


def _newer(since: str | None, candidate: object) -> str | None:
    """The later of two FHIR instants (as given: they go back to the server verbatim)."""
    if not isinstance(candidate, str):
        return since
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return since
    if since is None:
        return candidate
    try:
        return candidate if moment > datetime.fromisoformat(since) else since
    except (TypeError, ValueError):
        return candidate
