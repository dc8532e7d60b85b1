from __future__ import annotations

import os
import stat
import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from hub.errors import AuthenticationError, ValidationError
from hub.keys import KeyStore
from hub.tokens import TokenIssuer


@pytest.fixture
def keys(tmp_path) -> KeyStore:
    store = KeyStore(tmp_path / "keys")
    store.ensure()
    return store


def test_key_directory_and_files_are_private(keys: KeyStore) -> None:
    assert stat.S_IMODE(os.stat(keys.key_dir).st_mode) == 0o700
    kid, _ = keys.current_signing_key()
    assert stat.S_IMODE(os.stat(keys.key_dir / "signing" / f"{kid}.pem").st_mode) == 0o600


def test_issued_tokens_verify_and_carry_the_subject(keys: KeyStore) -> None:
    issuer = TokenIssuer(keys, "hub", 600, max_lifetime_seconds=3600)
    token = issuer.issue("client", "police-records", "agency-1", datetime.now(UTC))
    claims = issuer.verify(token)
    assert (claims.kind, claims.subject, claims.agency_id) == ("client", "police-records", "agency-1")
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"


def test_tokens_signed_before_a_rotation_still_verify(keys: KeyStore) -> None:
    issuer = TokenIssuer(keys, "hub", 600, max_lifetime_seconds=3600)
    old = issuer.issue("practitioner", "p", "a", datetime.now(UTC))
    keys.rotate_signing_key()
    assert issuer.verify(old).subject == "p"
    assert jwt.get_unverified_header(issuer.issue("practitioner", "p", "a", datetime.now(UTC)))["kid"] != \
        jwt.get_unverified_header(old)["kid"]


def test_expired_wrong_issuer_and_symmetric_tokens_are_refused(keys: KeyStore) -> None:
    issuer = TokenIssuer(keys, "hub", 600, max_lifetime_seconds=3600)
    expired = issuer.issue("client", "c", "a", datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(AuthenticationError, match="expired"):
        issuer.verify(expired)
    other = TokenIssuer(keys, "someone-else", 600, max_lifetime_seconds=3600).issue(
        "client", "c", "a", datetime.now(UTC))
    with pytest.raises(AuthenticationError, match="not valid"):
        issuer.verify(other)
    kid, _ = keys.current_signing_key()
    hmac = jwt.encode({"sub": "c", "kind": "client", "agency": "a"}, "k" * 32, algorithm="HS256",
                      headers={"kid": kid})
    with pytest.raises(AuthenticationError, match="not valid"):
        issuer.verify(hmac)


def test_no_token_is_issued_or_accepted_beyond_the_maximum_lifetime(keys: KeyStore) -> None:
    issuer = TokenIssuer(keys, "hub", 600, max_lifetime_seconds=900)
    with pytest.raises(ValidationError, match="at most 900 seconds"):
        issuer.issue("client", "c", "a", datetime.now(UTC), lifetime_seconds=901)
    assert issuer.verify(issuer.issue("client", "c", "a", datetime.now(UTC), lifetime_seconds=900)).subject == "c"
    longer = TokenIssuer(keys, "hub", 600, max_lifetime_seconds=3600).issue(
        "client", "c", "a", datetime.now(UTC), lifetime_seconds=3600)
    with pytest.raises(AuthenticationError, match="lives longer"):
        issuer.verify(longer)
    with pytest.raises(ValueError, match="within the maximum"):
        TokenIssuer(keys, "hub", 1000, max_lifetime_seconds=900)


def test_a_remembered_token_is_refused_once_it_expires(keys: KeyStore) -> None:
    issuer = TokenIssuer(keys, "hub", 600, max_lifetime_seconds=3600)
    token = issuer.issue("practitioner", "p", "a", datetime.now(UTC) - timedelta(seconds=599))
    assert issuer.verify(token).subject == "p"
    assert issuer.verify(token).subject == "p"  # remembered: no second signature check
    time.sleep(1.1)
    with pytest.raises(AuthenticationError, match="expired"):
        issuer.verify(token)


def test_only_verified_tokens_are_remembered(keys: KeyStore) -> None:
    issuer = TokenIssuer(keys, "hub", 600, max_lifetime_seconds=3600)
    token = issuer.issue("client", "c", "a", datetime.now(UTC))
    other = issuer.issue("client", "d", "a", datetime.now(UTC))
    header, payload, _ = token.split(".")
    forged = f"{header}.{payload}.{other.split('.')[2]}"  # another token's signature
    for _ in range(2):
        with pytest.raises(AuthenticationError, match="not valid"):
            issuer.verify(forged)
    assert issuer.verify(token).subject == "c"


def test_remembered_tokens_are_bounded(keys: KeyStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hub.tokens.REMEMBERED_TOKENS", 2)
    issuer = TokenIssuer(keys, "hub", 600, max_lifetime_seconds=3600)
    tokens = [issuer.issue("client", f"c{i}", "a", datetime.now(UTC)) for i in range(5)]
    assert [issuer.verify(token).subject for token in tokens] == [f"c{i}" for i in range(5)]
    assert len(issuer._verified) == 2
