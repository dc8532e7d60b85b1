"""A simulated council case system (JSON over HTTP), with Northbridge's children in its own format.

GET  /api/v1/about                          which council this is
GET  /api/v1/changes?since=SEQ&limit=N      involvements changed after SEQ, oldest first
GET  /api/v1/involvements/{id}/casenotes    the case notes of one involvement (FETCH)
POST /api/v1/notifications                  a notification from the hub (DELIVER)
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.northbridge import TODAY, Child, cohort, facts_rng, named_children
from adapters.simulation import ChangeFeed, Simulator
from adapters.social_care.config import DEFAULT, DEFAULT_PORT

WORKERS = ["Sam Social", "Sam Social", "Priya Shah", "Tom Barker"]
GENDER = {"female": "F", "male": "M", None: "U"}


class SocialCareSimulator(Simulator):
    name = "social_care"

    def __init__(self, port: int = 0, *, cohort_size: int = 200) -> None:
        super().__init__(port)
        self.feed = ChangeFeed()
        self.case_notes: dict[str, str] = {}
        self.notifications: list[dict[str, Any]] = []
        self._load(cohort_size)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/api/v1/about", self.about),
            Route("/api/v1/changes", self.changes),
            Route("/api/v1/involvements/{involvement_id}/casenotes", self.casenotes),
            Route("/api/v1/notifications", self.notify, methods=["POST"]),
        ]

    async def about(self, _: Request) -> Response:
        return JSONResponse({"laCode": DEFAULT.agency_code, "system": "Northbridge Children's Case System"})

    async def changes(self, request: Request) -> Response:
        try:
            since = int(request.query_params.get("since", "0"))
            limit = min(int(request.query_params.get("limit", "50")), 500)
        except ValueError:
            return JSONResponse({"error": "since and limit are whole numbers"}, status_code=400)
        page, last, more = self.feed.since(since, limit)
        return JSONResponse({"changes": page, "next": last, "more": more})

    async def casenotes(self, request: Request) -> Response:
        involvement_id = request.path_params["involvement_id"]
        if involvement_id not in self.case_notes:
            return JSONResponse({"error": "no such involvement"}, status_code=404)
        return JSONResponse({"involvementId": involvement_id, "caseNotes": self.case_notes[involvement_id]})

    async def notify(self, request: Request) -> Response:
        self.notifications.append({"body": await request.json(), "headers": dict(request.headers)})
        return JSONResponse({"received": True}, status_code=202)

    # -- fixtures -------------------------------------------------------------------------------------
    def add(self, involvement: dict[str, Any], notes: str) -> None:
        self.feed.put(involvement["involvementId"], involvement)
        self.case_notes[involvement["involvementId"]] = notes

    def _load(self, cohort_size: int) -> None:
        named = named_children()
        self.add(
            _involvement(
                "INV-1001",
                _person("LCS-1001", named["amelia"]),
                "CP_PLAN",
                "CPPI",
                "2026-06-24",
                case_opened="2026-06-03",
                categoryOfAbuse="emotional abuse and neglect",
            ),
            "Initial child protection conference on 24 June 2026 agreed a plan under emotional abuse and "
            "neglect. Core group meets monthly. Mother engaging; concerns about father's contact.",
        )
        self.add(
            _involvement(
                "INV-1002",
                _person("LCS-1002", named["noah"]),
                "LOOKED_AFTER",
                "LACI",
                "2025-01-10",
                legalStatus="under a care order (s.31)",
            ),
            "Placed with foster carers in Northbridge since January 2025.",
        )
        self.add(
            _involvement(
                "INV-1003",
                _person("LCS-1003", named["leo"]),
                "CHILD_IN_NEED",
                None,
                "2025-01-28",
                primaryNeed="family in refuge after domestic abuse",
            ),
            "Mother and Leo moved to a refuge in January 2025. Address must not be disclosed.",
        )
        jade = _person("LCS-1004", named["jade"])
        self.add(
            _involvement("INV-1004", jade, "LOOKED_AFTER", "LACI", "2024-03-01", legalStatus="s.20"),
            "Accommodated under s.20 with her agreement; placed in supported lodgings.",
        )
        unborn = {
            **_person("LCS-1005", named["jade-unborn"]),
            "mother": jade,
            "expectedDateOfDelivery": "2027-02-14",
        }
        self.add(
            _involvement(
                "INV-1005",
                unborn,
                "UNBORN_CP_PLAN",
                "UCPI",
                "2026-09-20",
                case_opened="2026-08-15",
                categoryOfAbuse="risk of neglect",
            ),
            "Pre-birth assessment concluded risk of neglect; plan agreed at conference.",
        )
        for index, child in enumerate(cohort(cohort_size)):
            self._cohort_involvement(index, child)

    def _cohort_involvement(self, index: int, child: Child) -> None:
        rng = facts_rng(child, "council")
        roll = rng.random()
        if roll < 0.25:
            kind, code, extra = (
                "CP_PLAN",
                "CPPI",
                {
                    "categoryOfAbuse": rng.choice(
                        ["neglect", "emotional abuse", "physical abuse", "sexual abuse"]
                    )
                },
            )
        elif roll < 0.40:
            kind, code, extra = (
                "LOOKED_AFTER",
                "LACI",
                {"legalStatus": rng.choice(["care order", "s.20 agreement"])},
            )
        elif roll < 0.65:
            kind, code, extra = "CHILD_IN_NEED", None, {"primaryNeed": "family in acute stress"}
        elif roll < 0.85:
            kind, code, extra = "EARLY_HELP", None, {}
        else:
            return
        started = TODAY - timedelta(days=rng.randint(10, 700))
        ended = started + timedelta(days=rng.randint(30, 300)) if rng.random() < 0.2 else None
        if ended is not None and ended >= TODAY:
            ended = None
        person = _person(f"LCS-{2000 + index}", child)
        if not child.social_care_has_nhs_number:
            person["nhsNumber"] = None
        involvement = _involvement(
            f"INV-{2000 + index}",
            person,
            kind,
            code,
            started.isoformat(),
            end=ended.isoformat() if ended else None,
            worker=rng.choice(WORKERS),
            **extra,
        )
        self.add(involvement, f"Case notes for {child.given}: plan reviewed, actions agreed with the family.")


def _person(person_id: str, child: Child) -> dict[str, Any]:
    return {
        "personId": person_id,
        "forename": child.given,
        "surname": child.family,
        "dateOfBirth": child.born.isoformat() if child.born else None,
        "gender": GENDER[child.sex],
        "postcode": child.postcode,
        "nhsNumber": child.nhs_number,
        "addressConfidential": child.address_withheld,
    }


def _involvement(
    involvement_id: str,
    person: dict[str, Any],
    kind: str,
    cpis: str | None,
    start: str,
    *,
    end: str | None = None,
    case_opened: str | None = None,
    worker: str = "Sam Social",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "involvementId": involvement_id,
        "type": kind,
        "cpisCode": cpis,
        "person": person,
        "startDate": start,
        "endDate": end,
        "status": "CLOSED" if end else "OPEN",
        "caseOpened": case_opened or start,
        "allocatedWorker": {"name": worker, "team": "Northbridge Safeguarding"},
        **extra,
    }


def main(port: int = DEFAULT_PORT) -> None:
    SocialCareSimulator(port).serve_forever()
