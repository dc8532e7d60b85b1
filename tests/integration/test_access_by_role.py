"""Each demo practitioner, through real HTTP, sees exactly what the decision table gives their role."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner, audit_rows

RECORDS = """query($id: ID!) { child(id: $id) { givenName records(first: 50) { totalCount edges { node {
  category tier summary detail confidentialNotice owner { name } } } } } }"""
BY_NHS = """query($n: String!) { childByNhsNumber(nhsNumber: $n) { givenName postcode records(first: 50) {
  edges { node { category tier summary detail owner { name } } } } } }"""


def visible(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    [child] = body["data"].values()
    return {edge["node"]["category"]: edge["node"] for edge in child["records"]["edges"]}


def test_mash_practitioner_sees_flags_and_summaries_and_only_a_notice_of_restricted(hub, http, demo) -> None:
    mia = as_practitioner(hub, http, "mia.mash@council.northbridge.example", "MASH_TRIAGE")
    records = visible(mia.gql(RECORDS, {"id": demo.child("Amelia", "Hart")}))
    assert records["DOMESTIC_ABUSE_INCIDENT"]["summary"] and records["DOMESTIC_ABUSE_INCIDENT"]["detail"] is None
    assert records["CHILD_PROTECTION_PLAN"]["detail"]  # her own council's record: every tier
    # The restricted intelligence: not its category, summary or detail; only who holds something, and how to
    # reach them.
    notice = records[None]
    assert (notice["tier"], notice["summary"], notice["detail"]) == ("RESTRICTED", None, None)
    assert notice["owner"]["name"] == "Northbridge Police"
    assert notice["confidentialNotice"].startswith("Confidential information is held by Northbridge Police")
    assert "POLICE_INTELLIGENCE" not in records
    assert "HEALTH_CONCERN" not in records  # a DETAIL-tier record: needs a grant


def test_police_see_their_cases_but_not_other_children_outside_mash(hub, http, demo) -> None:
    amelia, leo = demo.child("Amelia", "Hart"), demo.child("Leo", "Walsh")
    pat = as_practitioner(hub, http, "pat.police@police.northbridge.example", "POLICE_INVESTIGATION")
    records = visible(pat.gql(RECORDS, {"id": amelia}))
    assert records["POLICE_INTELLIGENCE"]["detail"]  # the force's own
    assert records["CHILD_PROTECTION_PLAN"]["summary"] and records["CHILD_PROTECTION_PLAN"]["detail"] is None
    assert pat.gql(RECORDS, {"id": leo}) == {"data": {"child": None}}  # not a police case
    triage = as_practitioner(hub, http, "pat.police@police.northbridge.example", "MASH_TRIAGE")
    assert visible(triage.gql(RECORDS, {"id": leo}))["CHILD_IN_NEED"]["summary"]  # in area, for the MASH


def test_health_safeguarding_sees_flags_and_summaries_in_area(hub, http, demo) -> None:
    hana = as_practitioner(hub, http, "hana.health@nhs.northbridge.example", "HEALTH_SAFEGUARDING")
    records = visible(hana.gql(RECORDS, {"id": demo.child("Noah", "Price")}))
    assert records["LOOKED_AFTER"]["summary"] and records["LOOKED_AFTER"]["detail"] is None
    assert records["MISSING_EPISODE"]["summary"]


def test_unscheduled_care_sees_flags_from_every_agency_by_nhs_number(hub, http, demo) -> None:
    noah = demo.child("Noah", "Price")
    ula = as_practitioner(hub, http, "ula.urgent@nhs.northbridge.example", "UNSCHEDULED_CARE")
    response = ula.post(BY_NHS, {"n": demo.nhs_number(noah)})
    records = visible(response.json())
    flag = records["LOOKED_AFTER"]
    assert flag["owner"]["name"] == "Northbridge Council Children's Services"
    assert flag["summary"] is None and flag["detail"] is None
    assert "MISSING_EPISODE" not in records  # a SUMMARY-tier police record: not a flag
    # The child (known to the trust), the council's flag, and the trust's own attendance record.
    rules = {row["rule"] for row in audit_rows(hub, response.headers["x-request-id"])}
    assert rules == {"agency_reads_children_it_knows", "unscheduled_care_reads_flags", "owner_reads_own_records"}


def test_a_clinician_who_does_not_know_the_child_needs_the_nhs_number_and_the_owner_is_alerted(
        hub, http, demo) -> None:
    leo = demo.child("Leo", "Walsh")  # unknown to the trust, address withheld by the council
    ula = as_practitioner(hub, http, "ula.urgent@nhs.northbridge.example", "UNSCHEDULED_CARE")
    assert ula.gql(RECORDS, {"id": leo}) == {"data": {"child": None}}
    for _ in range(2):  # twice the same day: two audit events, one alert
        by_number = ula.gql(BY_NHS, {"n": demo.nhs_number(leo)})["data"]["childByNhsNumber"]
        assert by_number["postcode"] is None
        assert [edge["node"]["category"] for edge in by_number["records"]["edges"]] == ["CHILD_IN_NEED"]
    council = demo.agency("Northbridge Council Children's Services")
    with UnitOfWork(hub.session_factory) as uow:
        alerts = uow.session.scalars(select(t.Notification).where(
            t.Notification.kind == "RECORD_ACCESSED", t.Notification.child_id == leo,
            t.Notification.recipient_agency_id == council,
            t.Notification.actor_agency_id == demo.agency("Northbridge NHS Foundation Trust"))).all()
        assert [alert.summary.split(" (")[0] for alert in alerts] == ["Ula Urgent"]
        # What was read and whom to ask, never why: a purpose can betray another agency's restricted work.
        assert "read the flag of your agency's records" in alerts[0].summary
        assert "unscheduled care" not in alerts[0].summary.lower()


def test_governance_roles_see_no_child(hub, http, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    for email, purpose in [("ian.ig@council.northbridge.example", "AUDIT_REVIEW"),
                           ("paula.partnership@council.northbridge.example", "PARTNERSHIP_ASSURANCE")]:
        caller = as_practitioner(hub, http, email, purpose)
        assert caller.gql(RECORDS, {"id": amelia}) == {"data": {"child": None}}, email


def test_out_of_area_social_worker_sees_only_what_a_grant_covers(hub, http, demo) -> None:
    sophie, jade = demo.child("Sophie", "Reed"), demo.child("Jade", "Okafor")
    sue = as_practitioner(hub, http, "sue.social@council.southvale.example", "S47_ENQUIRY")
    assert visible(sue.gql(RECORDS, {"id": sophie}))["CHILD_PROTECTION_PLAN"]["detail"]  # her own area's child
    assert sue.gql(RECORDS, {"id": jade}) == {"data": {"child": None}}
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    southvale = demo.agency("Southvale Council Children's Services")
    granted = sam.gql("""mutation($input: GrantAccessInput!) { grantAccess(input: $input) {
        grants { category expiresAt } errors { code field } } }""", {"input": {
        "childId": jade, "granteeAgencyId": southvale, "categories": ["LOOKED_AFTER"], "hours": 24,
        "reason": "Jade is placed in Southvale; the receiving authority needs the care history."}})
    assert granted["data"]["grantAccess"]["errors"] == []
    records = visible(sue.gql(RECORDS, {"id": jade}))
    assert set(records) == {"LOOKED_AFTER"}  # the granted category, and nothing else
    assert records["LOOKED_AFTER"]["summary"] == "Looked after (s.20)."
