"""The partnership report query, for partnership managers and scrutineers."""

from __future__ import annotations

import datetime

import strawberry

from hub.context import RequestContext
from hub.services import partnership_report
from schema.statistics.types import PartnershipReport

Info = strawberry.Info[RequestContext, None]


@strawberry.type
class StatisticsQuery:
    @strawberry.field(description="De-identified statistics of your own partnership (PARTNERSHIP_ASSURANCE); null "
                      "for any other partnership, or one that does not exist (the same answer).")
    def partnership_report(self, info: Info, partnership_id: strawberry.ID, from_date: datetime.date | None = None,
                           to_date: datetime.date | None = None) -> PartnershipReport | None:
        report = partnership_report.partnership_report(info.context.door, info.context.workflow, str(partnership_id),
                                                       from_date, to_date)
        return PartnershipReport.from_domain(report) if report else None
