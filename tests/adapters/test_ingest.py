"""Ingest from the four simulators into a fresh hub: idempotent, ordered, quarantined, identified, fetched.

The hub starts with the reference data only (``hub demo --reference-only``); Northbridge's children and
records arrive through the adapters, as they do under ``make run``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from adapters.health_fhir.simulator import HealthFhirSimulator
from adapters.police.simulator import PoliceSimulator
from adapters.school_mis.simulator import SchoolMisSimulator
from adapters.social_care.simulator import SocialCareSimulator
from hub.adapters.contract import AgencyUnavailableError
from hub.adapters.registry import NAMES
from hub.bootstrap import Hub, bootstrap
from hub.demo import seed
from hub.identity.matcher import AUTO_LINK, REVIEW
from hub.identity.tables import ResolutionItem
from hub.ingest import quarantine
from hub.ingest.apply import Applied
from hub.ingest.sync import Ingest, SyncSummary
from hub.ingest.tables import AdapterCursor, QuarantineItem
from hub.migrate import upgrade
from hub.storage import queries
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner, audit_rows
from tests.conftest import LiveServer, make_settings
from tests.databases import sqlite_url


@pytest.fixture(scope="module")
def sims() -> Iterator[dict[str, object]]:
    running = {
        "social_care": SocialCareSimulator(cohort_size=60),
        "health_fhir": HealthFhirSimulator(cohort_size=60),
        "police": PoliceSimulator(cohort_size=60),
        "school_mis": SchoolMisSimulator(cohort_size=60),
    }
    for simulator in running.values():
        simulator.start()
    yield running
    for simulator in running.values():
        simulator.stop()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def fed(sims: dict[str, object], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A hub fed by one sync of every adapter."""
    url = sqlite_url(tmp_path_factory.mktemp("ingest"))
    upgrade(url)
    settings = replace(
        make_settings(url, tmp_path_factory.mktemp("keys")),
        adapter_urls={name: sim.url for name, sim in sims.items()},  # type: ignore[attr-defined]
        adapter_cache_seconds={"social_care": 60},
    )
    hub = bootstrap(settings)
    with UnitOfWork(hub.session_factory) as uow:
        seed(uow.session, records=False)
        uow.commit()
    for name in NAMES:
        sync(hub, name)
    yield hub
    hub.dispose()


def sync(hub: Hub, name: str) -> SyncSummary:
    assert hub.adapters is not None
    return Ingest(hub.session_factory, hub.policy, hub.adapters.get(name), name).sync()


def count(hub: Hub, table: type[t.Base]) -> int:
    with UnitOfWork(hub.session_factory) as uow:
        return uow.session.scalar(select(func.count()).select_from(table)) or 0


NAMED_NHS = {"Amelia": "9990000018", "Noah": "9990000026", "Leo": "9990000034", "Jade": "9990000042"}


def child_named(hub: Hub, given: str, family: str) -> t.Child:
    """A named demo child (the synthetic cohort may hold another child of the same name)."""
    query = select(t.Child).where(t.Child.given_name == given, t.Child.family_name == family)
    if given in NAMED_NHS:
        query = query.where(t.Child.nhs_number == NAMED_NHS[given])
    with UnitOfWork(hub.session_factory) as uow:
        rows = uow.session.scalars(query).all()
        uow.session.expunge_all()  # keep the loaded values after the unit of work rolls back
    assert len(rows) == 1, f"{len(rows)} children called {given} {family}"
    return rows[0]


def records_of(hub: Hub, child_id: str) -> list[t.RecordVersion]:
    with UnitOfWork(hub.session_factory) as uow:
        rows = list(
            uow.session.scalars(queries.current_versions().where(t.RecordVersion.child_id == child_id))
        )
        uow.session.expunge_all()
        return rows


def test_the_named_children_arrive_once_with_their_agencies_records(fed: Hub) -> None:
    amelia = child_named(fed, "Amelia", "Hart")
    assert amelia.nhs_number == "9990000018"
    categories = {r.category: r for r in records_of(fed, amelia.id)}
    assert set(categories) >= {
        "CHILD_PROTECTION_PLAN",
        "DOMESTIC_ABUSE_INCIDENT",
        "POLICE_INTELLIGENCE",
        "HEALTH_CONCERN",
        "ATTENDANCE_CONCERN",
    }
    plan = categories["CHILD_PROTECTION_PLAN"]
    assert plan.source_adapter == "social_care" and plan.source_id == "INV-1001" and plan.detail is None
    with UnitOfWork(fed.session_factory) as uow:
        kinds = {
            (link.local_id, link.kind)
            for link in uow.session.scalars(
                select(t.AgencyRecordLink).where(t.AgencyRecordLink.child_id == amelia.id)
            )
        }
    assert ("N190001000001", "ROLL") in kinds and ("LCS-1001", "INVOLVEMENT") in kinds
    leo = child_named(fed, "Leo", "Walsh")
    assert leo.address_withheld_by is not None  # the council's refuge marker came through


def test_a_second_sync_changes_nothing(fed: Hub) -> None:
    versions, audit = count(fed, t.RecordVersion), count(fed, t.AuditEvent)
    for name in NAMES:
        summary = sync(fed, name)
        assert summary[Applied.NEW] == summary[Applied.UPDATED] == 0, (name, summary.line())
    assert count(fed, t.RecordVersion) == versions
    assert count(fed, t.AuditEvent) == audit
    # The same items and versions delivered again (the cursor lost, say): still nothing changes.
    with UnitOfWork(fed.session_factory) as uow:
        uow.session.get(AdapterCursor, "social_care").cursor = "0"  # type: ignore[union-attr]
        uow.commit()
    again = sync(fed, "social_care")
    assert again[Applied.UNCHANGED] > 0 and again[Applied.NEW] == again[Applied.UPDATED] == 0
    assert count(fed, t.RecordVersion) == versions and count(fed, t.AuditEvent) == audit


def test_a_change_in_the_agency_system_arrives_as_a_new_version_with_the_reason(fed: Hub, sims) -> None:
    sims["social_care"].feed.update("INV-1002", legalStatus="under a care order (s.31), placement moved")
    summary = sync(fed, "social_care")
    assert summary[Applied.UPDATED] == 1 and summary[Applied.NEW] == 0
    noah = child_named(fed, "Noah", "Price")
    plan = next(r for r in records_of(fed, noah.id) if r.category == "LOOKED_AFTER")
    assert plan.version == 2 and plan.summary.endswith("placement moved.")
    assert plan.reason == "updated by social_care source version 2"


def test_an_older_version_after_a_newer_is_not_applied_and_is_recorded(fed: Hub, sims) -> None:
    feed = sims["police"].feed
    current = feed.get("NB-20260912-0077")
    feed.put("NB-20260912-0077", {**current, "location": "somewhere else"}, version=current["revision"] + 1)
    assert sync(fed, "police")[Applied.UPDATED] == 1
    feed.put("NB-20260912-0077", {**current, "location": "an old copy"}, version=current["revision"])
    summary = sync(fed, "police")
    assert summary[Applied.STALE] == 1 and summary[Applied.UPDATED] == 0
    noah = child_named(fed, "Noah", "Price")
    missing = next(r for r in records_of(fed, noah.id) if r.category == "MISSING_EPISODE")
    assert "an old copy" not in (missing.detail or "") + missing.summary
    with UnitOfWork(fed.session_factory) as uow:
        refusal = uow.session.scalars(select(t.AuditEvent).where(t.AuditEvent.reason.like("stale:%"))).all()
        assert refusal and refusal[-1].decision == "DENY"


def test_an_invalid_record_is_quarantined_with_its_reason_and_replays_after_a_fix(fed: Hub, sims) -> None:
    bad = {**sims["social_care"].feed.get("INV-1003"), "involvementId": "INV-7777", "cpisCode": "LACI"}
    sims["social_care"].add(bad, "notes")
    summary = sync(fed, "social_care")
    assert summary[Applied.QUARANTINED] == 1
    with UnitOfWork(fed.session_factory) as uow:
        entry = uow.session.scalar(select(QuarantineItem).where(QuarantineItem.source_id == "INV-7777"))
        assert entry is not None and entry.status == "QUARANTINED"
        assert "CP-IS code 'LACI' does not match a CHILD_IN_NEED involvement" in entry.reason
        # The operator's fix (the payload is sealed at rest: opened and sealed again through the quarantine).
        quarantine.fix(uow.session, entry, {**quarantine.payload_of(uow.session, entry), "cpisCode": None},
                       datetime.now(UTC))
        uow.commit()
        entry_id = entry.id
    assert fed.adapters is not None
    outcome, _ = Ingest(
        fed.session_factory, fed.policy, fed.adapters.get("social_care"), "social_care"
    ).replay(entry_id)
    assert outcome == Applied.NEW
    with UnitOfWork(fed.session_factory) as uow:
        assert uow.session.get(QuarantineItem, entry_id).status == "REPLAYED"  # type: ignore[union-attr]


def test_an_unavailable_agency_fails_clearly_and_writes_nothing(fed: Hub, sims) -> None:
    simulator = sims["police"]
    simulator.feed.update("NB-20260530-0142", location="changed while down")
    versions, audit = count(fed, t.RecordVersion), count(fed, t.AuditEvent)
    with UnitOfWork(fed.session_factory) as uow:
        cursor = uow.session.get(AdapterCursor, "police").cursor  # type: ignore[union-attr]
    simulator.faults.status, simulator.faults.remaining = 500, 10**6
    try:
        ingest = Ingest(fed.session_factory, fed.policy, fed.adapters.get("police"), "police")  # type: ignore[union-attr]
        ingest.adapter.client._sleep = lambda _: None
        with pytest.raises(AgencyUnavailableError, match="failed 4 times; last: HTTP 500"):
            ingest.sync()
    finally:
        simulator.faults.clear()
    assert count(fed, t.RecordVersion) == versions and count(fed, t.AuditEvent) == audit
    with UnitOfWork(fed.session_factory) as uow:
        assert uow.session.get(AdapterCursor, "police").cursor == cursor  # type: ignore[union-attr]
    fed.adapters.get("police").client.breaker.succeeded()  # type: ignore[union-attr]
    assert sync(fed, "police")[Applied.UPDATED] == 1


def test_spelling_variants_link_and_a_transposed_date_waits_for_a_practitioner(fed: Hub, sims) -> None:
    with UnitOfWork(fed.session_factory) as uow:
        police = uow.session.scalar(select(t.Agency.id).where(t.Agency.official_code == "NB01"))
        variants = uow.session.execute(
            select(t.AgencyRecordLink.local_id, t.Child.given_name)
            .join(t.Child, t.Child.id == t.AgencyRecordLink.child_id)
            .where(t.AgencyRecordLink.agency_id == police)
        ).all()
        queued = uow.session.scalars(select(ResolutionItem).where(ResolutionItem.agency_id == police)).all()
        uow.session.expunge_all()
    people = {o["subject"]["nominalId"]: o["subject"]["forenames"] for o in sims["police"].feed.values()}
    respelled = [(local, given) for local, given in variants if people.get(local) not in (None, given)]
    assert respelled, "some children should be known to the police under another spelling, and linked"
    item = next(q for q in queued if q.local_id == "NOM-1004")  # Jade, her birthday written 05/09 for 09/05
    assert item.candidates[0]["child_id"] == child_named(fed, "Jade", "Okafor").id
    assert item.status == "OPEN" and REVIEW <= item.best_score < AUTO_LINK
    assert "date of birth with day and month transposed" in item.candidates[0]["reasons"]


QUEUE = (
    "{ identityResolutions { id localId givenName dateOfBirth reason candidates { childId confidence reasons } } }"
)
RESOLVE = """mutation($input: ResolveIdentityInput!) { resolveIdentity(input: $input) {
  resolution { status resolvedChildId } errors { code message } } }"""


def test_a_practitioner_resolves_an_identity_over_graphql_and_the_held_records_follow(fed: Hub) -> None:
    jade = child_named(fed, "Jade", "Okafor")
    with LiveServer(fed) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        dee = as_practitioner(fed, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING")
        hers = dee.gql(QUEUE)["data"]["identityResolutions"]
        assert not [i for i in hers if i["localId"].startswith("NOM-")]  # another agency's queue is not hers
        # Leo's address is withheld by the council, so the school's postcode cannot confirm him: a DSL decides.
        assert [i["localId"] for i in hers] == ["N190001000003"] and hers[0]["givenName"] == "Leo"
        pat = as_practitioner(fed, http, "pat.police@police.northbridge.example", "POLICE_INVESTIGATION")
        queue = pat.gql(QUEUE)["data"]["identityResolutions"]
        item = next(i for i in queue if i["localId"] == "NOM-1004")
        assert item["dateOfBirth"] == "2010-09-05" and item["candidates"][0]["childId"] == jade.id
        wrong = pat.gql(RESOLVE, {"input": {"resolutionId": item["id"], "childId": "not-a-candidate"}})
        assert wrong["data"]["resolveIdentity"]["errors"][0]["code"] == "INVALID_INPUT"
        response = pat.post(RESOLVE, {"input": {"resolutionId": item["id"], "childId": jade.id}})
        assert response.json()["data"]["resolveIdentity"]["resolution"] == {
            "status": "LINKED",
            "resolvedChildId": jade.id,
        }
        actions = [(r["action"], r["decision"]) for r in audit_rows(fed, response.headers["x-request-id"])]
        assert ("link", "ALLOW") in actions and ("resolve", "ALLOW") in actions
        again = pat.gql(RESOLVE, {"input": {"resolutionId": item["id"], "childId": jade.id}})
        assert again["data"]["resolveIdentity"]["errors"][0]["code"] == "CONFLICT"
    summary = sync(fed, "police")
    assert summary[Applied.NEW] >= 1
    assert "MISSING_EPISODE" in {r.category for r in records_of(fed, jade.id)}
    with UnitOfWork(fed.session_factory) as uow:
        held = uow.session.scalars(
            select(QuarantineItem.status).where(QuarantineItem.source_id == "NB-20261020-0311")
        )
        assert set(held) == {"REPLAYED"}


def test_an_unborn_child_is_linked_to_the_mother_until_the_birth(fed: Hub, sims) -> None:
    jade = child_named(fed, "Jade", "Okafor")
    unborn = child_named(fed, "Unborn", "Okafor")
    assert unborn.mother_id == jade.id and unborn.date_of_birth is None
    feed = sims["social_care"].feed
    involvement = feed.get("INV-1005")
    born = {**involvement["person"], "forename": "Grace", "dateOfBirth": "2026-10-30", "gender": "F"}
    feed.update("INV-1005", person=born)
    sync(fed, "social_care")
    grace = child_named(fed, "Grace", "Okafor")
    assert grace.id == unborn.id and grace.mother_id == jade.id
    assert {r.category for r in records_of(fed, grace.id)} == {"UNBORN_CHILD_PROTECTION_PLAN"}


def test_detail_is_fetched_on_demand_for_a_permitted_reader(fed: Hub, sims) -> None:
    amelia = child_named(fed, "Amelia", "Hart")
    query = "query($id: ID!) { child(id: $id) { records(first: 20) { edges { node { category detail } } } } }"
    with LiveServer(fed) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        sam = as_practitioner(fed, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
        response = sam.post(query, {"id": amelia.id})
        nodes = {
            e["node"]["category"]: e["node"] for e in response.json()["data"]["child"]["records"]["edges"]
        }
        assert "child protection conference" in nodes["CHILD_PROTECTION_PLAN"]["detail"]
        call = sims["social_care"].log.last()
        assert call.path == "/api/v1/involvements/INV-1001/casenotes"
        assert call.headers["x-request-id"] == response.headers["x-request-id"]
        assert call.headers["x-hub-user"] == "sam.social@council.northbridge.example"
        assert call.headers["x-hub-purpose"] == "S47_ENQUIRY"
        fetches = [r for r in audit_rows(fed, response.headers["x-request-id"]) if r["action"] == "fetch"]
        assert fetches and fetches[0]["fields"] == ["detail"] and fetches[0]["decision"] == "ALLOW"
        # The DSL may not read DETAIL: nothing is fetched for her.
        calls = len(sims["social_care"].log.calls)
        dee = as_practitioner(fed, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING")
        seen = dee.gql(query, {"id": amelia.id})["data"]["child"]["records"]["edges"]
        assert all(
            e["node"]["detail"] is None for e in seen if e["node"]["category"] == "CHILD_PROTECTION_PLAN"
        )
        assert len(sims["social_care"].log.calls) == calls
    with UnitOfWork(fed.session_factory) as uow:
        plan = uow.session.scalar(queries.current_versions().where(t.RecordVersion.source_id == "INV-1001"))
        assert plan is not None and plan.detail is None  # never written into the court-safe record


def test_an_unscheduled_care_clinician_reads_the_flags_that_came_through_the_adapter(fed: Hub) -> None:
    amelia = child_named(fed, "Amelia", "Hart")
    with LiveServer(fed) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        ula = as_practitioner(fed, http, "ula.urgent@nhs.northbridge.example", "UNSCHEDULED_CARE")
        body = ula.gql(
            "query($n: String!) { childByNhsNumber(nhsNumber: $n) { id records(first: 50) { edges { node "
            "{ id category tier summary detail owner { name outOfHoursPhone } } } } } }",
            {"n": "999 000 0018"},
        )
    child = body["data"]["childByNhsNumber"]
    assert child["id"] == amelia.id
    seen = {edge["node"]["id"]: edge["node"] for edge in child["records"]["edges"]}
    flags = {r.record_key: r for r in records_of(fed, amelia.id) if r.tier == "FLAG"}
    assert flags and all(r.source_adapter == "social_care" for r in flags.values())
    council_flags = {key for key, r in flags.items() if seen.get(key, {}).get("owner", {}).get("name")
                     == "Northbridge Council Children's Services"}
    assert council_flags == {key for key, r in flags.items() if r.source_adapter == "social_care"}
    for key in council_flags:  # CP-IS: the flag and whom to call, never the content
        assert seen[key]["summary"] is None and seen[key]["detail"] is None
        assert seen[key]["owner"]["outOfHoursPhone"]


def test_an_incident_from_the_police_system_notifies_the_childs_school_operation_encompass(fed: Hub) -> None:
    amelia = child_named(fed, "Amelia", "Hart")
    incidents = [r for r in records_of(fed, amelia.id) if r.category == "DOMESTIC_ABUSE_INCIDENT"]
    assert incidents and all(r.source_adapter == "police" for r in incidents)
    with UnitOfWork(fed.session_factory) as uow:
        primary = uow.session.scalar(select(t.Agency.id).where(t.Agency.name == "Northbridge Primary School"))
        notices = uow.session.scalars(select(t.Notification).where(
            t.Notification.kind == "DOMESTIC_ABUSE_INCIDENT", t.Notification.child_id == amelia.id)).all()
        assert {(n.record_key, n.recipient_agency_id) for n in notices} == {
            (r.record_key, primary) for r in incidents}
    with LiveServer(fed) as live, httpx.Client(base_url=live.url, timeout=30) as http:
        dee = as_practitioner(fed, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING")
        body = dee.gql("query($id: ID!) { child(id: $id) { records(first: 50) { edges { node { id category "
                       "summary detail } } } } }", {"id": amelia.id})
    seen = {e["node"]["id"]: e["node"] for e in body["data"]["child"]["records"]["edges"]}
    for incident in incidents:  # the school reads the summary of what it was notified of, not the detail
        assert seen[incident.record_key]["summary"] and seen[incident.record_key]["detail"] is None


def test_a_person_the_hub_cannot_store_as_given_is_bad_data_not_a_failed_sync() -> None:
    from datetime import date

    from hub.adapters.contract import BadRecordError, Person
    from hub.ingest.identify import check_person

    fine = Person("LCS-9", "Amelia", "Hart", date(2017, 3, 14), "female", "NB1 2BD")
    check_person(fine)
    for bad in (replace(fine, given_name="A" * 101), replace(fine, postcode="NB1 2BD 999 999"),
                replace(fine, local_id=" "), replace(fine, family_name="Ha\x00rt"),
                replace(fine, date_of_birth=None, mother=replace(fine, local_id="M" * 101))):
        with pytest.raises(BadRecordError):
            check_person(bad)


def test_identity_queue_details_are_sealed_at_rest(fed: Hub) -> None:
    """What an agency sent about a person awaiting identity resolution is child data: sealed, not plain JSON."""
    from sqlalchemy import text

    with UnitOfWork(fed.session_factory) as uow:
        stored = uow.session.execute(text(
            "SELECT person FROM identity_resolutions WHERE local_id = 'NOM-1004'")).scalar_one()
    text_stored = stored if isinstance(stored, str) else json.dumps(stored)
    assert "Jade" not in text_stored and "JADE" not in text_stored and "2010" not in text_stored
    assert json.loads(text_stored)["sealed"].startswith("kek:")
