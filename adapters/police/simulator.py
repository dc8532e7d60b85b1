"""A simulated police records management system: occurrences as the force's export produces them.

    GET /rms/v2/status                                   which force this is
    GET /rms/v2/occurrences?modifiedAfter=N&pageSize=M   occurrences changed after N, oldest first

Names are spelled as given at the door and dates written day first (DD/MM/YYYY); no NHS numbers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.northbridge import TODAY, Child, cohort, facts_rng, named_children
from adapters.police.config import DEFAULT, DEFAULT_PORT
from adapters.simulation import ChangeFeed, Simulator


class PoliceSimulator(Simulator):
    name = "police"

    def __init__(self, port: int = 0, *, cohort_size: int = 200) -> None:
        super().__init__(port)
        self.feed = ChangeFeed(version_field="revision", seq_field="seq")
        self._load(cohort_size)

    def routes(self) -> list[BaseRoute]:
        return [Route("/rms/v2/status", self.status), Route("/rms/v2/occurrences", self.occurrences)]

    async def status(self, _: Request) -> Response:
        return JSONResponse({"forceCode": DEFAULT.agency_code, "system": "Northbridge RMS"})

    async def occurrences(self, request: Request) -> Response:
        try:
            after = int(request.query_params.get("modifiedAfter", "0"))
            size = min(int(request.query_params.get("pageSize", "100")), 500)
        except ValueError:
            return JSONResponse({"error": "modifiedAfter and pageSize are whole numbers"}, status_code=400)
        page, last, more = self.feed.since(after, size)
        return JSONResponse({"occurrences": page, "cursor": str(last), "hasMore": more})

    def put(self, occurrence: dict[str, Any]) -> dict[str, Any]:
        return self.feed.put(occurrence["occurrenceRef"], occurrence)

    def _load(self, cohort_size: int) -> None:
        named = named_children()
        amelia = nominal("NOM-1001", named["amelia"])
        self.put(
            occurrence(
                "NB-20260530-0142",
                amelia,
                "DOMESTIC_ABUSE",
                datetime(2026, 5, 30, 22, 40),
                "home address, NB1 2BD",
                encompass={
                    "childPresent": True,
                    "childLocation": "upstairs in her bedroom",
                    "spokenTo": True,
                    "childAccount": "Daddy was shouting and Mummy was crying.",
                    "circumstances": "Officers attended at 22:40 after a neighbour's call. Verbal "
                    "argument escalated; father arrested for common assault on mother.",
                    "doNotApproachParents": True,
                    "schoolUrn": "190001",
                },
            )
        )
        self.put(
            occurrence(
                "NB-INT-20260702-7",
                amelia,
                "INTELLIGENCE_MARKER",
                datetime(2026, 7, 2, 9, 0),
                None,
                marker={
                    "handling": "RESTRICTED",
                    "summary": "Live investigation concerning an adult in the household.",
                    "detail": "Operation LARCH: do not disclose.",
                },
            )
        )
        self.put(
            occurrence(
                "NB-20260912-0077",
                nominal("NOM-1002", named["noah"]),
                "MISSING_PERSON",
                datetime(2026, 9, 12, 21, 0),
                "foster placement, NB3",
                missing={
                    "foundAt": "2026-09-13T07:30:00",
                    "foundLocation": "a friend's home",
                    "returnInterview": True,
                    "notes": "Reported missing by carers at 21:00.",
                },
            )
        )
        # Jade's date of birth taken down day first as month first: a match a practitioner must confirm.
        jade = replace(named["jade"], police_dob_transposed=True).as_known_by_police()
        self.put(
            occurrence(
                "NB-20261020-0311",
                nominal("NOM-1004", jade),
                "MISSING_PERSON",
                datetime(2026, 10, 20, 23, 15),
                "town centre",
                missing={
                    "foundAt": "2026-10-21T02:10:00",
                    "foundLocation": "the bus station",
                    "returnInterview": False,
                    "notes": "Found by a patrol; taken to her placement.",
                },
            )
        )
        for index, child in enumerate(cohort(cohort_size)):
            rng = facts_rng(child, "police")
            if rng.random() >= 0.3:
                continue
            when = datetime.combine(
                TODAY - timedelta(days=rng.randint(1, 300)), datetime.min.time()
            ) + timedelta(hours=rng.randint(17, 23))
            person = nominal(f"NOM-{2000 + index}", child.as_known_by_police())
            self.put(
                occurrence(
                    f"NB-{when:%Y%m%d}-{index:04d}",
                    person,
                    "DOMESTIC_ABUSE",
                    when,
                    f"home address, {child.postcode}",
                    encompass={
                        "childPresent": rng.random() < 0.7,
                        "childLocation": "downstairs",
                        "spokenTo": False,
                        "circumstances": "Officers attended; adults separated.",
                        "doNotApproachParents": rng.random() < 0.2,
                        "schoolUrn": child.school_urn,
                    },
                )
            )
            if rng.random() < 0.2:
                self.put(
                    occurrence(
                        f"NB-INT-{index:04d}",
                        person,
                        "INTELLIGENCE_MARKER",
                        when,
                        None,
                        marker={
                            "handling": "RESTRICTED",
                            "summary": "Intelligence about an adult connected to the child.",
                        },
                    )
                )


def nominal(nominal_id: str, child: Child) -> dict[str, Any]:
    assert child.born is not None  # the police record born children only
    return {
        "nominalId": nominal_id,
        "forenames": child.given,
        "surname": child.family.upper(),
        "dob": child.born.strftime("%d/%m/%Y"),
        "sex": {"female": "F", "male": "M"}.get(child.sex or "", "U"),
        "address": {"postcode": child.postcode},
    }


def occurrence(
    ref: str, subject: dict[str, Any], kind: str, when: datetime, location: str | None, **extra: Any
) -> dict[str, Any]:
    return {
        "occurrenceRef": ref,
        "type": kind,
        "subject": subject,
        "occurredAt": when.isoformat(),
        "location": location,
        **extra,
    }


def main(port: int = DEFAULT_PORT) -> None:
    PoliceSimulator(port).serve_forever()
