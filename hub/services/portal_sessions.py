"""Server-side portal sessions: created anonymous (to carry the sign-in form's CSRF token), bound to a
practitioner by the password, signed in by the second factor, ended by signing out, by idleness or by age.

The cookie holds a random token and the table only its SHA-256. Every change of stage issues a new token
and a new CSRF token, so a token seen before sign-in (session fixation) is worthless after it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from hub.domain.actor import Actor
from hub.storage import queries
from hub.storage.portal_tables import PortalSession

# However active, a session ends after a working day: the person signs in again with both factors.
MAX_SESSION_AGE = timedelta(hours=12)
# Anonymous and half-signed-in sessions nobody came back to are deleted after this long.
ABANDONED_AFTER = timedelta(days=1)


class Stage(StrEnum):
    ANONYMOUS = "ANONYMOUS"  # no one yet: carries the sign-in form's CSRF token
    AWAITING_CODE = "AWAITING_CODE"  # password accepted; the second factor is due
    ENROLLING = "ENROLLING"  # password accepted; no second factor yet, so one is being set up
    SIGNED_IN = "SIGNED_IN"


class Ended(StrEnum):
    SIGNED_OUT = "SIGNED_OUT"
    SIGNED_OUT_EVERYWHERE = "SIGNED_OUT_EVERYWHERE"
    IDLE = "IDLE"
    TOO_OLD = "TOO_OLD"
    LOCKED_OUT = "LOCKED_OUT"
    QUICK_EXIT = "QUICK_EXIT"  # the person left in a hurry: the session ends as they leave
    SUPERSEDED = "SUPERSEDED"  # a new token was issued for the next stage


@dataclass(frozen=True)
class SessionView:
    id: str
    stage: Stage
    practitioner_id: str | None
    csrf_token: str
    created_at: datetime

    def csrf_matches(self, submitted: str | None) -> bool:
        """The synchronizer-token check, in constant time."""
        return bool(submitted) and hmac.compare_digest(self.csrf_token.encode(), (submitted or "").encode())


@dataclass(frozen=True)
class Issued:
    """A session and the token for its cookie (shown once: only its hash is kept)."""

    token: str
    view: SessionView


@dataclass(frozen=True)
class Resolved:
    """The session a cookie names, or why there is none (``expired`` names the session that just ended)."""

    view: SessionView | None
    expired: Ended | None = None
    expired_practitioner_id: str | None = None
    expired_session_id: str | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, now: datetime) -> Issued:
    """A new anonymous session (the sign-in form's). Sweeps abandoned sessions while it is here."""
    session.execute(delete(PortalSession).where(
        PortalSession.last_seen_at < now - ABANDONED_AFTER, PortalSession.stage != Stage.SIGNED_IN))
    return _issue(session, None, Stage.ANONYMOUS, now)


def resolve(session: Session, token: str | None, now: datetime, idle: timedelta) -> Resolved:
    """The live session for a cookie's token, touched; an idle or too old one is ended here."""
    if not token or len(token) > 100:
        return Resolved(None)
    row = session.scalar(select(PortalSession).where(PortalSession.token_hash == token_hash(token)))
    if row is None or row.ended_at is not None:
        return Resolved(None)
    reason = None
    if row.last_seen_at + idle < now:
        reason = Ended.IDLE
    elif row.created_at + MAX_SESSION_AGE < now:
        reason = Ended.TOO_OLD
    if reason is not None:
        row.ended_at, row.ended_reason = now, str(reason)
        return Resolved(None, reason, row.practitioner_id, row.id)
    row.last_seen_at = now
    return Resolved(_view(row))


def actor(session: Session, view: SessionView) -> Actor | None:
    """The practitioner a session is bound to, if still active (a deactivated account stops at once)."""
    return queries.load_actor(session, view.practitioner_id) if view.practitioner_id else None


def advance(session: Session, current: SessionView, stage: Stage, practitioner_id: str, now: datetime) -> Issued:
    """Move to the next stage under a new token and CSRF token; the old token stops working."""
    _end(session, current.id, now, Ended.SUPERSEDED)
    return _issue(session, practitioner_id, stage, now)


def end(session: Session, current: SessionView, now: datetime, reason: Ended) -> None:
    _end(session, current.id, now, reason)


def end_all(session: Session, practitioner_id: str, now: datetime, reason: Ended) -> int:
    """End every live session of the practitioner, on every device; how many there were."""
    result = session.execute(
        update(PortalSession)
        .where(PortalSession.practitioner_id == practitioner_id, PortalSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=str(reason))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _issue(session: Session, practitioner_id: str | None, stage: Stage, now: datetime) -> Issued:
    token = secrets.token_urlsafe(32)
    row = PortalSession(token_hash=token_hash(token), practitioner_id=practitioner_id, stage=str(stage),
                        csrf_token=secrets.token_urlsafe(32), created_at=now, last_seen_at=now)
    session.add(row)
    session.flush()
    return Issued(token, _view(row))


def _end(session: Session, session_id: str, now: datetime, reason: Ended) -> None:
    session.execute(update(PortalSession).where(PortalSession.id == session_id, PortalSession.ended_at.is_(None))
                    .values(ended_at=now, ended_reason=str(reason)))


def _view(row: PortalSession) -> SessionView:
    return SessionView(row.id, Stage(row.stage), row.practitioner_id, row.csrf_token, row.created_at)
