"""The police adapter against its simulator, and Operation Encompass mapping on fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from adapters.northbridge import named_children
from adapters.police.client import PoliceAdapter
from adapters.police.config import DEFAULT
from adapters.police.mapping import map_occurrence
from adapters.police.simulator import PoliceSimulator, nominal, occurrence
from hub.adapters.contract import Adapter, BadRecordError, Category, RawItem, Tier
from tests.adapters.conftest import fast_adapter, running
from tests.adapters.contract import AdapterContract


@pytest.fixture(scope="module")
def simulator() -> Iterator[PoliceSimulator]:
    yield from running(PoliceSimulator(cohort_size=60))


@pytest.fixture
def adapter(simulator: PoliceSimulator) -> Iterator[Adapter]:
    yield from fast_adapter(PoliceAdapter, DEFAULT, simulator)


class TestPoliceContract(AdapterContract):
    pass


ENCOMPASS = {
    "childPresent": True,
    "childLocation": "upstairs",
    "spokenTo": True,
    "childAccount": "I hid.",
    "circumstances": "Neighbour called at 22:40.",
    "doNotApproachParents": True,
}


def incident(**change: Any) -> dict[str, Any]:
    raw = occurrence(
        "NB-1",
        nominal("NOM-1", named_children()["amelia"]),
        "DOMESTIC_ABUSE",
        datetime(2026, 5, 30, 22, 40),
        "home address",
        encompass=ENCOMPASS,
    )
    return {**raw, "revision": 1, **change}


def test_domestic_abuse_carries_the_operation_encompass_fields() -> None:
    record = map_occurrence(RawItem("NB-1", incident()))
    assert record.record is not None
    summary = record.record.summary
    assert record.record.category == Category.DOMESTIC_ABUSE_INCIDENT and record.record.tier == Tier.SUMMARY
    for expected in (
        "NB-1",
        "30 May 2026 at 22:40",
        "home address",
        "Child present: yes, upstairs",
        "Spoken to: yes",
        "does not approach the parents",
    ):
        assert expected in summary
    assert record.record.detail == "Neighbour called at 22:40. The child said: I hid."
    assert record.person.date_of_birth == date(2017, 3, 14) and record.person.family_name == "Hart"


def test_an_intelligence_marker_is_restricted() -> None:
    raw = incident(
        type="INTELLIGENCE_MARKER", marker={"handling": "RESTRICTED", "summary": "Live operation."}
    )
    record = map_occurrence(RawItem("NB-1", raw))
    assert record.record is not None and record.record.tier == Tier.RESTRICTED


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            {"encompass": {**ENCOMPASS, "childPresent": "maybe"}},
            "encompass.childPresent must be true or false",
        ),
        ({"encompass": None}, "needs its Operation Encompass details"),
        (
            {"subject": {**nominal("NOM-1", named_children()["amelia"]), "dob": "2017-03-14"}},
            "is not a date (DD/MM/YYYY)",
        ),
        ({"type": "BURGLARY"}, "unknown occurrence type"),
        (
            {"type": "INTELLIGENCE_MARKER", "marker": {"handling": "OFFICIAL"}},
            "must carry handling RESTRICTED",
        ),
        ({"revision": "one"}, "revision must be a positive whole number"),
    ],
)
def test_bad_occurrences_are_refused_with_a_specific_reason(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(BadRecordError) as raised:
        map_occurrence(RawItem("NB-1", incident(**change)))
    assert reason in raised.value.reason
