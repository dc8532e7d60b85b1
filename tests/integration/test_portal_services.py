"""The portal's services on the real databases: sessions, sign-in with TOTP and lockout, and the roll through
the one door. (The inbox is issue 5's service, tested with it.)"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from hub.bootstrap import Hub
from hub.demo import demo_totp_secret
from hub.door import Door
from hub.services import portal_sessions, roll
from hub.services.portal_sessions import Ended, Stage
from hub.services.portal_sign_in import (
    MAX_FAILURES,
    AttemptContext,
    Outcome,
    check_code,
    check_password,
    confirm_enrolment,
    start_enrolment,
    totp_secret,
)
from hub.storage import queries
from hub.storage import tables as t
from hub.storage.portal_tables import PortalAccount
from hub.storage.secrets_at_rest import SecretError
from hub.storage.unit_of_work import UnitOfWork
from tests.integration.test_read_cost import counted
from tests.portal import DAN, DEE

IDLE = timedelta(minutes=15)
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@contextmanager
def door_for(hub: Hub, email: str, purpose: str) -> Iterator[Door]:
    with UnitOfWork(hub.session_factory) as uow:
        practitioner = queries.practitioner_by_email(uow.session, email)
        assert practitioner is not None
        actor = queries.load_actor(uow.session, practitioner.id)
        assert actor is not None
        door = Door(uow, hub.policy, hub.reference, actor, request_id=uuid.uuid4().hex, purpose_code=purpose,
                    case_reference="TEST-CASE")
        yield door
        door.commit()


def ctx(at: datetime = NOW) -> AttemptContext:
    return AttemptContext(uuid.uuid4().hex, "test-session", at)


def practitioner_id(hub: Hub, email: str) -> str:
    with UnitOfWork(hub.session_factory) as uow:
        row = queries.practitioner_by_email(uow.session, email)
        assert row is not None
        return row.id


def test_a_new_stage_gets_a_new_token_and_the_old_one_stops_working(hub: Hub) -> None:
    pid = practitioner_id(hub, DEE)  # before the transaction: SQLite has one writer at a time
    with UnitOfWork(hub.session_factory) as uow:
        anonymous = portal_sessions.start(uow.session, NOW)
        signed = portal_sessions.advance(uow.session, anonymous.view, Stage.SIGNED_IN, pid, NOW)
        assert portal_sessions.resolve(uow.session, anonymous.token, NOW, IDLE).view is None
        current = portal_sessions.resolve(uow.session, signed.token, NOW, IDLE).view
        assert current is not None and current.stage == Stage.SIGNED_IN
        assert current.csrf_token != anonymous.view.csrf_token
        uow.commit()


def test_a_session_ends_when_idle_or_too_old_and_says_which(hub: Hub) -> None:
    with UnitOfWork(hub.session_factory) as uow:
        issued = portal_sessions.start(uow.session, NOW)
        assert portal_sessions.resolve(uow.session, issued.token, NOW + IDLE - timedelta(seconds=1), IDLE).view
        expired = portal_sessions.resolve(uow.session, issued.token, NOW + 2 * IDLE, IDLE)
        assert expired.view is None and expired.expired == Ended.IDLE
        assert portal_sessions.resolve(uow.session, issued.token, NOW, IDLE).view is None  # ended for good

        busy = portal_sessions.start(uow.session, NOW)
        moment = NOW
        for _ in range(60):  # active all day, a request every 14 minutes
            moment += timedelta(minutes=14)
            resolved = portal_sessions.resolve(uow.session, busy.token, moment, IDLE)
            if resolved.view is None:
                break
        assert resolved.expired == Ended.TOO_OLD and moment - NOW <= timedelta(hours=12, minutes=14)
        uow.commit()


def test_sign_out_everywhere_ends_every_session_of_the_practitioner(hub: Hub) -> None:
    pid = practitioner_id(hub, DEE)
    with UnitOfWork(hub.session_factory) as uow:
        tokens = [portal_sessions.advance(uow.session, portal_sessions.start(uow.session, NOW).view,
                                          Stage.SIGNED_IN, pid, NOW).token for _ in range(3)]
        assert portal_sessions.end_all(uow.session, pid, NOW, Ended.SIGNED_OUT_EVERYWHERE) >= 3
        assert all(portal_sessions.resolve(uow.session, token, NOW, IDLE).view is None for token in tokens)
        uow.commit()


def test_an_unknown_address_and_a_wrong_password_get_the_same_outcome_and_both_lock(hub: Hub) -> None:
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@nowhere.example"
    with UnitOfWork(hub.session_factory) as uow:
        outcomes = [check_password(uow.session, unknown, "guess", ctx()).outcome for _ in range(MAX_FAILURES + 1)]
        uow.commit()
    assert outcomes == [Outcome.REJECTED] * (MAX_FAILURES - 1) + [Outcome.LOCKED, Outcome.LOCKED]
    with UnitOfWork(hub.session_factory) as uow:  # the window passes: the address may try again
        later = ctx(NOW + timedelta(minutes=16))
        assert check_password(uow.session, unknown, "guess", later).outcome == Outcome.REJECTED
        rows = uow.session.execute(select(t.AuditEvent.decision, t.AuditEvent.reason).where(
            t.AuditEvent.actor_email == unknown)).all()
        uow.commit()
    assert len(rows) == MAX_FAILURES + 2 and {row.decision for row in rows} == {"DENY"}


def test_a_totp_code_allows_one_step_of_drift_and_works_once(hub: Hub) -> None:
    pid = practitioner_id(hub, DEE)
    totp = pyotp.TOTP(demo_totp_secret(DEE))
    moment = datetime.now(UTC) + timedelta(days=400)  # steps no other test has used
    with UnitOfWork(hub.session_factory) as uow:
        assert check_code(uow.session, pid, totp.at(moment - timedelta(seconds=60)), ctx(moment)) == Outcome.REJECTED
        assert check_code(uow.session, pid, totp.at(moment - timedelta(seconds=30)), ctx(moment)) == Outcome.ACCEPTED
        assert check_code(uow.session, pid, totp.at(moment - timedelta(seconds=30)), ctx(moment)) == Outcome.REJECTED
        assert check_code(uow.session, pid, totp.at(moment + timedelta(seconds=30)), ctx(moment)) == Outcome.ACCEPTED
        assert check_code(uow.session, pid, "12345", ctx(moment)) == Outcome.REJECTED
        # Not committed: the account's last accepted step stays as it was for the other tests.


def test_second_factor_secrets_are_sealed_at_rest_and_bound_to_their_account(hub: Hub) -> None:
    dee, dan = practitioner_id(hub, DEE), practitioner_id(hub, DAN)
    with UnitOfWork(hub.session_factory) as uow:
        account = uow.session.get(PortalAccount, dee)
        assert account is not None and account.totp_secret is not None
        assert account.totp_secret.startswith("kek:") and demo_totp_secret(DEE) not in account.totp_secret
        assert totp_secret(uow.session, account) == demo_totp_secret(DEE)
        moved = PortalAccount(practitioner_id=dan, password_hash="x", totp_secret=account.totp_secret)
        with pytest.raises(SecretError):  # copied onto another account, it does not open
            totp_secret(uow.session, moved)


def test_enrolment_keeps_one_secret_until_a_code_confirms_it(hub: Hub) -> None:
    pid = practitioner_id(hub, DAN)
    with UnitOfWork(hub.session_factory) as uow:
        account = uow.session.get(PortalAccount, pid)
        assert account is not None
        if account.totp_confirmed_at is not None:
            pytest.skip("Dan has already enrolled in this database")
        first, again = start_enrolment(uow.session, pid), start_enrolment(uow.session, pid)
        assert first.secret == again.secret and first.uri.startswith("otpauth://totp/")
        assert confirm_enrolment(uow.session, pid, "000000", ctx()) in (Outcome.REJECTED, Outcome.ACCEPTED)
        code = pyotp.TOTP(first.secret).at(NOW + timedelta(days=1))
        assert confirm_enrolment(uow.session, pid, code, ctx(NOW + timedelta(days=1))) == Outcome.ACCEPTED
        # The session is rolled back: the demo's Dan still enrols at his first sign-in.


def test_the_roll_lists_the_schools_pupils_each_read_through_the_policy(hub: Hub) -> None:
    with door_for(hub, DEE, "EDUCATION_SAFEGUARDING") as door:
        page = roll.list_pupils(door, first=100)
        entries = door.pending_entries
    with UnitOfWork(hub.session_factory) as uow:
        primary = uow.session.scalar(select(t.Agency.id).where(t.Agency.official_code == "190001"))
        on_roll = uow.session.scalar(select(func.count()).select_from(t.AgencyRecordLink).where(
            t.AgencyRecordLink.agency_id == primary, t.AgencyRecordLink.kind == "ROLL",
            t.AgencyRecordLink.closed_on.is_(None)))
    assert page.total == on_roll and len(page.pupils) == min(on_roll or 0, 100)
    child_reads = [e for e in entries if e.resource_type == "child" and e.action == "read"]
    assert len(child_reads) == len(page.pupils) and all(e.decision == "ALLOW" for e in child_reads)
    assert all(flag.tier == "FLAG" for pupil in page.pupils for flag in pupil.flags)

    with door_for(hub, "ian.ig@council.northbridge.example", "AUDIT_REVIEW") as door:
        assert roll.list_pupils(door).pupils == ()  # the council has no roll


def test_a_page_of_the_roll_reads_its_pupils_in_one_statement(hub: Hub) -> None:
    """The page's children and the DSL's relationships with each come in one statement, not one a pupil;
    each pupil is still decided and audited on their own (above)."""
    with door_for(hub, DEE, "EDUCATION_SAFEGUARDING") as door, counted(hub.engine) as statements:
        page = roll.list_pupils(door, first=100)
    assert len(page.pupils) >= 2
    reads_of_children = [s for s in statements if s.lstrip().upper().startswith("SELECT CHILDREN.")]
    assert len(reads_of_children) == 1, "\n\n".join(reads_of_children)
