"""The school MIS adapter against its simulator (CSV downloads), and its row mapping on fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from adapters.school_mis.client import SchoolMisAdapter
from adapters.school_mis.config import PRIMARY
from adapters.school_mis.mapping import map_row
from adapters.school_mis.simulator import SchoolMisSimulator
from hub.adapters.contract import Adapter, BadRecordError, Category, LinkKind, RawItem
from tests.adapters.conftest import FAST, running
from tests.adapters.contract import AdapterContract, pull_all


@pytest.fixture(scope="module")
def simulator() -> Iterator[SchoolMisSimulator]:
    yield from running(SchoolMisSimulator(cohort_size=60))


@pytest.fixture
def adapter(simulator: SchoolMisSimulator) -> Iterator[Adapter]:
    simulator.faults.clear()
    # A small page, so the contract's tests also page through the two exports.
    adapter = SchoolMisAdapter(
        replace(PRIMARY, base_url=simulator.url, page_size=7, **FAST), sleep=lambda _: None
    )
    yield adapter
    adapter.close()


class TestSchoolMisContract(AdapterContract):
    def test_pages_through_both_exports_without_losing_a_row(
        self, adapter: Adapter, simulator: SchoolMisSimulator
    ) -> None:
        items, _ = pull_all(adapter)
        expected = len(simulator.rolls["190001"]) + len(simulator.concerns["190001"])
        assert len({i.source_id for i in items}) == expected


ROW = {
    "UPN": "N190001000001",
    "Legal Surname": "Hart",
    "Legal Forename": "Amelia",
    "Preferred Forename": "",
    "DOB": "14/03/2017",
    "Gender": "F",
    "Postcode": "NB1 2BD",
    "Admission Date": "01/09/2021",
    "Leaving Date": "",
    "Row Version": "1",
    "Change No": "1",
}


def test_a_roll_row_puts_the_pupil_on_roll() -> None:
    record = map_row(RawItem("190001:roll:N190001000001", {"export": "roll", "row": ROW}))
    assert record.involvement is not None and record.involvement.kind == LinkKind.ROLL
    assert record.involvement.closed_on is None and record.person.nhs_number is None


def test_a_concern_row_is_an_attendance_record() -> None:
    row = {
        **ROW,
        "Concern ID": "C-1",
        "Type": "Attendance",
        "Date": "10/10/2026",
        "Summary": "84% this term.",
    }
    record = map_row(RawItem("190001:concerns:C-1", {"export": "concerns", "row": row}))
    assert record.record is not None and record.record.category == Category.ATTENDANCE_CONCERN


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"UPN": "12345"}, "is not a unique pupil number"),
        ({"DOB": "2017-03-14"}, "DOB '2017-03-14' is not a date (DD/MM/YYYY)"),
        ({"Leaving Date": "01/01/2020"}, "Leaving Date is before Admission Date"),
        ({"Legal Surname": ""}, "needs a legal surname"),
        ({"Row Version": ""}, "Row Version '' is not a positive whole number"),
    ],
)
def test_bad_rows_are_refused_with_a_specific_reason(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(BadRecordError) as raised:
        map_row(RawItem("190001:roll:x", {"export": "roll", "row": {**ROW, **change}}))
    assert reason in raised.value.reason
