"""Short-lived EdDSA access tokens (JWT) for agency systems and for operators."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import jwt

from hub.errors import AuthenticationError, ValidationError
from hub.keys import KeyError_, KeyStore

AUDIENCE = "safeguarding-hub-api"
TokenKind = Literal["client", "practitioner"]
# Verified tokens remembered per process (keyed by the token's SHA-256, never the token itself), each only
# until its own expiry: a repeat call skips the EdDSA check. Only the signature and claims are remembered;
# whether the practitioner or client is still active is looked up on every request (hub.authentication).
REMEMBERED_TOKENS = 4096


@dataclass(frozen=True)
class TokenClaims:
    kind: TokenKind
    subject: str  # an API client's id, or a practitioner's id
    agency_id: str
    token_id: str


class TokenIssuer:
    def __init__(self, keys: KeyStore, issuer: str, ttl_seconds: int, *, max_lifetime_seconds: int) -> None:
        if not 0 < ttl_seconds <= max_lifetime_seconds:
            raise ValueError("a token's default lifetime must be positive and within the maximum")
        self._keys = keys
        self._issuer = issuer
        self.ttl_seconds = ttl_seconds
        self.max_lifetime_seconds = max_lifetime_seconds
        self.remember_verified = True  # the benchmark switches it off to measure it
        self._verified: dict[bytes, tuple[TokenClaims, float]] = {}
        self._verified_lock = threading.Lock()

    def lifetime(self, requested: int | None) -> int:
        """The lifetime to issue: the default, or the one asked for if it is within the cap."""
        if requested is None:
            return self.ttl_seconds
        if requested < 1:
            raise ValidationError("A token's lifetime is a positive number of seconds.", field="expires_in")
        if requested > self.max_lifetime_seconds:
            raise ValidationError(
                f"A token lives at most {self.max_lifetime_seconds} seconds "
                f"(HUB_TOKEN_MAX_LIFETIME_SECONDS); ask for {self.max_lifetime_seconds} or fewer.",
                field="expires_in")
        return requested

    def issue(self, kind: TokenKind, subject: str, agency_id: str, now: datetime,
              lifetime_seconds: int | None = None) -> str:
        """A signed token; ``lifetime_seconds`` above the cap raises ValidationError and issues nothing."""
        lifetime = self.lifetime(lifetime_seconds)
        kid, key = self._keys.current_signing_key()
        claims = {
            "iss": self._issuer,
            "aud": AUDIENCE,
            "sub": subject,
            "kind": kind,
            "agency": agency_id,
            "iat": now,
            "nbf": now,
            "exp": now + timedelta(seconds=lifetime),
            "jti": secrets.token_hex(12),
        }
        return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})

    def verify(self, token: str) -> TokenClaims:
        if not self.remember_verified:
            claims, _ = self._verify(token)
            return claims
        digest = hashlib.sha256(token.encode()).digest()
        remembered = self._verified.get(digest)
        if remembered is not None:
            if time.time() < remembered[1]:
                return remembered[0]
            with self._verified_lock:  # every change to the dict is made under the lock
                self._verified.pop(digest, None)
        claims, expires_at = self._verify(token)
        with self._verified_lock:
            if len(self._verified) >= REMEMBERED_TOKENS:
                now = time.time()
                for key in [key for key, (_, exp) in list(self._verified.items()) if exp <= now]:
                    del self._verified[key]
                while len(self._verified) >= REMEMBERED_TOKENS:
                    del self._verified[next(iter(self._verified))]
            self._verified[digest] = (claims, expires_at)
        return claims

    def _verify(self, token: str) -> tuple[TokenClaims, float]:
        """The claims of a token whose signature, audience, issuer, times and lifetime hold, and its expiry."""
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
        # A token signed with a longer life than the hub allows (an old key, a changed cap, a forged issuer
        # setting) is refused, however far from its expiry it is.
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int | float) or not isinstance(exp, int | float) or \
                exp - iat > self.max_lifetime_seconds:
            raise AuthenticationError("The access token lives longer than the hub allows.", "Request a new token.")
        kind = claims.get("kind")
        if kind not in ("client", "practitioner") or not isinstance(claims.get("agency"), str):
            raise AuthenticationError("The access token is not valid.")
        return (TokenClaims(kind=kind, subject=claims["sub"], agency_id=claims["agency"], token_id=claims["jti"]),
                float(exp))
