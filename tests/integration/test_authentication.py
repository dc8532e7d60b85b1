"""Client credentials, acting on behalf of a practitioner, and refusals of bad credentials (all audited)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.tokens import AUDIENCE
from tests.api import Caller, audit_rows, error_codes, practitioner_token

ME = "{ me { email agencyName clientId } }"


def client_token(http, client_id: str = "northbridge-police-records", secret: str = "demo-police-secret") -> str:
    response = http.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": client_id,
                                                "client_secret": secret})
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    return body["access_token"]


def test_agency_system_acts_for_its_own_practitioner(http) -> None:
    token = client_token(http)
    caller = Caller(http, token, on_behalf_of="pat.police@police.northbridge.example")
    assert caller.gql(ME)["data"]["me"] == {"email": "pat.police@police.northbridge.example",
                                            "agencyName": "Northbridge Police",
                                            "clientId": "northbridge-police-records"}


def test_http_basic_client_authentication_works_too(http) -> None:
    response = http.post("/oauth/token", data={"grant_type": "client_credentials"},
                         auth=("northbridge-nhs-ehr", "demo-nhs-secret"))
    assert response.status_code == 200


def test_agency_system_cannot_act_for_another_agencys_practitioner(hub, http) -> None:
    token = client_token(http)
    for email in ["sam.social@council.northbridge.example", "nobody@police.northbridge.example", None]:
        response = Caller(http, token, on_behalf_of=email).post(ME)
        assert response.status_code == 401
        assert error_codes(response.json()) == ["UNAUTHENTICATED"]
        assert response.json()["data"] is None
        rows = audit_rows(hub, response.headers["x-request-id"])
        assert [(row["action"], row["decision"]) for row in rows] == [("authenticate", "DENY")]


def test_wrong_secret_unknown_client_and_wrong_grant_are_refused_and_audited(hub, http) -> None:
    attempts = [
        ({"grant_type": "client_credentials", "client_id": "northbridge-police-records",
          "client_secret": "guess"}, 401, "invalid_client"),
        ({"grant_type": "client_credentials", "client_id": "no-such-client", "client_secret": "x"},
         401, "invalid_client"),
        ({"grant_type": "password", "client_id": "northbridge-police-records",
          "client_secret": "demo-police-secret"}, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials"}, 401, "invalid_client"),
    ]
    for form, status, error in attempts:
        response = http.post("/oauth/token", data=form)
        assert (response.status_code, response.json()["error"]) == (status, error)
        assert "access_token" not in response.json()
        rows = audit_rows(hub, response.headers["x-request-id"])
        assert [(row["action"], row["decision"]) for row in rows] == [("token", "DENY")]
    assert http.post("/oauth/token", json={"grant_type": "client_credentials"}).status_code == 400


def test_missing_malformed_forged_and_expired_tokens_get_401(hub, http) -> None:
    good = practitioner_token(hub, "sam.social@council.northbridge.example")
    header, _, signature = good.rpartition(".")
    kid = jwt.get_unverified_header(good)["kid"]
    now = datetime.now(UTC)
    claims = {"iss": hub.settings.token_issuer, "aud": AUDIENCE, "sub": "x", "kind": "practitioner",
              "agency": "x", "iat": now, "exp": now + timedelta(minutes=5), "jti": "forged"}
    forged = jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid})
    unsigned = jwt.encode(claims, None, algorithm="none")
    expired = hub.tokens.issue("practitioner", "x", "x", now - timedelta(hours=2))
    cases = {
        None: "Authentication required.",
        "Basic abc": "The Authorization header must be 'Bearer <token>'.",
        "Bearer not-a-jwt": "The Authorization header must be 'Bearer <token>'.",
        f"Bearer {header}.{signature[::-1]}": "The access token is not valid.",
        f"Bearer {forged}": "The access token is not valid.",
        f"Bearer {unsigned}x": "The access token is not valid.",
        f"Bearer {expired}": "The access token has expired.",
    }
    for authorization, message in cases.items():
        headers = {"Authorization": authorization} if authorization else {}
        response = http.post("/graphql", json={"query": ME}, headers=headers)
        assert response.status_code == 401, authorization
        assert response.json()["errors"][0]["message"] == message
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert audit_rows(hub, response.headers["x-request-id"])[0]["decision"] == "DENY"


def test_a_practitioner_token_cannot_claim_to_act_for_someone_else(hub, http) -> None:
    token = practitioner_token(hub, "sam.social@council.northbridge.example")
    response = Caller(http, token, on_behalf_of="mia.mash@council.northbridge.example").post(ME)
    assert response.status_code == 401
