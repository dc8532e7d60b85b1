"""Grants and break-glass through real HTTP: what they open, for whom, and that expiry closes it at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner, audit_rows

RECORDS = """query($id: ID!) { child(id: $id) { records(first: 50) { edges { node {
  category tier summary detail } } } } }"""
GRANT = """mutation($input: GrantAccessInput!) { grantAccess(input: $input) {
  grants { id category expiresAt } errors { code field message } } }"""
EMERGENCY = """mutation($input: DeclareEmergencyInput!) { declareEmergency(input: $input) {
  emergencyAccess { id expiresAt } errors { code field message } } }"""


def categories(body) -> dict[str, dict]:
    child = body["data"]["child"]
    return {} if child is None else {e["node"]["category"]: e["node"] for e in child["records"]["edges"]}


def expire(hub, table, row_id: str) -> None:
    """Let time pass for one grant or emergency access (the rows are not court-safe history)."""
    with UnitOfWork(hub.session_factory) as uow:
        uow.session.execute(update(table).where(table.id == row_id)
                            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        uow.commit()


def test_a_grant_opens_detail_of_its_category_only_until_it_expires(hub, http, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    hana = as_practitioner(hub, http, "hana.health@nhs.northbridge.example", "HEALTH_SAFEGUARDING")
    mia = as_practitioner(hub, http, "mia.mash@council.northbridge.example", "MASH_TRIAGE")
    assert "HEALTH_CONCERN" not in categories(mia.gql(RECORDS, {"id": amelia}))
    council = demo.agency("Northbridge Council Children's Services")
    response = hana.post(GRANT, {"input": {"childId": amelia, "granteeAgencyId": council, "hours": 4,
                                           "categories": ["HEALTH_CONCERN"],
                                           "reason": "MASH strategy discussion today."}})
    [grant] = response.json()["data"]["grantAccess"]["grants"]
    [event] = audit_rows(hub, response.headers["x-request-id"])
    assert (event["action"], event["decision"], event["rule"]) == ("grant", "ALLOW", "owner_grants_its_records")
    concern = categories(mia.gql(RECORDS, {"id": amelia}))["HEALTH_CONCERN"]
    assert concern["detail"].startswith("Health visitor notes")
    # Another agency of the same partnership gains nothing from the council's grant.
    pat = as_practitioner(hub, http, "pat.police@police.northbridge.example", "POLICE_INVESTIGATION")
    assert "HEALTH_CONCERN" not in categories(pat.gql(RECORDS, {"id": amelia}))
    expire(hub, t.Grant, grant["id"])
    assert "HEALTH_CONCERN" not in categories(mia.gql(RECORDS, {"id": amelia}))


def test_grants_are_refused_when_malformed_or_not_the_grantors_to_give(hub, http, demo) -> None:
    amelia, sophie = demo.child("Amelia", "Hart"), demo.child("Sophie", "Reed")
    hana = as_practitioner(hub, http, "hana.health@nhs.northbridge.example", "HEALTH_SAFEGUARDING")
    council = demo.agency("Northbridge Council Children's Services")
    base = {"childId": amelia, "granteeAgencyId": council, "hours": 4, "categories": ["HEALTH_CONCERN"],
            "reason": "Strategy discussion."}
    for change, field in [({"hours": 0}, "hours"), ({"hours": 24 * 91}, "hours"), ({"categories": []}, "categories"),
                          ({"reason": " "}, "reason"), ({"granteeAgencyId": "nope"}, "granteeAgencyId"),
                          ({"granteeAgencyId": demo.agency("Northbridge NHS Foundation Trust")}, "granteeAgencyId")]:
        errors = hana.gql(GRANT, {"input": {**base, **change}})["data"]["grantAccess"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", field)], change
    # A child the trust does not know: the same answer as no child at all.
    unknown = hana.gql(GRANT, {"input": {**base, "childId": sophie}})["data"]["grantAccess"]["errors"]
    absent = hana.gql(GRANT, {"input": {**base, "childId": "no-such-child"}})["data"]["grantAccess"]["errors"]
    assert unknown == absent and unknown[0]["code"] == "NOT_FOUND"


def test_break_glass_gives_flag_and_summary_for_an_hour_alerts_owners_and_awaits_review(hub, http, demo) -> None:
    sophie = demo.child("Sophie", "Reed")  # a Southvale child, unknown to Northbridge Police
    pat = as_practitioner(hub, http, "pat.police@police.northbridge.example", "EMERGENCY", "INC-2211")
    assert pat.gql(RECORDS, {"id": sophie}) == {"data": {"child": None}}
    too_short = pat.gql(EMERGENCY, {"input": {"childId": sophie, "reason": "urgent"}})
    assert too_short["data"]["declareEmergency"]["errors"][0]["field"] == "reason"
    response = pat.post(EMERGENCY, {"input": {"childId": sophie, "reason": "Found alone at 02:00 on the "
                                              "ring road; carer not contactable."}})
    access = response.json()["data"]["declareEmergency"]["emergencyAccess"]
    expires = datetime.fromisoformat(access["expiresAt"])
    assert timedelta(minutes=59) < expires - datetime.now(UTC) <= timedelta(minutes=60)
    [event] = audit_rows(hub, response.headers["x-request-id"])
    assert (event["action"], event["decision"], event["purpose"]) == ("break_glass", "ALLOW", "EMERGENCY")
    assert "ring road" in event["reason"]
    plan = categories(pat.gql(RECORDS, {"id": sophie}))["CHILD_PROTECTION_PLAN"]
    assert plan["summary"] and plan["detail"] is None
    rows = audit_rows(hub, pat.post(RECORDS, {"id": sophie}).headers["x-request-id"])
    assert {row["rule"] for row in rows} == {"break_glass_emergency"}
    # The emergency is for this purpose only, and the owner knows.
    investigating = as_practitioner(hub, http, "pat.police@police.northbridge.example", "POLICE_INVESTIGATION")
    assert investigating.gql(RECORDS, {"id": sophie}) == {"data": {"child": None}}
    southvale = demo.agency("Southvale Council Children's Services")
    with UnitOfWork(hub.session_factory) as uow:
        alert = uow.session.scalar(select(t.Notification).where(
            t.Notification.kind == "BREAK_GLASS_USED", t.Notification.recipient_agency_id == southvale,
            t.Notification.child_id == sophie))
        assert alert is not None and "ring road" in alert.summary
    expire(hub, t.BreakGlassSession, access["id"])
    assert pat.gql(RECORDS, {"id": sophie}) == {"data": {"child": None}}


def test_only_eligible_roles_declaring_an_emergency_may_break_the_glass(hub, http, demo) -> None:
    sophie = demo.child("Sophie", "Reed")
    reason = "Pupil disclosed immediate danger at home tonight."
    for email, purpose in [("dee.dsl@primary.northbridge.example", "EMERGENCY"),
                           ("pat.police@police.northbridge.example", "POLICE_INVESTIGATION"),
                           ("ian.ig@council.northbridge.example", "EMERGENCY")]:
        caller = as_practitioner(hub, http, email, purpose)
        for child_id in (sophie, "no-such-child"):  # the same refusal, whether or not the child exists
            errors = caller.gql(EMERGENCY, {"input": {"childId": child_id, "reason": reason}})
            assert errors["data"]["declareEmergency"]["errors"][0]["code"] == "FORBIDDEN", (email, purpose)
