"""Signing in to the portal: an e-mail address and password (argon2id), then a TOTP code (RFC 6238).

Every attempt, success or failure, is appended to the audit ledger in the caller's transaction. What the
person is told never says whether an address has an account: a wrong password and an unknown address get
the same answer, and lockout (``MAX_FAILURES`` failures within ``FAILURE_WINDOW``) is counted per address as
typed, so an address without an account locks the same way.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hub.audit import ledger
from hub.audit.entry import AuditEntry, Verdict
from hub.storage import queries, sealing
from hub.storage import tables as t
from hub.storage.portal_tables import PortalAccount, PortalSignInFailure
from hub.storage.secrets_at_rest import open_secret, seal_secret

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
TOTP_ISSUER = "Safeguarding hub"
TOTP_STEP_SECONDS = 30
# A code from the step before or after the current one is accepted too: clocks on phones drift.
TOTP_DRIFT_STEPS = 1

_hasher = PasswordHasher()
# Verifying against this keeps the time of an unknown address close to that of a wrong password.
_DUMMY_HASH = _hasher.hash("no-such-portal-account")


class Outcome(StrEnum):
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    LOCKED = "LOCKED"


@dataclass(frozen=True)
class PasswordResult:
    outcome: Outcome
    practitioner_id: str | None = None
    needs_enrolment: bool = False


@dataclass(frozen=True)
class Enrolment:
    secret: str
    uri: str  # otpauth:// for an authenticator app's QR code


@dataclass(frozen=True)
class AttemptContext:
    """Where an attempt came from, for its audit entry."""

    request_id: str
    session_id: str
    now: datetime


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def email_key(email: str) -> str:
    return email.strip().lower()[:200]


def check_password(session: Session, email: str, password: str, ctx: AttemptContext) -> PasswordResult:
    key = email_key(email)
    practitioner = queries.practitioner_by_email(session, key) if key else None
    account = session.get(PortalAccount, practitioner.id) if practitioner and practitioner.active else None
    if _locked(session, key, ctx.now):
        _audit(session, ctx, "sign_in", Verdict.DENY, practitioner, key, "locked out: too many failed attempts")
        return PasswordResult(Outcome.LOCKED)
    try:
        _hasher.verify(account.password_hash if account else _DUMMY_HASH, password)
        verified = account is not None
    except (VerificationError, InvalidHashError):
        verified = False
    if not verified or practitioner is None or account is None:
        why = "wrong password" if account else "no active portal account for this address"
        return PasswordResult(_fail(session, key, ctx, practitioner, why))
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    enrolled = account.totp_confirmed_at is not None
    _audit(session, ctx, "sign_in", Verdict.ALLOW, practitioner, key,
           "password accepted; second factor due" if enrolled else "password accepted; second factor to enrol")
    return PasswordResult(Outcome.ACCEPTED, practitioner.id, needs_enrolment=not enrolled)


def check_code(session: Session, practitioner_id: str, code: str, ctx: AttemptContext) -> Outcome:
    """The second factor of an enrolled account. A code is accepted once."""
    practitioner, account = _account(session, practitioner_id)
    key = email_key(practitioner.email)
    if _locked(session, key, ctx.now):
        _audit(session, ctx, "sign_in_second_factor", Verdict.DENY, practitioner, key,
               "locked out: too many failed attempts")
        return Outcome.LOCKED
    if account.totp_confirmed_at is None or not _accept(session, account, code, ctx.now):
        return _fail(session, key, ctx, practitioner, "wrong or reused second-factor code", "sign_in_second_factor")
    session.execute(delete(PortalSignInFailure).where(PortalSignInFailure.email_key == key))
    _audit(session, ctx, "sign_in_second_factor", Verdict.ALLOW, practitioner, key, "signed in")
    return Outcome.ACCEPTED


def start_enrolment(session: Session, practitioner_id: str) -> Enrolment:
    """The secret to enrol (made once, kept until confirmed, so reloading the page shows the same code)."""
    practitioner, account = _account(session, practitioner_id)
    if account.totp_confirmed_at is not None:
        raise ValueError("This account already has a second factor.")
    if account.totp_secret is None:
        account.totp_secret = seal_totp_secret(session, practitioner_id, pyotp.random_base32())
    secret = totp_secret(session, account)
    assert secret is not None
    uri = pyotp.TOTP(secret).provisioning_uri(name=practitioner.email, issuer_name=TOTP_ISSUER)
    return Enrolment(secret, uri)


def seal_totp_secret(session: Session, practitioner_id: str, secret: str) -> str:
    """TOTP secrets are sealed at rest: a stolen database must not carry everyone's second factor."""
    return seal_secret(sealing.key_store(session), "portal_accounts", "totp_secret", practitioner_id, secret)


def totp_secret(session: Session, account: PortalAccount) -> str | None:
    if account.totp_secret is None:
        return None
    return open_secret(sealing.key_store(session), "portal_accounts", "totp_secret", account.practitioner_id,
                       account.totp_secret)


def confirm_enrolment(session: Session, practitioner_id: str, code: str, ctx: AttemptContext) -> Outcome:
    """The first code from the new authenticator proves it holds the secret; it then signs the person in."""
    practitioner, account = _account(session, practitioner_id)
    key = email_key(practitioner.email)
    if _locked(session, key, ctx.now):
        _audit(session, ctx, "enrol_second_factor", Verdict.DENY, practitioner, key,
               "locked out: too many failed attempts")
        return Outcome.LOCKED
    if account.totp_confirmed_at is not None or not _accept(session, account, code, ctx.now):
        return _fail(session, key, ctx, practitioner, "wrong enrolment code", "enrol_second_factor")
    account.totp_confirmed_at = ctx.now
    session.execute(delete(PortalSignInFailure).where(PortalSignInFailure.email_key == key))
    _audit(session, ctx, "enrol_second_factor", Verdict.ALLOW, practitioner, key, "second factor enrolled; signed in")
    return Outcome.ACCEPTED


def current_code(secret: str, now: datetime) -> str:
    """The code an authenticator shows now (for operators and tests: ``hub portal code``)."""
    return pyotp.TOTP(secret).at(now)


def audit_session_event(session: Session, ctx: AttemptContext, action: str, practitioner_id: str | None,
                        reason: str, *, refused: bool = False) -> None:
    """Sign-outs, expiries and refused forms: on the ledger like sign-ins."""
    practitioner = session.get(t.Practitioner, practitioner_id) if practitioner_id else None
    _audit(session, ctx, action, Verdict.DENY if refused else Verdict.ALLOW, practitioner,
           practitioner.email if practitioner else None, reason)


def _accept(session: Session, account: PortalAccount, code: str, now: datetime) -> bool:
    """RFC 6238 with one step of drift either way; a step at or before the last accepted one is refused."""
    code = code.strip().replace(" ", "")
    secret = totp_secret(session, account)
    if not (code.isdigit() and len(code) == 6) or secret is None:
        return False
    totp = pyotp.TOTP(secret)
    step_now = int(now.timestamp()) // TOTP_STEP_SECONDS
    for step in range(step_now - TOTP_DRIFT_STEPS, step_now + TOTP_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if account.totp_last_step is not None and step <= account.totp_last_step:
                return False  # replayed: a code works once
            account.totp_last_step = step
            return True
    return False


def _locked(session: Session, key: str, now: datetime) -> bool:
    failures = session.scalar(select(func.count()).select_from(PortalSignInFailure).where(
        PortalSignInFailure.email_key == key, PortalSignInFailure.failed_at > now - FAILURE_WINDOW))
    return (failures or 0) >= MAX_FAILURES


def _fail(session: Session, key: str, ctx: AttemptContext, practitioner: t.Practitioner | None, why: str,
          action: str = "sign_in") -> Outcome:
    session.add(PortalSignInFailure(email_key=key, failed_at=ctx.now))
    session.flush()
    locked = _locked(session, key, ctx.now)
    _audit(session, ctx, action, Verdict.DENY, practitioner, key,
           f"{why}; locked out for {FAILURE_WINDOW.seconds // 60} minutes" if locked else why)
    return Outcome.LOCKED if locked else Outcome.REJECTED


def _account(session: Session, practitioner_id: str) -> tuple[t.Practitioner, PortalAccount]:
    practitioner = session.get(t.Practitioner, practitioner_id)
    account = session.get(PortalAccount, practitioner_id)
    if practitioner is None or account is None:
        raise LookupError("No portal account for this session's practitioner.")
    return practitioner, account


def _audit(session: Session, ctx: AttemptContext, action: str, verdict: Verdict,
           practitioner: t.Practitioner | None, typed_email: str | None, reason: str) -> None:
    ledger.append(session, [AuditEntry(
        occurred_at=ctx.now, request_id=ctx.request_id, operation="portal", action=action,
        resource_type="portal_session", resource_id=ctx.session_id, decision=verdict,
        actor_practitioner_id=practitioner.id if practitioner else None,
        actor_email=(practitioner.email if practitioner else typed_email or None),
        actor_agency_id=practitioner.agency_id if practitioner else None, reason=reason,
    )])
