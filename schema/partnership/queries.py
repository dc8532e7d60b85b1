"""Query fields of the partnership's own work: each resolver calls one service with the request's door."""

from __future__ import annotations

import datetime

import strawberry

from hub.context import RequestContext
from hub.services import (
    arrangements,
    child_death_statistics,
    child_deaths,
    lessons,
    rapid_reviews,
    serious_incidents,
)
from schema.partnership.types import (
    ChildDeath,
    ChildDeathStatistics,
    LessonConnection,
    LessonFilter,
    PartnershipArrangement,
    RapidReview,
    SeriousIncident,
)
from schema.types import PageInfo

Info = strawberry.Info[RequestContext, None]


@strawberry.type
class SeriousIncidentConnection:
    edges: list[SeriousIncidentEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class SeriousIncidentEdge:
    cursor: str
    node: SeriousIncident


@strawberry.type(description="A child death overview panel covering your partnership.")
class ChildDeathOverviewPanel:
    id: strawberry.ID
    name: str


@strawberry.type
class PartnershipQuery:
    @strawberry.field(description="A partnership's arrangements, newest version first: the published version for "
                      "anyone; drafts too for its partnership manager, scrutineer and lead partners' signatories "
                      "(PARTNERSHIP_ASSURANCE).")
    def partnership_arrangements(self, info: Info, partnership_id: strawberry.ID) -> list[PartnershipArrangement]:
        return [PartnershipArrangement(view=view)
                for view in arrangements.partnership_arrangements(info.context.door, str(partnership_id))]

    @strawberry.field(description="A serious incident you may read (SERIOUS_INCIDENT_REVIEW); null otherwise.")
    def serious_incident(self, info: Info, id: strawberry.ID) -> SeriousIncident | None:
        view = serious_incidents.read_incident(info.context.door, info.context.workflow, str(id))
        return SeriousIncident(view=view) if view else None

    @strawberry.field(description="Serious incidents you may read, newest first (SERIOUS_INCIDENT_REVIEW).")
    def serious_incidents(self, info: Info, first: int = 50) -> SeriousIncidentConnection:
        page = serious_incidents.list_incidents(info.context.door, info.context.workflow, first=first)
        edges = [SeriousIncidentEdge(cursor=str(i), node=SeriousIncident(view=v)) for i, v in enumerate(page.views)]
        return SeriousIncidentConnection(edges=edges, total_count=page.total, page_info=PageInfo(
            has_next_page=page.total > len(edges), has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))

    @strawberry.field(description="A rapid review you are a reviewer of, were asked a summary for, or manage; null "
                      "otherwise.")
    def rapid_review(self, info: Info, id: strawberry.ID) -> RapidReview | None:
        view = rapid_reviews.read_review(info.context.door, info.context.workflow, str(id))
        return RapidReview(view=view) if view else None

    @strawberry.field(description="Lessons from reviews: your partnerships', or every partnership's for the national "
                      "panel; newest first.")
    def lessons(self, info: Info, filter: LessonFilter | None = None, first: int = 20,
                after: str | None = None) -> LessonConnection:
        chosen = filter or LessonFilter()
        page = lessons.search_lessons(info.context.door, lessons.LessonSearch(
            text=chosen.text, theme=chosen.theme, agency_id=str(chosen.agency_id) if chosen.agency_id else None),
            first=first, after=after)
        return LessonConnection.from_page(page)

    @strawberry.field(description="A child death you notified, were asked to report on, or review on the panel "
                      "(CHILD_DEATH_REVIEW); null otherwise.")
    def child_death(self, info: Info, id: strawberry.ID) -> ChildDeath | None:
        view = child_deaths.read_death(info.context.door, str(id))
        return ChildDeath(view=view) if view else None

    @strawberry.field(description="Child deaths you may read, newest first (CHILD_DEATH_REVIEW).")
    def child_deaths(self, info: Info, first: int = 50) -> list[ChildDeath]:
        return [ChildDeath(view=view) for view in child_deaths.list_deaths(info.context.door, first=first)]

    @strawberry.field(description="The child death overview panels covering your partnerships.")
    def child_death_overview_panels(self, info: Info) -> list[ChildDeathOverviewPanel]:
        return [ChildDeathOverviewPanel(id=strawberry.ID(i), name=n)
                for i, n in child_death_statistics.panels(info.context.door)]

    @strawberry.field(description="A panel's population statistics (its CDOP members, CHILD_DEATH_REVIEW): deaths "
                      "by category and modifiable factors per 100,000 children, small numbers suppressed.")
    def child_death_statistics(self, info: Info, cdop_id: strawberry.ID, from_date: datetime.date | None = None,
                               to_date: datetime.date | None = None) -> ChildDeathStatistics | None:
        stats = child_death_statistics.death_statistics(info.context.door, str(cdop_id), from_date, to_date)
        return ChildDeathStatistics.from_domain(stats) if stats else None

    @strawberry.field(description="The panel's analysed deaths as the national database's CSV (the README documents "
                      "the format); null when not your panel.")
    def national_child_death_export(self, info: Info, cdop_id: strawberry.ID, from_date: datetime.date | None = None,
                                    to_date: datetime.date | None = None) -> str | None:
        return child_death_statistics.national_export(info.context.door, str(cdop_id), from_date, to_date)



