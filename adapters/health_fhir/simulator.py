"""A simulated NHS trust FHIR R4 server, holding Northbridge's children as Patients, Flags and Encounters.

GET /fhir/metadata                                   the CapabilityStatement
GET /fhir/_search?_type=...&_cursor=N&_count=M       changed resources after N, with their Patients
"""

from __future__ import annotations

from datetime import timedelta
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


class HealthFhirSimulator(Simulator):
    name = "health_fhir"

    def __init__(self, port: int = 0, *, cohort_size: int = 200) -> None:
        super().__init__(port)
        self.feed = ChangeFeed(version_field="_version", seq_field="_seq")
        self._load(cohort_size)

    def routes(self) -> list[BaseRoute]:
        return [Route("/fhir/metadata", self.metadata), Route("/fhir/_search", self.search)]

    async def metadata(self, _: Request) -> Response:
        return JSONResponse(
            {
                "resourceType": "CapabilityStatement",
                "status": "active",
                "fhirVersion": "4.0.1",
                "kind": "instance",
                "format": ["json"],
            },
            media_type=FHIR_JSON,
        )

    async def search(self, request: Request) -> Response:
        try:
            cursor = int(request.query_params.get("_cursor", "0"))
            count = min(int(request.query_params.get("_count", "100")), 500)
        except ValueError:
            return JSONResponse(
                {
                    "resourceType": "OperationOutcome",
                    "issue": [
                        {
                            "severity": "error",
                            "code": "invalid",
                            "diagnostics": "_cursor and _count are integers",
                        }
                    ],
                },
                status_code=400,
                media_type=FHIR_JSON,
            )
        page, last, _more = self.feed.since(cursor, count)
        total = len(self.feed.since(cursor, 10**9)[0])  # matches from this cursor on, this page included
        entries = [
            {
                "fullUrl": f"{self.url}/fhir/{r['resourceType']}/{r['id']}",
                "resource": _public(r),
                "search": {"mode": "match"},
            }
            for r in page
        ]
        subjects = {(r.get("subject") or {}).get("reference") for r in page} - {None}
        for reference in sorted(subjects):
            patient = self.feed.get(reference)
            if patient is not None:
                entries.append(
                    {
                        "fullUrl": f"{self.url}/fhir/{reference}",
                        "resource": _public(patient),
                        "search": {"mode": "include"},
                    }
                )
        bundle = {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": total,
            "entry": entries,
            "link": [
                {"relation": "self", "url": str(request.url)},
                {"relation": "next", "url": f"{self.url}/fhir/_search?_cursor={last}&_count={count}"},
            ],
        }
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
    resource["meta"] = {**resource.get("meta", {}), "versionId": str(stored["_version"])}
    return resource


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
