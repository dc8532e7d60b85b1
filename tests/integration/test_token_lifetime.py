"""Tokens have a maximum lifetime (HUB_TOKEN_MAX_LIFETIME_SECONDS): `hub token` and POST /oauth/token refuse
to issue a longer one with a clear error, and a token that claims a longer life is refused on use."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import jwt
from typer.testing import CliRunner

from hub.cli import app
from hub.tokens import AUDIENCE
from tests.api import audit_rows

ME = "{ me { email } }"
FORM = {"grant_type": "client_credentials", "client_id": "northbridge-police-records",
        "client_secret": "demo-police-secret"}


def test_the_token_endpoint_refuses_a_lifetime_above_the_cap(hub, http) -> None:
    cap = hub.settings.token_max_lifetime_seconds
    refused = http.post("/oauth/token", data={**FORM, "expires_in": str(cap + 1)})
    assert refused.status_code == 400
    body = refused.json()
    assert body["error"] == "invalid_request" and str(cap) in body["error_description"], body
    assert "HUB_TOKEN_MAX_LIFETIME_SECONDS" in body["error_description"]
    [row] = audit_rows(hub, refused.headers["x-request-id"])
    assert (row["action"], row["decision"], row["client_id"]) == ("token", "DENY", "northbridge-police-records")
    for bad in ("forever", "0", "-5"):
        assert http.post("/oauth/token", data={**FORM, "expires_in": bad}).status_code == 400, bad
    shorter = http.post("/oauth/token", data={**FORM, "expires_in": "120"})
    assert shorter.status_code == 200 and shorter.json()["expires_in"] == 120
    claims = jwt.decode(shorter.json()["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 120


def test_a_token_claiming_a_longer_life_than_the_cap_is_refused_on_use(hub, http) -> None:
    kid, key = hub.keys.current_signing_key()
    now = datetime.now(UTC)
    sam = "sam.social@council.northbridge.example"
    from tests.api import practitioner_token
    good = jwt.decode(practitioner_token(hub, sam), options={"verify_signature": False})
    claims = {**good, "iat": now, "nbf": now, "jti": secrets.token_hex(12),
              "exp": now + timedelta(seconds=hub.settings.token_max_lifetime_seconds + 60)}
    assert claims["aud"] == AUDIENCE
    long_lived = jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})
    response = http.post("/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {long_lived}"})
    assert response.status_code == 401
    assert "lives longer" in response.json()["errors"][0]["message"]


def test_hub_token_refuses_a_lifetime_above_the_cap(hub) -> None:
    env = {"HUB_DATABASE_URL": hub.settings.database_url, "HUB_KEY_DIR": str(hub.settings.key_dir),
           "HUB_TOKEN_MAX_LIFETIME_SECONDS": "900"}
    runner = CliRunner()
    refused = runner.invoke(app, ["token", "--practitioner", "sam.social@council.northbridge.example",
                                  "--lifetime-seconds", "901"], env=env)
    assert refused.exit_code == 2
    assert "900" in refused.output and "HUB_TOKEN_MAX_LIFETIME_SECONDS" in refused.output
    issued = runner.invoke(app, ["token", "--practitioner", "sam.social@council.northbridge.example",
                                 "--lifetime-seconds", "900"], env=env)
    assert issued.exit_code == 0, issued.output
    claims = jwt.decode(issued.output.strip().splitlines()[-1], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 900
