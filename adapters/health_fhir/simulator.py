"""A simulated NHS trust FHIR R4 server, holding Northbridge's children as Patients, Flags and Encounters.

GET /fhir/metadata                                       the CapabilityStatement
GET /fhir/_search?_type=...&_lastUpdated=gtT&_count=M    resources changed after T, with their Patients
GET /fhir?_getpages=ID&_getpagesoffset=N&_count=M        the next page of a search, as HAPI FHIR names it

A search is kept server-side and paged by the links in each Bundle (``link[next]``, absent on the last
page), so a client follows them as given and never builds one itself.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.health_fhir.config import (
    ACT_CODE,
    CONFIDENTIALITY,
    DEFAULT_PORT,
    FLAG_CODES,
    NHS_NUMBER_SYSTEM,
    SHARING_TIER,
)
from adapters.northbridge import TODAY, Child, cohort, facts_rng, named_children
from adapters.simulation import ChangeFeed, Simulator

FHIR_JSON = "application/fhir+json"
# A resource's meta.lastUpdated is this instant plus its change number in milliseconds: distinct and ordered.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
KEPT_SEARCHES = 100


class HealthFhirSimulator(Simulator):
    name = "health_fhir"

    def __init__(self, port: int = 0, *, cohort_size: int = 200) -> None:
        super().__init__(port)
        self.feed = ChangeFeed(version_field="_version", seq_field="_seq")
        self._searches: OrderedDict[str, list[str]] = OrderedDict()  # search id -> matched resource keys
        self._load(cohort_size)

    def routes(self) -> list[BaseRoute]:
        return [Route("/fhir/metadata", self.metadata), Route("/fhir/_search", self.search),
                Route("/fhir", self.page)]

    async def metadata(self, _: Request) -> Response:
        searchable = [{"type": kind, "interaction": [{"code": "search-type"}],
                       "searchParam": [{"name": "_lastUpdated", "type": "date"}]}
                      for kind in ("Patient", "Flag", "Encounter")]
        return JSONResponse(
            {
                "resourceType": "CapabilityStatement",
                "status": "active",
                "date": "2026-01-01",
                "publisher": "Northbridge NHS Trust (simulated)",
                "kind": "instance",
                "software": {"name": "hub health FHIR simulator"},
                "implementation": {"description": "Northbridge NHS Trust", "url": f"{self.url}/fhir"},
                "fhirVersion": "4.0.1",
                "format": ["json"],
                "rest": [{"mode": "server", "resource": searchable,
                          "interaction": [{"code": "search-system"}]}],
            },
            media_type=FHIR_JSON,
        )

    async def search(self, request: Request) -> Response:
        try:
            after = _seq_of(request.query_params.get("_lastUpdated"))
            count = _count(request)
        except ValueError as error:
            return _outcome(400, "invalid", str(error))
        matched, _, _ = self.feed.since(after, 10**9)
        search_id = uuid.uuid4().hex
        self._searches[search_id] = [f"{r['resourceType']}/{r['id']}" for r in matched]
        while len(self._searches) > KEPT_SEARCHES:
            self._searches.popitem(last=False)
        return self._bundle(request, search_id, 0, count)

    async def page(self, request: Request) -> Response:
        search_id = request.query_params.get("_getpages", "")
        if search_id not in self._searches:
            return _outcome(410, "not-found", "this search has expired: search again")
        try:
            offset, count = int(request.query_params.get("_getpagesoffset", "0")), _count(request)
        except ValueError as error:
            return _outcome(400, "invalid", str(error))
        return self._bundle(request, search_id, max(offset, 0), count)

    def _bundle(self, request: Request, search_id: str, offset: int, count: int) -> Response:
        keys = self._searches[search_id]
        page = [r for r in (self.feed.get(key) for key in keys[offset:offset + count]) if r is not None]
        entries = [
            {"fullUrl": f"{self.url}/fhir/{r['resourceType']}/{r['id']}", "resource": _public(r),
             "search": {"mode": "match"}}
            for r in page
        ]
        subjects = {(r.get("subject") or {}).get("reference") for r in page} - {None}
        for reference in sorted(subjects):
            patient = self.feed.get(reference)
            if patient is not None:
                entries.append({"fullUrl": f"{self.url}/fhir/{reference}", "resource": _public(patient),
                                "search": {"mode": "include"}})
        links = [{"relation": "self", "url": str(request.url)}]
        if offset + count < len(keys):
            links.append({"relation": "next", "url": f"{self.url}/fhir?_getpages={search_id}"
                          f"&_getpagesoffset={offset + count}&_count={count}&_bundletype=searchset"})
        bundle = {"resourceType": "Bundle", "type": "searchset", "total": len(keys), "link": links,
                  "entry": entries}
        return JSONResponse(bundle, media_type=FHIR_JSON)

    # -- fixtures -------------------------------------------------------------------------------------
    def put(self, resource: dict[str, Any]) -> dict[str, Any]:
        key = f"{resource['resourceType']}/{resource['id']}"
        return self.feed.put(key, resource)

    def _load(self, cohort_size: int) -> None:
        named = named_children()
        for key in ("amelia", "noah", "leo", "jade"):
            self.put(patient(named[key]))
        self.put(
            flag(
                "flag-amelia-1",
                named["amelia"],
                "health-concern",
                "Missed health appointments; weight below expected.",
                "2026-04-18",
                tier="DETAIL",
                narrative="Health visitor notes: three missed "
                "appointments since March; weight on the 9th centile, dropping from the 25th.",
            )
        )
        self.put(
            encounter(
                "enc-noah-1",
                named["noah"],
                "wrist injury",
                "2026-10-01T14:20:00+01:00",
                "Fall from bicycle per Noah; injury consistent with account.",
            )
        )
        self.put(
            flag(
                "flag-jade-1",
                named["jade"],
                "sexual-health",
                "Sexual health clinic contact.",
                "2026-06-01",
                restricted=True,
                narrative="Confidential sexual health consultation.",
            )
        )
        for child in cohort(cohort_size):
            self.put(patient(child))
            rng = facts_rng(child, "nhs")
            if rng.random() < 0.3:
                when = TODAY - timedelta(days=rng.randint(1, 300))
                if rng.random() < 0.5:
                    self.put(
                        encounter(
                            f"enc-{child.key}",
                            child,
                            rng.choice(["head injury", "burn", "fracture"]),
                            f"{when.isoformat()}T10:00:00+00:00",
                            "Clinician's notes of the attendance.",
                        )
                    )
                else:
                    self.put(
                        flag(
                            f"flag-{child.key}",
                            child,
                            "health-concern",
                            "Health contact of safeguarding interest.",
                            when.isoformat(),
                            tier="DETAIL",
                            narrative="Clinician's notes.",
                        )
                    )


def _public(stored: dict[str, Any]) -> dict[str, Any]:
    resource = {k: v for k, v in stored.items() if not k.startswith("_")}
    updated = EPOCH + timedelta(milliseconds=stored["_seq"])
    resource["meta"] = {**resource.get("meta", {}), "versionId": str(stored["_version"]),
                        "lastUpdated": updated.isoformat(timespec="milliseconds").replace("+00:00", "Z")}
    return resource


def _seq_of(last_updated: str | None) -> int:
    """The change number after which ``_lastUpdated=gtT`` matches (only ``gt`` is supported)."""
    if not last_updated:
        return 0
    if not last_updated.startswith("gt"):
        raise ValueError("_lastUpdated takes the gt prefix only, here")
    try:
        moment = datetime.fromisoformat(last_updated[2:])
    except ValueError:
        raise ValueError("_lastUpdated must be an instant") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(int((moment - EPOCH) / timedelta(milliseconds=1)), 0)


def _count(request: Request) -> int:
    try:
        return max(min(int(request.query_params.get("_count", "100")), 500), 1)
    except ValueError:
        raise ValueError("_count is an integer") from None


def _outcome(status: int, code: str, diagnostics: str) -> Response:
    return JSONResponse({"resourceType": "OperationOutcome",
                         "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}]},
                        status_code=status, media_type=FHIR_JSON)


def patient(child: Child) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": f"pt-{child.key}",
        "name": [{"use": "official", "family": child.family, "given": [child.given]}],
        "gender": child.sex or "unknown",
        "address": [{"use": "home", "postalCode": child.postcode}],
    }
    if child.nhs_number:
        resource["identifier"] = [{"system": NHS_NUMBER_SYSTEM, "value": child.nhs_number}]
    if child.born:
        resource["birthDate"] = child.born.isoformat()
    return resource


def flag(
    flag_id: str,
    child: Child,
    code: str,
    summary: str,
    start: str,
    *,
    tier: str = "SUMMARY",
    restricted: bool = False,
    narrative: str | None = None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"tag": [{"system": SHARING_TIER, "code": tier}]}
    if restricted:
        meta["security"] = [{"system": CONFIDENTIALITY, "code": "R"}]
    resource: dict[str, Any] = {
        "resourceType": "Flag",
        "id": flag_id,
        "meta": meta,
        "status": "active",
        "category": [
            {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/flag-category", "code": "safety"}]}
        ],
        "code": {"coding": [{"system": FLAG_CODES, "code": code}], "text": summary},
        "subject": {"reference": f"Patient/pt-{child.key}"},
        "period": {"start": start},
    }
    if narrative:
        resource["text"] = {
            "status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{narrative}</div>',
        }
    return resource


def encounter(encounter_id: str, child: Child, reason: str, start: str, narrative: str) -> dict[str, Any]:
    return {
        "resourceType": "Encounter",
        "id": encounter_id,
        "status": "finished",
        "class": {"system": ACT_CODE, "code": "EMER", "display": "emergency"},
        "subject": {"reference": f"Patient/pt-{child.key}"},
        "period": {"start": start},
        "reasonCode": [{"text": reason}],
        "text": {
            "status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{narrative}</div>',
        },
    }


def main(port: int = DEFAULT_PORT) -> None:
    HealthFhirSimulator(port).serve_forever()
