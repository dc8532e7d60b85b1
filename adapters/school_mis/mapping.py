"""Pure mapping: one row of a school MIS CSV export to the hub's ``SourceRecord``, or a ``BadRecordError``.

Two exports: the roll (one row per pupil: admission and leaving dates make the ROLL link that establishes
ON_ROLL) and concerns (attendance and exclusion). Dates are written day first, as MIS exports do; schools
hold the legal names, which identity matching prefers over the preferred forename.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from hub.adapters.contract import (
    BadRecordError,
    Category,
    Involvement,
    LinkKind,
    Person,
    RawItem,
    RecordContent,
    SourceRecord,
    Tier,
)

GENDER = {"F": "female", "M": "male"}
CONCERN_TYPES = {
    "Attendance": Category.ATTENDANCE_CONCERN,
    "Exclusion": Category.EXCLUSION,
    "Suspension": Category.EXCLUSION,
    "Welfare": Category.SCHOOL_CONCERN,
}


def map_row(item: RawItem) -> SourceRecord:
    export = item.payload.get("export")
    row = item.payload.get("row")
    if not isinstance(row, Mapping):
        raise BadRecordError("the item holds no CSV row", item.source_id)
    if export == "roll":
        return _roll(row, item.source_id)
    if export == "concerns":
        return _concern(row, item.source_id)
    raise BadRecordError(f"unknown export {export!r}", item.source_id)


def _roll(row: Mapping[str, Any], source_id: str) -> SourceRecord:
    admitted = _date(row, "Admission Date", source_id)
    left = _date(row, "Leaving Date", source_id, required=False)
    if left is not None and left < admitted:
        raise BadRecordError("Leaving Date is before Admission Date", source_id)
    return SourceRecord(
        source_id,
        _version(row, source_id),
        _pupil(row, source_id),
        Involvement(LinkKind.ROLL, admitted, left),
    )


def _concern(row: Mapping[str, Any], source_id: str) -> SourceRecord:
    kind = (row.get("Type") or "").strip()
    if kind not in CONCERN_TYPES:
        raise BadRecordError(f"unknown concern type {kind!r}", source_id)
    summary = (row.get("Summary") or "").strip()
    if not summary:
        raise BadRecordError("Summary is empty", source_id)
    return SourceRecord(
        source_id,
        _version(row, source_id),
        _pupil(row, source_id),
        None,
        RecordContent(CONCERN_TYPES[kind], Tier.SUMMARY, summary, _date(row, "Date", source_id)),
    )


def _pupil(row: Mapping[str, Any], source_id: str) -> Person:
    upn = (row.get("UPN") or "").strip()
    if len(upn) != 13 or not upn[0].isalpha() or not upn[1:].isdigit():
        raise BadRecordError(f"UPN {upn!r} is not a unique pupil number (a letter and 12 digits)", source_id)
    surname, forename = (row.get("Legal Surname") or "").strip(), (row.get("Legal Forename") or "").strip()
    if not surname or not forename:
        raise BadRecordError("a pupil needs a legal surname and forename", source_id)
    return Person(
        local_id=upn,
        given_name=forename,
        family_name=surname,
        date_of_birth=_date(row, "DOB", source_id),
        sex=GENDER.get((row.get("Gender") or "").strip()),
        postcode=(row.get("Postcode") or "").strip() or None,
    )


def _version(row: Mapping[str, Any], source_id: str) -> int:
    raw = (row.get("Row Version") or "").strip()
    if not raw.isdigit() or int(raw) < 1:
        raise BadRecordError(f"Row Version {raw!r} is not a positive whole number", source_id)
    return int(raw)


def _date(row: Mapping[str, Any], column: str, source_id: str, *, required: bool = True) -> date | None:
    raw = (row.get(column) or "").strip()
    if not raw:
        if required:
            raise BadRecordError(f"{column} is empty", source_id)
        return None
    try:
        return datetime.strptime(raw, "%d/%m/%Y").date()
    except ValueError:
        raise BadRecordError(f"{column} {raw!r} is not a date (DD/MM/YYYY)", source_id) from None
