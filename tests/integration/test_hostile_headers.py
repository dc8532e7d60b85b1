"""Oversized or hostile values in headers and operation names get a clear refusal, never an unaudited 503."""

from __future__ import annotations

from tests.api import Caller, as_practitioner, audit_rows, error_codes

CHILD = 'query { child(id: "x") { givenName } }'


def test_an_overlong_purpose_or_case_reference_is_refused_and_audited(hub, http) -> None:
    token = as_practitioner(hub, http, "sam.social@council.northbridge.example", None).token
    for caller, code in [(Caller(http, token, purpose="S47_ENQUIRY" * 20), "UNKNOWN_PURPOSE"),
                         (Caller(http, token, purpose="S47_ENQUIRY", case_reference="C" * 500),
                          "CASE_REFERENCE_REQUIRED")]:
        response = caller.post(CHILD)
        assert response.status_code == 200, response.text
        assert error_codes(response.json()) == [code]
        [event] = audit_rows(hub, response.headers["x-request-id"])
        assert event["decision"] == "DENY"


def test_an_overlong_operation_name_is_recorded_cut_short(hub, http) -> None:
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    name = "Q" * 5000
    response = sam.post(f"query {name} {{ child(id: \"x\") {{ givenName }} }}")
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"child": None}
    [event] = audit_rows(hub, response.headers["x-request-id"])
    assert event["operation"].startswith("query QQQ") and len(event["operation"]) <= 200


def test_a_nul_character_anywhere_is_a_clear_refusal_not_a_failure(hub, http) -> None:
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    for document, variables in [("query($id: ID!) { child(id: $id) { givenName } }", {"id": "abc\u0000def"}),
                                ('query { child(id: "a\u0000") { givenName } }', {})]:
        response = sam.post(document, variables)
        assert response.status_code == 400, response.text
        assert error_codes(response.json()) == ["MALFORMED_REQUEST"]
        assert [e["decision"] for e in audit_rows(hub, response.headers["x-request-id"])] == ["DENY"]


def test_nul_characters_in_a_query_string_or_form_are_refused_before_any_page(hub, http) -> None:
    for response in (http.get("/portal/sign-in", params={"next": "a\x00b"}),
                     http.post("/portal/sign-in", data={"email": "dee\x00@x", "password": "x"}),
                     http.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": "a\x00"})):
        assert response.status_code == 400 and "NUL" in response.text
        assert [e["decision"] for e in audit_rows(hub, response.headers["x-request-id"])] == ["DENY"]
    assert http.get("/portal/sign-in").status_code == 200  # ordinary requests pass untouched
