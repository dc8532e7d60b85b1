"""The partnership's pages: its published arrangements for anyone (no sign-in), de-identified statistics for
its managers and scrutineer, serious incidents and their countdowns for its managers, and the child death
overview panel's statistics, cases and national export for CDOP members. Tables, simple charts (SVG bars
beside the tables that hold the figures) and CSV downloads; every page calls the services through the door,
and the public page is audited as an anonymous reader."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hub.domain.actor import Actor
from hub.domain.child_death import DeathStatistics
from hub.domain.statistics import Cell
from hub.errors import ForbiddenError
from hub.portal import forms
from hub.portal.web import Download, Outcome, Page, Portal, Visit
from hub.services import arrangements, child_death_statistics, child_deaths, partnership_report, serious_incidents
from hub.services.statistics_csv import death_statistics_csv, partnership_report_csv
from hub.web.requests import request_id

log = logging.getLogger("hub.portal")
CSV = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Bar:
    label: str
    count: str
    width: int | None  # percent of the longest bar; None when the count is suppressed


def bars(cells: tuple[Any, ...]) -> list[Bar]:
    """Bars for a chart: counts from 1 to 4 are suppressed and drawn as no bar at all."""
    numbers = [int(cell.count) for cell in cells if cell.count.isdigit()]
    longest = max(numbers, default=0) or 1
    return [Bar(cell.label, cell.count, round(int(cell.count) * 100 / longest) if cell.count.isdigit() else None)
            for cell in cells]


def _partnership(actor: Actor, query: Any) -> str:
    chosen = forms.text(query, "partnership")
    return chosen if chosen in actor.partnership_ids else min(actor.partnership_ids, default="")


class PartnershipPages:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/arrangements/{code}", self.public_arrangements),
            Route("/partnership/statistics", self.statistics),
            Route("/partnership/statistics.csv", self.statistics_csv),
            Route("/partnership/reviews", self.reviews),
            Route("/cdop", self.cdop),
            Route("/cdop/statistics.csv", self.cdop_csv),
            Route("/cdop/national-export.csv", self.cdop_export),
        ]

    def _case(self, query: Any, page: str) -> str:
        return forms.case_reference(forms.text(query, "case"), page, self.portal.clock().date())

    # -- the public page -------------------------------------------------------------------------------
    async def public_arrangements(self, request: Request) -> Response:
        """Anyone, signed in or not: the arrangements in force. Not found looks the same for a partnership
        that does not exist and one that has published nothing."""
        hub = self.portal.hub
        try:
            found = await run_in_threadpool(arrangements.public_arrangement, hub.gateway,
                                            request.path_params["code"], request_id(request))
        except Exception as error:  # the reading could not be recorded: show nothing
            log.error("public arrangements page failed: %s", type(error).__name__)
            return self.portal.error_page(request, 503)
        if found is None:
            return self.portal.error_page(request, 404)
        return self.portal.render(request, Page("partnership/arrangements.html", {"public": found}))

    # -- statistics for managers and the scrutineer ----------------------------------------------------
    def _report(self, visit: Visit, query: Any) -> Any:
        report = partnership_report.partnership_report(visit.door, self.portal.hub.workflow,
                                                       _partnership(visit.actor, query))
        if report is None:
            raise ForbiddenError("Partnership statistics are for the partnership's managers and its scrutineer.")
        return report

    async def statistics(self, request: Request) -> Response:
        query = request.query_params
        case = self._case(query, "PARTNERSHIP-STATISTICS")

        def work(visit: Visit) -> Outcome:
            report = self._report(visit, query)
            return Page("partnership/statistics.html", {
                "report": report, "case": case,
                "charts": [("Requests answered on time, by agencies asked", bars(tuple(
                    Cell(row.rating, row.answered_on_time) for row in report.timeliness))),
                    ("Decisions by reason", bars(report.decisions_by_reason)),
                    ("Operation Encompass acknowledgements", bars(report.encompass_acknowledgements)),
                    ("Reviews and their timeliness", bars(report.review_timeliness))]})

        return await self.portal.signed_in(request, work, purpose="PARTNERSHIP_ASSURANCE", case_reference=case)

    async def statistics_csv(self, request: Request) -> Response:
        query = request.query_params
        case = self._case(query, "PARTNERSHIP-STATISTICS")

        def work(visit: Visit) -> Outcome:
            report = self._report(visit, query)
            return Download(partnership_report_csv(report).encode(), CSV, "partnership-statistics.csv")

        return await self.portal.signed_in(request, work, purpose="PARTNERSHIP_ASSURANCE", case_reference=case)

    # -- serious incidents, for the partnership manager -------------------------------------------------
    async def reviews(self, request: Request) -> Response:
        case = self._case(request.query_params, "SERIOUS-INCIDENTS")

        def work(visit: Visit) -> Outcome:
            page = serious_incidents.list_incidents(visit.door, self.portal.hub.workflow)
            return Page("partnership/reviews.html", {"incidents": page.views, "total": page.total, "case": case})

        return await self.portal.signed_in(request, work, purpose="SERIOUS_INCIDENT_REVIEW", case_reference=case)

    # -- the child death overview panel ----------------------------------------------------------------
    def _panel(self, visit: Visit, query: Any) -> str:
        panels = child_death_statistics.panels(visit.door)
        chosen = forms.text(query, "panel")
        ids = [panel_id for panel_id, _ in panels]
        if not ids:
            raise ForbiddenError("No child death overview panel covers your partnership.")
        return chosen if chosen in ids else ids[0]

    def _panel_statistics(self, visit: Visit, query: Any) -> DeathStatistics:
        stats = child_death_statistics.death_statistics(visit.door, self._panel(visit, query))
        if stats is None:
            raise ForbiddenError("The panel's statistics are for its members.")
        return stats

    async def cdop(self, request: Request) -> Response:
        query = request.query_params
        case = self._case(query, "CDOP")

        def work(visit: Visit) -> Outcome:
            stats = self._panel_statistics(visit, query)
            return Page("partnership/cdop.html", {
                "stats": stats, "case": case, "deaths": child_deaths.list_deaths(visit.door),
                "charts": [("Deaths by category", bars(stats.by_category)),
                           ("Modifiable factors", bars(stats.by_modifiability))]})

        return await self.portal.signed_in(request, work, purpose="CHILD_DEATH_REVIEW", case_reference=case)

    async def cdop_csv(self, request: Request) -> Response:
        query = request.query_params
        case = self._case(query, "CDOP")

        def work(visit: Visit) -> Outcome:
            stats = self._panel_statistics(visit, query)
            return Download(death_statistics_csv(stats).encode(), CSV, "child-death-statistics.csv")

        return await self.portal.signed_in(request, work, purpose="CHILD_DEATH_REVIEW", case_reference=case)

    async def cdop_export(self, request: Request) -> Response:
        query = request.query_params
        case = self._case(query, "CDOP-NATIONAL-EXPORT")

        def work(visit: Visit) -> Outcome:
            export = child_death_statistics.national_export(visit.door, self._panel(visit, query))
            if export is None:
                raise ForbiddenError("The national export is for the panel's members.")
            return Download(export.encode(), CSV, "national-child-death-export.csv")

        return await self.portal.signed_in(request, work, purpose="CHILD_DEATH_REVIEW", case_reference=case)
