"""The school MIS adapter: downloads the roll and concerns CSV exports changed since the cursor."""

from __future__ import annotations

import csv
import io

from adapters.school_mis.config import CONCERN_COLUMNS, ROLL_COLUMNS
from adapters.school_mis.mapping import map_row
from hub.adapters.contract import (
    Adapter,
    AgencyUnavailableError,
    CallContext,
    Capability,
    Category,
    PullBatch,
    RawItem,
    SourceRecord,
)

EXPORTS = {"roll": ROLL_COLUMNS, "concerns": CONCERN_COLUMNS}


class SchoolMisAdapter(Adapter):
    name = "school_mis"
    system = "school management information system"
    record_kinds = frozenset({Category.ATTENDANCE_CONCERN, Category.EXCLUSION, Category.SCHOOL_CONCERN})
    capabilities = frozenset({Capability.PULL})

    def check(self, context: CallContext) -> None:
        school = self.client.get_json(f"/schools/{self.agency_code}", context)
        if not isinstance(school, dict) or school.get("urn") != self.agency_code:
            raise AgencyUnavailableError(
                f"the MIS at {self.config.base_url} does not hold school {self.agency_code}"
            )

    def _pull(self, cursor: str | None, context: CallContext) -> PullBatch:
        """Both exports since one MIS change number. When an export is cut at the page size, the batch ends
        at the last change that export reached, so nothing between is skipped (the rest comes next time)."""
        since = int(cursor or "0")
        items: list[RawItem] = []
        ends: list[int] = []  # where each cut export stopped
        for export, columns in EXPORTS.items():
            body = self.client.get(
                f"/schools/{self.agency_code}/exports/{export}.csv",
                context,
                {"changedSince": str(since), "limit": str(self.config.page_size)},
            )
            rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
            if rows and set(columns) - set(rows[0]):
                raise AgencyUnavailableError(
                    f"the {export} export lacks columns {sorted(set(columns) - set(rows[0]))}"
                )
            for row in rows:
                key = row.get("UPN") if export == "roll" else row.get("Concern ID")
                items.append(RawItem(f"{self.agency_code}:{export}:{key}", {"export": export, "row": row}))
            if len(rows) >= self.config.page_size:
                ends.append(max(_change(row) for row in rows))
        end = min(ends) if ends else max((_change(i.payload["row"]) for i in items), default=since)
        kept = sorted(
            (i for i in items if _change(i.payload["row"]) <= end), key=lambda i: _change(i.payload["row"])
        )
        return PullBatch(tuple(kept), str(end), bool(ends))

    def map(self, item: RawItem) -> SourceRecord:
        return map_row(item)


def _change(row: dict[str, str]) -> int:
    number = (row.get("Change No") or "").strip()
    return int(number) if number.isdigit() else 0
