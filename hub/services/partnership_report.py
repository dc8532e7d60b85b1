"""Statistics for a partnership's managers and scrutineer (purpose PARTNERSHIP_ASSURANCE, their own
partnership only): how quickly agencies answer requests by RAG rating, why they share or decline, how quickly
schools acknowledge Operation Encompass notices, and how often the glass is broken. De-identified: counts
only, computed in SQL, small numbers suppressed (``hub.domain.statistics``)."""

from __future__ import annotations

from datetime import date, datetime, time

from hub.domain.access import StatisticsScope
from hub.domain.actor import AgencyKind
from hub.domain.information_request import RagRating, SharingReason
from hub.domain.statistics import Cell, PartnershipReport, TimelinessRow, suppress
from hub.domain.workflow import Workflow
from hub.door import Door, Subject
from hub.errors import ValidationError
from hub.storage import statistics
from hub.storage import tables as t
from hub.storage.partnership_rows import PartnershipRows

FIELDS = ("timeliness", "decisions_by_reason", "encompass_acknowledgements", "break_glass_by_agency_kind",
          "review_timeliness")


def partnership_report(door: Door, workflow: Workflow, partnership_id: str, start: date | None = None,
                       end: date | None = None) -> PartnershipReport | None:
    """The report, or None when there is no such partnership or it is not the actor's to see (the same)."""
    subject = Subject("partnership_statistics", partnership_id)
    door.access(subject, "read")
    if start and end and end <= start:
        door.refuse(subject, "read", "period ends before it starts")
        raise ValidationError("The period must end after it starts.", field="toDate")
    partnership = door.get(t.Partnership, partnership_id)
    scope = StatisticsScope(own_partnership=partnership is not None and partnership_id in door.actor.partnership_ids)
    decision = door.decide("read", scope, subject, audit=False)
    door.record(subject, "read", decision, fields=FIELDS if decision.allowed else (),
                reason=None if partnership else "no such partnership")
    if partnership is None or not decision.allowed:
        return None
    period = statistics.Period(_midnight(workflow, start), _midnight(workflow, end))
    now = door.now()
    timeliness = door.query(statistics.timeliness, partnership_id, period, now)
    reasons = door.query(statistics.decisions_by_reason, partnership_id, period)
    encompass = door.query(statistics.encompass_acknowledgements, partnership_id, period, now)
    break_glass = door.query(statistics.break_glass_by_agency_kind, partnership_id, period)
    reviews = door.query(lambda session: PartnershipRows(session).review_timeliness(
        partnership_id, period.start, period.end, now))
    return PartnershipReport(
        partnership_id=partnership.id, partnership_name=partnership.name, period_start=start, period_end=end,
        timeliness=tuple(TimelinessRow(str(rating), *(suppress(n) for n in timeliness.get(str(rating), (0, 0, 0, 0))))
                         for rating in RagRating),
        decisions_by_reason=tuple(Cell(str(reason), suppress(reasons.get(str(reason), 0))) for reason in SharingReason),
        encompass_acknowledgements=tuple(Cell(label, suppress(n)) for label, n in zip(
            ("ACKNOWLEDGED_BEFORE_SCHOOL_DAY", "ACKNOWLEDGED_LATE", "UNACKNOWLEDGED_PAST_DUE", "AWAITING"), encompass,
            strict=True)),
        break_glass_by_agency_kind=tuple(Cell(str(kind), suppress(break_glass.get(str(kind), 0)))
                                         for kind in AgencyKind),
        review_timeliness=tuple(Cell(label, suppress(count)) for label, count in reviews.items()),
    )


def _midnight(workflow: Workflow, day: date | None) -> datetime | None:
    return datetime.combine(day, time(0, 0), workflow.calendar.timezone) if day else None
