"""Reading children and records through real HTTP, as the demo practitioners, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.api import Caller, as_practitioner, audit_rows, error_codes

CHILD_RECORDS = """
query ChildRecords($id: ID!) {
  child(id: $id) {
    givenName familyName postcode addressWithheld
    records(first: 50) {
      totalCount
      edges { node { id category tier summary detail redactedFields confidentialNotice owner { name } } }
    }
  }
}
"""
COUNCIL = "Northbridge Council Children's Services"
POLICE = "Northbridge Police"


def records_by_category(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    edges = body["data"]["child"]["records"]["edges"]
    return {edge["node"]["category"]: edge["node"] for edge in edges}


def test_owner_reads_every_tier_of_its_own_records(hub, http, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    records = records_by_category(sam.gql(CHILD_RECORDS, {"id": amelia}))
    plan = records["CHILD_PROTECTION_PLAN"]
    assert plan["owner"]["name"] == COUNCIL
    assert plan["summary"].startswith("Child protection plan")
    assert "conference" in plan["detail"]
    assert plan["redactedFields"] == []


def test_dsl_reads_only_the_flag_of_another_agencys_record_about_a_pupil(hub, http, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    dee = as_practitioner(hub, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING")
    body = dee.gql(CHILD_RECORDS, {"id": amelia})
    records = records_by_category(body)
    plan = records["CHILD_PROTECTION_PLAN"]
    assert plan["tier"] == "FLAG"
    assert plan["owner"]["name"] == COUNCIL
    assert plan["summary"] is None and plan["detail"] is None
    assert set(plan["redactedFields"]) >= {"summary", "detail"}
    # Her school's own record, in full; the incident the police notified to the school, in summary; the
    # health concern (DETAIL) and the police intelligence (RESTRICTED) are not even acknowledged.
    assert records["ATTENDANCE_CONCERN"]["summary"].startswith("Attendance")
    incident = records["DOMESTIC_ABUSE_INCIDENT"]
    assert incident["summary"].startswith("Domestic abuse incident") and incident["detail"] is None
    assert "POLICE_INTELLIGENCE" not in records and "HEALTH_CONCERN" not in records
    assert body["data"]["child"]["records"]["totalCount"] == len(records)


def test_dsl_cannot_see_a_child_not_on_her_schools_roll(hub, http, demo) -> None:
    noah = demo.child("Noah", "Price")  # on the academy's roll, not the primary's
    dee = as_practitioner(hub, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING")
    unseen = dee.post(CHILD_RECORDS, {"id": noah})
    absent = dee.post(CHILD_RECORDS, {"id": "00000000-0000-0000-0000-000000000000"})
    assert unseen.json() == absent.json() == {"data": {"child": None}}
    denial = audit_rows(hub, unseen.headers["x-request-id"])
    assert [(row["decision"], row["rule"], row["child_id"]) for row in denial] == [
        ("DENY", "default_deny", noah)
    ]
    assert audit_rows(hub, absent.headers["x-request-id"])[0]["reason"] == "no such child"


def test_dsl_with_another_purpose_sees_nothing(hub, http, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    dee = as_practitioner(hub, http, "dee.dsl@primary.northbridge.example", "S47_ENQUIRY")
    assert dee.gql(CHILD_RECORDS, {"id": amelia}) == {"data": {"child": None}}


def test_out_of_area_social_worker_sees_nothing_of_a_northbridge_child(hub, http, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    sue = as_practitioner(hub, http, "sue.social@council.southvale.example", "S47_ENQUIRY")
    response = sue.post(CHILD_RECORDS, {"id": amelia})
    assert response.json() == {"data": {"child": None}}
    assert audit_rows(hub, response.headers["x-request-id"])[0]["decision"] == "DENY"


def test_withheld_address_is_hidden_from_all_but_the_agency_that_withheld_it(hub, http, demo) -> None:
    leo = demo.child("Leo", "Walsh")
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S17_ASSESSMENT")
    dee = as_practitioner(hub, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING")
    as_council = sam.gql(CHILD_RECORDS, {"id": leo})["data"]["child"]
    as_school = dee.gql(CHILD_RECORDS, {"id": leo})["data"]["child"]
    assert as_council["postcode"] == "NB4 2LP"
    assert as_school["givenName"] == "Leo" and as_school["addressWithheld"] is True
    assert as_school["postcode"] is None


def test_every_access_is_audited_with_rule_policy_version_and_purpose(hub, http, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    dee = as_practitioner(hub, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING",
                          "DSL-2026-14")
    response = dee.post(CHILD_RECORDS, {"id": amelia})
    rows = audit_rows(hub, response.headers["x-request-id"])
    released = response.json()["data"]["child"]["records"]["edges"]
    assert [row["resource_type"] for row in rows] == ["child"] + ["record"] * len(released)
    assert {row["resource_id"] for row in rows[1:]} == {edge["node"]["id"] for edge in released}
    for row in rows:
        assert row["decision"] == "ALLOW"
        assert row["actor_email"] == "dee.dsl@primary.northbridge.example"
        assert row["purpose"] == "EDUCATION_SAFEGUARDING"
        assert row["case_reference"] == "DSL-2026-14"
        assert "Education Act 2002" in row["lawful_basis"] or "6(1)(c)" in row["lawful_basis"]
        assert row["policy_version"] == hub.policy.version
        assert row["rule"] in {"agency_reads_children_it_knows", "dsl_reads_flags_of_pupils_on_roll",
                               "dsl_reads_summary_of_incidents_notified_to_school", "owner_reads_own_records"}
        assert row["operation"] == "query ChildRecords"
    flag = next(row for row in rows if row["resource_type"] == "record" and "detail" not in row["fields"])
    assert "summary" not in flag["fields"]


def test_records_page_with_cursors_and_counts_that_do_not_change(hub, http, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    query = """query Page($id: ID!, $after: String) { child(id: $id) { records(first: 1, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = sam.gql(query, {"id": amelia, "after": after})["data"]["child"]["records"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"]
    bad = sam.post(query, {"id": amelia, "after": "not-a-cursor"}).json()
    assert error_codes(bad) == ["INVALID_INPUT"]


def test_find_by_nhs_number_tells_who_to_contact_and_nothing_else(hub, http, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    nhs = demo.nhs_number(amelia)
    pat = as_practitioner(hub, http, "pat.police@police.northbridge.example", "POLICE_INVESTIGATION")
    spaced = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
    body = pat.gql("query($n: String!) { findChildByNhsNumber(nhsNumber: $n) { childId involvedAgencies "
                   "{ name officeHoursPhone } } }", {"n": spaced})
    match = body["data"]["findChildByNhsNumber"]
    assert match["childId"] == amelia
    assert {a["name"] for a in match["involvedAgencies"]} >= {COUNCIL, POLICE, "Northbridge Primary School"}


def test_invalid_nhs_numbers_get_a_specific_error_and_an_audit_event(hub, http) -> None:
    pat = as_practitioner(hub, http, "pat.police@police.northbridge.example", "POLICE_INVESTIGATION")
    for bad in ["9990000019", "12345", "999000001X"]:
        response = pat.post("query($n: String!) { findChildByNhsNumber(nhsNumber: $n) { childId } }", {"n": bad})
        assert error_codes(response.json()) == ["INVALID_NHS_NUMBER"], bad
        rows = audit_rows(hub, response.headers["x-request-id"])
        assert rows and rows[-1]["decision"] == "DENY"


def test_an_unknown_nhs_number_looks_like_an_unseen_one(hub, http) -> None:
    pat = as_practitioner(hub, http, "pat.police@police.northbridge.example", "POLICE_INVESTIGATION")
    unknown = "9999999999"  # valid check digit, no such child
    body = pat.gql("query($n: String!) { findChildByNhsNumber(nhsNumber: $n) { childId } }", {"n": unknown})
    assert body == {"data": {"findChildByNhsNumber": None}}


def test_governance_roles_cannot_find_children(hub, http, demo) -> None:
    nhs = demo.nhs_number(demo.child("Amelia", "Hart"))
    ian = as_practitioner(hub, http, "ian.ig@council.northbridge.example", "AUDIT_REVIEW")
    body = ian.gql("query($n: String!) { findChildByNhsNumber(nhsNumber: $n) { childId } }", {"n": nhs})
    assert body == {"data": {"findChildByNhsNumber": None}}


def test_purpose_and_case_reference_are_required_for_child_data(hub, http, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    token = as_practitioner(hub, http, "sam.social@council.northbridge.example", None).token
    cases = [
        (Caller(http, token, purpose=None), "PURPOSE_REQUIRED"),
        (Caller(http, token, purpose="CURIOSITY"), "UNKNOWN_PURPOSE"),
        (Caller(http, token, purpose="S47_ENQUIRY", case_reference=None), "CASE_REFERENCE_REQUIRED"),
    ]
    for caller, code in cases:
        response = caller.post(CHILD_RECORDS, {"id": amelia})
        body = response.json()
        assert body["data"] == {"child": None}
        assert error_codes(body) == [code]
        assert "Hub-" in body["errors"][0]["extensions"].get("suggestion", "") or code == "UNKNOWN_PURPOSE"
        rows = audit_rows(hub, response.headers["x-request-id"])
        assert [row["decision"] for row in rows] == ["DENY"]


def test_me_and_the_purpose_registry_need_no_purpose(hub, http) -> None:
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", None)
    body = sam.gql("{ me { email roles agencyKind } purposes { code legislation } }")
    assert body["data"]["me"] == {"email": "sam.social@council.northbridge.example", "roles": ["SOCIAL_WORKER"],
                                  "agencyKind": "LOCAL_AUTHORITY"}
    registry = {p["code"]: p["legislation"] for p in body["data"]["purposes"]}
    assert registry["S47_ENQUIRY"] == "Children Act 1989 s.47"


FIND = """query($input: FindChildrenInput!) { findChildren(input: $input) { childId confidence
  involvedAgencies { name } } }"""


def test_find_by_details_scores_plausible_matches_and_tells_only_whom_to_contact(hub, http, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    pat = as_practitioner(hub, http, "pat.police@police.northbridge.example", "POLICE_INVESTIGATION")
    # As a police system might hold her: a typo in the family name, no NHS number.
    response = pat.post(FIND, {"input": {"givenName": "Amelia", "familyName": "Harte", "dateOfBirth": "2017-03-14",
                                         "sex": "female", "postcode": "NB1 2BD"}})
    [best, *_] = response.json()["data"]["findChildren"]
    assert best["childId"] == amelia and best["confidence"] in {"HIGH", "MEDIUM", "LOW"}
    assert "Northbridge Council Children's Services" in {a["name"] for a in best["involvedAgencies"]}
    events = audit_rows(hub, response.headers["x-request-id"])
    assert (events[0]["action"], events[0]["decision"], events[0]["child_id"]) == ("find", "ALLOW", amelia)
    nobody = pat.gql(FIND, {"input": {"givenName": "Zebedee", "familyName": "Quartermaine",
                                       "dateOfBirth": "2001-01-01"}})
    assert nobody == {"data": {"findChildren": []}}
    bad = pat.post(FIND, {"input": {"givenName": " ", "familyName": "Hart", "dateOfBirth": "2017-03-14"}}).json()
    assert error_codes(bad) == ["INVALID_INPUT"]
    ian = as_practitioner(hub, http, "ian.ig@council.northbridge.example", "AUDIT_REVIEW")
    assert ian.gql(FIND, {"input": {"givenName": "Amelia", "familyName": "Hart", "dateOfBirth": "2017-03-14"}}) == {
        "data": {"findChildren": []}}
