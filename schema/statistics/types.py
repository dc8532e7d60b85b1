"""GraphQL types of the de-identified partnership statistics. Every count is a string: "<5" when suppressed."""

from __future__ import annotations

import datetime

import strawberry

from hub.domain import statistics as domain
from hub.services.statistics_csv import partnership_report_csv


@strawberry.type(description="A labelled count; \"<5\" when between 1 and 4 (suppressed).")
class StatisticCell:
    label: str
    count: str


@strawberry.type(description="How agencies answered requests of one RAG rating (one count per agency asked).")
class RatingTimeliness:
    rating: str
    answered_on_time: str
    answered_late: str
    overdue_unanswered: str
    awaiting: str


@strawberry.type(description="De-identified statistics of a partnership, small numbers suppressed.")
class PartnershipReport:
    partnership_id: strawberry.ID
    partnership_name: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    timeliness: list[RatingTimeliness]
    decisions_by_reason: list[StatisticCell]
    encompass_acknowledgements: list[StatisticCell]
    break_glass_by_agency_kind: list[StatisticCell]
    review_timeliness: list[StatisticCell] = strawberry.field(
        description="Serious incidents notified, rapid reviews decided and local reviews published, on time or not.")
    csv: str = strawberry.field(description="The whole report as CSV (section, label, count), as the portal offers.")

    @classmethod
    def from_domain(cls, report: domain.PartnershipReport) -> PartnershipReport:
        def cells(values: tuple[domain.Cell, ...]) -> list[StatisticCell]:
            return [StatisticCell(label=cell.label, count=cell.count) for cell in values]

        return cls(
            partnership_id=strawberry.ID(report.partnership_id), partnership_name=report.partnership_name,
            period_start=report.period_start, period_end=report.period_end,
            timeliness=[RatingTimeliness(rating=row.rating, answered_on_time=row.answered_on_time,
                                         answered_late=row.answered_late, overdue_unanswered=row.overdue_unanswered,
                                         awaiting=row.awaiting) for row in report.timeliness],
            decisions_by_reason=cells(report.decisions_by_reason),
            encompass_acknowledgements=cells(report.encompass_acknowledgements),
            break_glass_by_agency_kind=cells(report.break_glass_by_agency_kind),
            review_timeliness=cells(report.review_timeliness), csv=partnership_report_csv(report))
