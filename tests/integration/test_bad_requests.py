"""Bad requests get a specific status and code, never a 500 or a stack trace, and each is audited."""

from __future__ import annotations

from tests.api import as_practitioner, audit_rows, error_codes


def assert_refused(hub, response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["data"] is None and error_codes(body) == [code]
    assert "Traceback" not in response.text
    assert [row["decision"] for row in audit_rows(hub, response.headers["x-request-id"])] == ["DENY"]


def test_wrong_method_content_type_size_and_json(hub, http) -> None:
    assert_refused(hub, http.get("/graphql", params={"query": "{ me { email } }"}), 405, "METHOD_NOT_ALLOWED")
    assert_refused(hub, http.post("/graphql", content="{ me { email } }",
                                  headers={"Content-Type": "application/graphql"}), 415, "UNSUPPORTED_MEDIA_TYPE")
    assert_refused(hub, http.post("/graphql", content=b'{"query": "' + b"a" * 300_000 + b'"}',
                                  headers={"Content-Type": "application/json"}), 413, "REQUEST_TOO_LARGE")
    assert_refused(hub, http.post("/graphql", content=b"{not json",
                                  headers={"Content-Type": "application/json"}), 400, "MALFORMED_REQUEST")
    assert_refused(hub, http.post("/graphql", json=["query"]), 400, "MALFORMED_REQUEST")
    assert_refused(hub, http.post("/graphql", json={"query": "{ me { email } }", "variables": [1]}),
                   400, "MALFORMED_REQUEST")


def test_limits_refuse_deep_wide_costly_and_batched_documents(hub, http, demo) -> None:
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    amelia = demo.child("Amelia", "Hart")
    aliases = " ".join(f"a{i}: me {{ email }}" for i in range(20))
    tokens = "{ " + " ".join("me { email }" for _ in range(700)) + " }"
    one = 'child(id: "ID") { records(first: 100) { edges { node { id summary detail owner { name email } } } } }'
    costly = "{ " + " ".join(f"c{i}: " + one.replace("ID", amelia) for i in range(12)) + " }"
    cases = [
        ("{ " + aliases + " }", "aliases"),
        (tokens, "token"),
        (costly, "costly"),
        ("query A { me { email } } query B { me { email } }", "operation"),
    ]
    for document, word in cases:
        response = sam.post(document)
        body = response.json()
        assert response.status_code == 200
        assert body.get("data") is None, word
        assert any(word in error["message"].lower() for error in body["errors"]), (word, body)
        rows = audit_rows(hub, response.headers["x-request-id"])
        assert [(row["action"], row["decision"]) for row in rows] == [("execute", "DENY")]


def test_unknown_fields_are_validation_errors_not_500(hub, http) -> None:
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", None)
    response = sam.post("{ me { password } }")
    assert response.status_code == 200
    assert error_codes(response.json()) == ["GRAPHQL_VALIDATION_FAILED"]
