"""A simulated school MIS, serving each school's roll and concerns as CSV downloads.

    GET /schools/{urn}                                                 the school
    GET /schools/{urn}/exports/roll.csv?changedSince=N&limit=M         pupils changed after change N
    GET /schools/{urn}/exports/concerns.csv?changedSince=N&limit=M     attendance and exclusion concerns

The columns and day-first dates are those of a typical MIS export; schools do not hold NHS numbers.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.northbridge import ACADEMY_URN, PRIMARY_URN, TODAY, Child, cohort, facts_rng, named_children
from adapters.school_mis.config import CONCERN_COLUMNS, DEFAULT_PORT, ROLL_COLUMNS
from adapters.simulation import ChangeFeed, Sequence, Simulator

SCHOOLS = {PRIMARY_URN: "Northbridge Primary School", ACADEMY_URN: "Northbridge Academy"}
PREFERRED = {"Oliver": "Ollie", "Theo": "Teddy", "Olivia": "Liv", "Harry": "Harry"}


class SchoolMisSimulator(Simulator):
    name = "school_mis"

    def __init__(self, port: int = 0, *, cohort_size: int = 200) -> None:
        super().__init__(port)
        # One change counter per school across both exports, as a MIS's audit table gives.
        sequences = {urn: Sequence() for urn in SCHOOLS}
        self.rolls = {urn: ChangeFeed("Row Version", "Change No", sequences[urn]) for urn in SCHOOLS}
        self.concerns = {urn: ChangeFeed("Row Version", "Change No", sequences[urn]) for urn in SCHOOLS}
        self._upns = 0
        self._load(cohort_size)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/schools/{urn}", self.school),
            Route("/schools/{urn}/exports/{export}.csv", self.export),
        ]

    async def school(self, request: Request) -> Response:
        urn = request.path_params["urn"]
        if urn not in SCHOOLS:
            return JSONResponse({"error": "no such school"}, status_code=404)
        return JSONResponse({"urn": urn, "name": SCHOOLS[urn]})

    async def export(self, request: Request) -> Response:
        urn, export = request.path_params["urn"], request.path_params["export"]
        feeds = {"roll": (self.rolls, ROLL_COLUMNS), "concerns": (self.concerns, CONCERN_COLUMNS)}
        if urn not in SCHOOLS or export not in feeds:
            return Response("not found", status_code=404)
        try:
            since = int(request.query_params.get("changedSince", "0"))
            limit = min(int(request.query_params.get("limit", "500")), 5000)
        except ValueError:
            return Response("changedSince and limit are whole numbers", status_code=400)
        feed, columns = feeds[export]
        rows, _, _ = feed[urn].since(since, limit)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        # The BOM and CRLF line ends are what spreadsheet-minded MIS exports produce.
        return Response(
            ("\ufeff" + out.getvalue()).encode("utf-8"),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{urn}-{export}.csv"'},
        )

    # -- fixtures -------------------------------------------------------------------------------------
    def admit(self, urn: str, child: Child, admitted: str, upn: str | None = None) -> dict[str, Any]:
        if upn is None:
            self._upns += 1
            upn = f"N{urn}{self._upns:06d}"
        row = {
            "UPN": upn,
            "Legal Surname": child.family,
            "Legal Forename": child.given,
            "Preferred Forename": PREFERRED.get(child.given, ""),
            "DOB": child.born.strftime("%d/%m/%Y") if child.born else "",
            "Gender": (child.sex or "U")[0].upper(),
            "Postcode": child.postcode,
            "Admission Date": admitted,
            "Leaving Date": "",
        }
        return self.rolls[urn].put(upn, row)

    def concern(
        self, urn: str, concern_id: str, pupil: dict[str, Any], kind: str, when: str, summary: str
    ) -> dict[str, Any]:
        row = {
            "Concern ID": concern_id,
            **{k: pupil[k] for k in ("UPN", "Legal Surname", "Legal Forename", "DOB", "Gender", "Postcode")},
            "Type": kind,
            "Date": when,
            "Summary": summary,
        }
        return self.concerns[urn].put(concern_id, row)

    def _load(self, cohort_size: int) -> None:
        named = named_children()
        amelia = self.admit(PRIMARY_URN, named["amelia"], "01/09/2021", "N190001000001")
        self.concern(
            PRIMARY_URN,
            "C-1",
            amelia,
            "Attendance",
            "10/10/2026",
            "Attendance 84% this term; late most Mondays.",
        )
        self.admit(ACADEMY_URN, named["noah"], "04/09/2023", "N190002000002")
        self.admit(PRIMARY_URN, named["leo"], "03/02/2025", "N190001000003")
        self.admit(ACADEMY_URN, named["jade"], "06/09/2021", "N190002000004")
        self._upns = 100
        for child in cohort(cohort_size):
            if child.school_urn is None or child.roll_since is None:
                continue
            pupil = self.admit(child.school_urn, child, child.roll_since.strftime("%d/%m/%Y"))
            rng = facts_rng(child, "school")
            if rng.random() < 0.2:
                kind = rng.choice(["Attendance", "Exclusion", "Welfare"])
                when = (TODAY - timedelta(days=rng.randint(1, 200))).strftime("%d/%m/%Y")
                summary = {
                    "Attendance": "Attendance below 90% this term.",
                    "Exclusion": "Suspended for two days after a fight.",
                    "Welfare": "School concern logged by the DSL.",
                }[kind]
                self.concern(child.school_urn, f"C-{pupil['UPN']}", pupil, kind, when, summary)


def main(port: int = DEFAULT_PORT) -> None:
    SchoolMisSimulator(port).serve_forever()
