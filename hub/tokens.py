"""Short-lived EdDSA access tokens (JWT) for agency systems and for operators."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import jwt

from hub.errors import AuthenticationError
from hub.keys import KeyError_, KeyStore

AUDIENCE = "safeguarding-hub-api"
TokenKind = Literal["client", "practitioner"]


@dataclass(frozen=True)
class TokenClaims:
    kind: TokenKind
    subject: str  # an API client's id, or a practitioner's id
    agency_id: str
    token_id: str


class TokenIssuer:
    def __init__(self, keys: KeyStore, issuer: str, ttl_seconds: int) -> None:
        self._keys = keys
        self._issuer = issuer
        self.ttl_seconds = ttl_seconds

    def issue(self, kind: TokenKind, subject: str, agency_id: str, now: datetime) -> str:
        kid, key = self._keys.current_signing_key()
        claims = {
            "iss": self._issuer,
            "aud": AUDIENCE,
            "sub": subject,
            "kind": kind,
            "agency": agency_id,
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(seconds=self.ttl_seconds),
            "jti": secrets.token_hex(12),
        }
        return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})

    def verify(self, token: str) -> TokenClaims:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            if not isinstance(kid, str):
                raise AuthenticationError("The access token names no signing key.")
            public_key = self._keys.public_key(kid)
            claims = jwt.decode(
                token,
                public_key,
                algorithms=["EdDSA"],  # never "none", never a symmetric algorithm
                audience=AUDIENCE,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "sub", "aud", "iss", "jti"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthenticationError("The access token has expired.", "Request a new token.") from None
        except (jwt.InvalidTokenError, KeyError_, ValueError):
            raise AuthenticationError("The access token is not valid.") from None
        kind = claims.get("kind")
        if kind not in ("client", "practitioner") or not isinstance(claims.get("agency"), str):
            raise AuthenticationError("The access token is not valid.")
        return TokenClaims(kind=kind, subject=claims["sub"], agency_id=claims["agency"], token_id=claims["jti"])
