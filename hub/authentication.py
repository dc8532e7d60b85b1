"""Who is calling: client credentials for agency systems, and the practitioner each call acts for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.domain.actor import Actor
from hub.errors import AuthenticationError
from hub.storage import queries
from hub.storage import tables as t
from hub.tokens import TokenIssuer

_hasher = PasswordHasher()
# Verifying against this keeps the time of an unknown client id close to that of a wrong secret.
_DUMMY_HASH = _hasher.hash("no-such-client")
BEARER = re.compile(r"Bearer ([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)")


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


@dataclass(frozen=True)
class ClientGrant:
    client_id: str
    agency_id: str
    token: str
    expires_in: int


def issue_client_token(
    session: Session, issuer: TokenIssuer, client_id: str, secret: str, now: datetime,
    lifetime_seconds: int | None = None,
) -> ClientGrant:
    """OAuth2 client credentials: an agency system proves its secret and gets a short-lived token, of the
    lifetime it asked for if that is within the cap (ValidationError otherwise, once the secret is proved)."""
    client = session.scalar(select(t.ApiClient).where(t.ApiClient.client_id == client_id))
    try:
        _hasher.verify(client.secret_hash if client else _DUMMY_HASH, secret)
    except (VerificationError, InvalidHashError):
        client = None
    if client is None or not client.active:
        raise AuthenticationError("Unknown client, or wrong client secret.")
    lifetime = issuer.lifetime(lifetime_seconds)
    token = issuer.issue("client", client.client_id, client.agency_id, now, lifetime)
    return ClientGrant(client.client_id, client.agency_id, token, lifetime)


def authenticate(
    session: Session, issuer: TokenIssuer, authorization: str | None, on_behalf_of: str | None
) -> Actor:
    """The actor for a request, from its bearer token and, for agency systems, the practitioner named.

    The actor's agency always comes from the verified token and the database, never from the request.
    """
    if not authorization:
        raise AuthenticationError(
            "Authentication required.", "Send Authorization: Bearer <token> from POST /oauth/token."
        )
    match = BEARER.fullmatch(authorization.strip())
    if match is None:
        raise AuthenticationError("The Authorization header must be 'Bearer <token>'.")
    claims = issuer.verify(match.group(1))
    if claims.kind == "practitioner":
        actor = queries.load_actor(session, claims.subject)
        if actor is None or actor.agency_id != claims.agency_id:
            raise AuthenticationError("The practitioner of this token is not active.")
        if on_behalf_of and on_behalf_of.lower() != actor.email.lower():
            raise AuthenticationError("A practitioner's token cannot act on behalf of someone else.")
        return actor
    client = session.scalar(select(t.ApiClient).where(t.ApiClient.client_id == claims.subject))
    if client is None or not client.active or client.agency_id != claims.agency_id:
        raise AuthenticationError("The client of this token is not active.")
    # From here the client is verified: a refusal names it, so the audit shows which system asked.
    if not on_behalf_of:
        raise AuthenticationError(
            "An agency system must say which practitioner it acts for.",
            "Send the Hub-On-Behalf-Of header with the practitioner's e-mail address.",
            client_id=client.client_id,
        )
    practitioner = queries.practitioner_by_email(session, on_behalf_of.strip())
    actor = None
    if practitioner is not None and practitioner.agency_id == client.agency_id and practitioner.active:
        actor = queries.load_actor(session, practitioner.id, client_id=client.client_id)
    if actor is None:
        # One message whether the practitioner is unknown or belongs to another agency.
        raise AuthenticationError("This client cannot act for that practitioner: not one of its agency's.",
                                  client_id=client.client_id)
    return actor
