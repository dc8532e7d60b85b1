"""The FHIR R4 adapter against its simulator, and its mapping on FHIR fixtures."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.health_fhir.client import HealthFhirAdapter
from adapters.health_fhir.config import DEFAULT
from adapters.health_fhir.mapping import map_resource
from adapters.health_fhir.simulator import HealthFhirSimulator, encounter, flag, patient
from adapters.northbridge import named_children
from hub.adapters.contract import Adapter, BadRecordError, Category, RawItem, Tier
from tests.adapters.conftest import fast_adapter, running
from tests.adapters.contract import AdapterContract


@pytest.fixture(scope="module")
def simulator() -> Iterator[HealthFhirSimulator]:
    yield from running(HealthFhirSimulator(cohort_size=40))


@pytest.fixture
def adapter(simulator: HealthFhirSimulator) -> Iterator[Adapter]:
    yield from fast_adapter(HealthFhirAdapter, DEFAULT, simulator)


class TestHealthFhirContract(AdapterContract):
    pass


AMELIA = named_children()["amelia"]


def versioned(resource: dict[str, Any], version: int = 1) -> dict[str, Any]:
    return {**resource, "meta": {**resource.get("meta", {}), "versionId": str(version)}}


def item(resource: dict[str, Any], subject: dict[str, Any] | None = None) -> RawItem:
    payload = {"resource": versioned(resource)}
    if subject is not None:
        payload["subject"] = versioned(subject)
    return RawItem(f"{resource['resourceType']}/{resource['id']}", payload)


def test_a_patient_carries_the_nhs_number_identifier() -> None:
    record = map_resource(item(patient(AMELIA)))
    assert record.person.nhs_number == "9990000018" and record.person.local_id == "Patient/pt-amelia"
    assert record.record is None and record.involvement is not None


def test_a_restricted_flag_stays_restricted_and_an_encounter_is_unscheduled_care() -> None:
    restricted = map_resource(
        item(
            flag("f1", AMELIA, "sexual-health", "Clinic contact.", "2026-06-01", restricted=True),
            patient(AMELIA),
        )
    )
    assert restricted.record is not None and restricted.record.tier == Tier.RESTRICTED
    attendance = map_resource(
        item(encounter("e1", AMELIA, "burn", "2026-10-01T10:00:00+00:00", "notes"), patient(AMELIA))
    )
    assert attendance.record is not None
    assert attendance.record.category == Category.UNSCHEDULED_CARE_ATTENDANCE
    assert attendance.record.summary == "A&E attendance: burn."


def broken(path: str, value: Any, base: dict[str, Any]) -> dict[str, Any]:
    resource = copy.deepcopy(base)
    *parents, last = path.split(".")
    target = resource
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return resource


@pytest.mark.parametrize(
    ("resource", "subject", "reason"),
    [
        (broken("identifier.0.value", "9990000019", patient(AMELIA)), None, "check digit does not match"),
        (broken("birthDate", "2017-13-14", patient(AMELIA)), None, "invalid FHIR Patient: birthDate"),
        (broken("name", [], patient(AMELIA)), None, "has no official name"),
        (
            broken("code.coding.0.code", "mystery", flag("f1", AMELIA, "health-concern", "x", "2026-01-01")),
            patient(AMELIA),
            "not in the agreed flag codes",
        ),
        (flag("f1", AMELIA, "health-concern", "x", "2026-01-01"), None, "arrived without its Patient"),
        (
            broken("class.code", "IMP", encounter("e1", AMELIA, "x", "2026-10-01T10:00:00+00:00", "n")),
            patient(AMELIA),
            "is not unscheduled care",
        ),
        (
            broken(
                "subject.reference",
                "Patient/someone-else",
                flag("f1", AMELIA, "health-concern", "x", "2026-01-01"),
            ),
            patient(AMELIA),
            "is not the Patient",
        ),
    ],
)
def test_bad_resources_are_refused_with_a_specific_reason(
    resource: dict[str, Any], subject: dict[str, Any] | None, reason: str
) -> None:
    with pytest.raises(BadRecordError) as raised:
        map_resource(item(resource, subject))
    assert reason in raised.value.reason


def test_the_capability_statement_is_valid_fhir_r4(simulator: HealthFhirSimulator) -> None:
    import httpx
    from fhir.resources.R4B.capabilitystatement import CapabilityStatement

    statement = httpx.get(f"{simulator.url}/fhir/metadata").json()
    assert CapabilityStatement.model_validate(statement).date  # "date" is required (cpb-0 ... and the spec)


def test_the_last_page_has_no_next_link_and_pages_are_opaque(simulator: HealthFhirSimulator) -> None:
    import httpx

    url: str | None = f"{simulator.url}/fhir/_search?_type=Patient,Flag,Encounter&_count=7"
    pages = 0
    while url is not None:
        bundle = httpx.get(url).json()
        pages += 1
        url = next((link["url"] for link in bundle.get("link", []) if link["relation"] == "next"), None)
        assert url is None or "_cursor" not in url  # nothing a client should parse
    assert pages > 1


def test_the_adapter_follows_next_links_as_given(adapter: Adapter, simulator: HealthFhirSimulator) -> None:
    from tests.adapters.contract import CONTEXT

    seen: list[str] = []
    cursor = None
    for _ in range(50):
        batch = adapter.pull(cursor, CONTEXT)
        seen += [item.source_id for item in batch.items]
        cursor = batch.next_cursor
        if not batch.has_more:
            break
    else:
        raise AssertionError("the adapter never finished paging")
    # The simulator's next links are HAPI's shape (/fhir?_getpages=<search>&_getpagesoffset=N): opaque.
    assert any(call.path == "/fhir" for call in simulator.log.calls), "the adapter did not follow the links"
    assert len(seen) == len(set(seen)) == len(simulator.feed.since(0, 10**9)[0])


def test_a_search_the_server_forgot_is_searched_again(simulator: HealthFhirSimulator) -> None:
    from dataclasses import replace

    from tests.adapters.contract import CONTEXT, pull_all

    built = fast_adapter(HealthFhirAdapter, replace(DEFAULT, page_size=5), simulator)
    adapter = next(built)
    first = adapter.pull(None, CONTEXT)
    assert first.has_more
    simulator._searches.clear()  # as a HAPI server's searches expire
    rest, _ = pull_all(adapter, first.next_cursor)
    built.close()
    assert {i.source_id for i in first.items} | {i.source_id for i in rest} == {
        f"{r['resourceType']}/{r['id']}" for r in simulator.feed.since(0, 10**9)[0]}
