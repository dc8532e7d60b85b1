"""De-identified statistics as CSV, for the yearly report and scrutiny: one row per cell, suppressed cells
as "<5" exactly as the API shows them. Cells a spreadsheet would run as formulas cannot occur: every label
is one of the hub's own codes or names, and every count is digits or "<5"."""

from __future__ import annotations

import csv
import io

from hub.domain.child_death import DeathStatistics
from hub.domain.statistics import PartnershipReport


def _writer(out: io.StringIO) -> csv.DictWriter[str]:
    return csv.DictWriter(out, ("section", "label", "count", "rate_per_100000"), lineterminator="\n")


def partnership_report_csv(report: PartnershipReport) -> str:
    out = io.StringIO()
    writer = _writer(out)
    writer.writeheader()
    for row in report.timeliness:
        for label, count in (("ANSWERED_ON_TIME", row.answered_on_time), ("ANSWERED_LATE", row.answered_late),
                             ("OVERDUE_UNANSWERED", row.overdue_unanswered), ("AWAITING", row.awaiting)):
            writer.writerow({"section": f"requests_{row.rating.lower()}", "label": label, "count": count})
    for section, cells in (("decisions_by_reason", report.decisions_by_reason),
                           ("encompass_acknowledgements", report.encompass_acknowledgements),
                           ("break_glass_by_agency_kind", report.break_glass_by_agency_kind),
                           ("review_timeliness", report.review_timeliness)):
        for cell in cells:
            writer.writerow({"section": section, "label": cell.label, "count": cell.count})
    return out.getvalue()


def death_statistics_csv(statistics: DeathStatistics) -> str:
    out = io.StringIO()
    writer = _writer(out)
    writer.writeheader()
    writer.writerow({"section": "total", "label": statistics.total.label, "count": statistics.total.count,
                     "rate_per_100000": statistics.total.rate_per_100k})
    for section, cells in (("by_category", statistics.by_category), ("by_modifiability", statistics.by_modifiability),
                           ("by_factor_domain", statistics.by_factor_domain),
                           ("by_partnership", statistics.by_partnership)):
        for cell in cells:
            writer.writerow({"section": section, "label": cell.label, "count": cell.count,
                             "rate_per_100000": cell.rate_per_100k})
    return out.getvalue()
