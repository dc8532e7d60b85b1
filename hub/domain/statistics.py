"""De-identified statistics for partnership managers and scrutineers: counts, with small numbers suppressed.

A count from 1 to 4 could identify a child in a small area, so it is shown as "<5". Zero is shown: that
nothing happened identifies nobody. No totals are given alongside suppressed cells, so a suppressed count
cannot be recovered by subtraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SUPPRESSION_THRESHOLD = 5
SUPPRESSED = "<5"


def suppress(count: int) -> str:
    if count < 0:
        raise ValueError("A count cannot be negative.")
    return SUPPRESSED if 0 < count < SUPPRESSION_THRESHOLD else str(count)


@dataclass(frozen=True)
class Cell:
    """One labelled count, already suppressed."""

    label: str
    count: str


@dataclass(frozen=True)
class TimelinessRow:
    rating: str
    answered_on_time: str
    answered_late: str
    overdue_unanswered: str
    awaiting: str


@dataclass(frozen=True)
class PartnershipReport:
    partnership_id: str
    partnership_name: str
    period_start: date | None
    period_end: date | None
    timeliness: tuple[TimelinessRow, ...]
    decisions_by_reason: tuple[Cell, ...]
    encompass_acknowledgements: tuple[Cell, ...]
    break_glass_by_agency_kind: tuple[Cell, ...]
    # Serious incidents notified, rapid reviews decided and local reviews published, on time or not.
    review_timeliness: tuple[Cell, ...] = ()
