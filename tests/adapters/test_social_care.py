"""The social care adapter against its simulator, and its mapping on fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from adapters.social_care.client import SocialCareAdapter
from adapters.social_care.config import DEFAULT
from adapters.social_care.mapping import map_involvement
from adapters.social_care.simulator import SocialCareSimulator
from hub.adapters.contract import Adapter, BadRecordError, Category, Notification, RawItem
from tests.adapters.conftest import fast_adapter, running
from tests.adapters.contract import CONTEXT, AdapterContract


@pytest.fixture(scope="module")
def simulator() -> Iterator[SocialCareSimulator]:
    yield from running(SocialCareSimulator(cohort_size=40))


@pytest.fixture
def adapter(simulator: SocialCareSimulator) -> Iterator[Adapter]:
    yield from fast_adapter(SocialCareAdapter, DEFAULT, simulator)


class TestSocialCareContract(AdapterContract):
    def test_fetches_case_notes_on_demand_with_the_callers_headers(
        self, adapter: Adapter, simulator: SocialCareSimulator
    ) -> None:
        detail = adapter.fetch("INV-1001", CONTEXT)
        assert "child protection conference" in detail.text
        assert simulator.log.last().headers["x-hub-user"] == CONTEXT.user

    def test_delivers_notifications(self, adapter: Adapter, simulator: SocialCareSimulator) -> None:
        adapter.deliver(Notification("RECORD_READ", "LCS-1001", "Your record was read."), CONTEXT)
        assert simulator.notifications[-1]["body"]["personId"] == "LCS-1001"
        assert simulator.notifications[-1]["headers"]["x-request-id"] == CONTEXT.request_id


PLAN: dict[str, Any] = {
    "involvementId": "INV-9",
    "version": 2,
    "type": "CP_PLAN",
    "cpisCode": "CPPI",
    "status": "OPEN",
    "startDate": "2026-06-24",
    "endDate": None,
    "caseOpened": "2026-06-03",
    "categoryOfAbuse": "neglect",
    "allocatedWorker": {"name": "Sam Social"},
    "person": {
        "personId": "LCS-9",
        "forename": "Amelia",
        "surname": "Hart",
        "dateOfBirth": "2017-03-14",
        "gender": "F",
        "postcode": "NB1 2BD",
        "nhsNumber": "999 000 0018",
    },
}


def test_a_cp_plan_maps_to_a_flag_with_its_cpis_code_and_worker() -> None:
    record = map_involvement(RawItem("INV-9", PLAN))
    assert record.record is not None and record.involvement is not None
    assert record.record.category == Category.CHILD_PROTECTION_PLAN
    assert record.record.summary == "Child protection plan: neglect."
    assert record.record.detail is None and record.record.detail_on_request
    assert record.person.nhs_number == "9990000018"
    assert record.involvement.allocated_worker == "Sam Social" and record.version == 2


def test_an_unborn_childs_plan_is_linked_through_the_mother() -> None:
    mother = {"personId": "LCS-4", "forename": "Jade", "surname": "Okafor", "dateOfBirth": "2010-05-09"}
    raw = {
        **PLAN,
        "type": "UNBORN_CP_PLAN",
        "cpisCode": "UCPI",
        "person": {"personId": "LCS-5", "forename": "Unborn", "surname": "Okafor", "mother": mother},
    }
    person = map_involvement(RawItem("INV-9", raw)).person
    assert person.unborn and person.mother is not None and person.mother.local_id == "LCS-4"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"cpisCode": "LACI"}, "CP-IS code 'LACI' does not match a CP_PLAN involvement"),
        ({"type": "ADOPTION"}, "unknown involvement type 'ADOPTION'"),
        ({"status": "CLOSED"}, "a CLOSED involvement needs an endDate"),
        ({"startDate": "24/06/2026"}, "startDate '24/06/2026' is not a date"),
        ({"endDate": "2026-01-01"}, "endDate is before startDate"),
        ({"person": {**PLAN["person"], "nhsNumber": "9990000019"}}, "check digit does not match"),
        ({"person": {**PLAN["person"], "forename": ""}}, "forename is missing"),
        ({"version": 0}, "version must be a positive whole number"),
    ],
)
def test_bad_involvements_are_refused_with_a_specific_reason(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(BadRecordError) as raised:
        map_involvement(RawItem("INV-9", {**PLAN, **change}))
    assert reason in raised.value.reason
