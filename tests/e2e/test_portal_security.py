"""Sign-in and session security in a real browser: CSRF, idle expiry, lockout without revealing who has an
account, enrolling a second factor with a QR code, and signing out everywhere."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pyotp
from sqlalchemy import select

from hub.bootstrap import Hub
from hub.services.portal_sign_in import MAX_FAILURES
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.e2e.conftest import MovableClock
from tests.e2e.test_dsl_portal import child_id
from tests.portal import DAN, DEE, code_for

SAM = "sam.social@council.northbridge.example"


def new_notification_ids(hub: Hub) -> set[str]:
    with UnitOfWork(hub.session_factory) as uow:
        return set(uow.session.scalars(select(t.Notification.id).where(t.Notification.acknowledged_at.is_(None))))


def audit_reasons(hub: Hub, action: str, email: str) -> list[tuple[str, str | None]]:
    with UnitOfWork(hub.session_factory) as uow:
        return [(row.decision, row.reason) for row in uow.session.execute(
            select(t.AuditEvent.decision, t.AuditEvent.reason)
            .where(t.AuditEvent.action == action, t.AuditEvent.actor_email == email)
            .order_by(t.AuditEvent.seq))]


def test_a_form_post_without_this_sessions_csrf_token_is_refused_and_changes_nothing(
        person: Any, portal_hub: Hub, police_report: Any) -> None:
    notification = police_report(child_id(portal_hub, "Amelia", "Hart"), "NB-26-1127-052")
    dee = person()
    dee.sign_in(DEE)
    # The notice's own Acknowledge button posts the inbox form (with its token) to the notice's address.
    button = dee.page.locator(f"button[formaction='/portal/inbox/{notification}/acknowledge']")
    action = button.get_attribute("formaction")
    assert action is not None
    before = new_notification_ids(portal_hub)
    for token in (None, "not-the-token", "x" * 43):
        data = {"case": "CSRF-TEST"} | ({"csrf_token": token} if token else {})
        # The browser context's own cookies go with it: only the token is wrong.
        response = dee.context.request.post(dee.page.url.replace("/portal/inbox", action), form=data)
        assert response.status == 403
        assert "The form could not be accepted" in response.text()
    assert new_notification_ids(portal_hub) == before
    assert len([r for r in audit_reasons(portal_hub, "submit", DEE) if r[0] == "DENY"]) >= 3

    # The page's own form, with its token, still works.
    button.click()
    dee.page.wait_for_load_state()
    assert dee.page.get_by_text("Notification acknowledged").is_visible()


def test_an_idle_session_ends_and_says_why(person: Any, portal_hub: Hub, clock: MovableClock) -> None:
    dee = person()
    dee.sign_in(DEE)
    idle = portal_hub.settings.portal_idle_minutes
    with clock.later(timedelta(minutes=idle - 1)):
        dee.page.goto("/portal/pupils")  # still in time: this request keeps the session alive
        assert dee.page.url.endswith("/portal/pupils")
        with clock.later(timedelta(minutes=idle + 1)):
            dee.page.goto("/portal/inbox")
            assert "/portal/sign-in" in dee.page.url
            assert dee.page.get_by_text(f"had not used the hub for {idle} minutes").is_visible()
            dee.check("02-signed-out-after-idle")
    dee.page.goto("/portal/inbox")  # the session is over, whatever the clock says now
    assert "/portal/sign-in" in dee.page.url
    assert any(reason == "session ended: idle" for _, reason in audit_reasons(portal_hub, "session_expired", DEE))


def test_lockout_after_repeated_failures_reads_the_same_for_an_address_with_no_account(
        person: Any, portal_hub: Hub) -> None:
    messages: dict[str, list[str]] = {}
    for email in (SAM, "nobody@council.northbridge.example"):
        someone = person()
        someone.page.goto("/portal/sign-in")
        seen = []
        for attempt in range(MAX_FAILURES + 1):
            someone.page.get_by_label("E-mail address").fill(email)
            # The last attempt uses Sam's right password: a locked account stays locked.
            password = "demo-sam-portal" if attempt == MAX_FAILURES else f"wrong-{attempt}"
            someone.page.get_by_label("Password").fill(password)
            someone.page.get_by_role("button", name="Continue").click()
            someone.page.wait_for_load_state()
            seen.append(someone.page.locator(".govuk-error-summary").inner_text())
        messages[email] = seen
        someone.check("11-locked-out")
    assert messages[SAM] == messages["nobody@council.northbridge.example"]
    assert "Enter a correct e-mail address and password" in messages[SAM][0]
    assert all("too many times" in text for text in messages[SAM][MAX_FAILURES - 1:])
    reasons = audit_reasons(portal_hub, "sign_in", SAM)
    assert reasons[-1] == ("DENY", "locked out: too many failed attempts")
    assert any("locked out for 15 minutes" in (reason or "") for _, reason in reasons)


def test_first_sign_in_enrols_an_authenticator_from_a_qr_code(person: Any, clock: MovableClock) -> None:
    dan = person()
    dan.page.goto("/portal/sign-in")
    dan.page.get_by_label("E-mail address").fill(DAN)
    dan.page.get_by_label("Password").fill("demo-dan-portal")
    dan.page.get_by_role("button", name="Continue").click()
    dan.page.wait_for_url("**/portal/sign-in/enrol")
    qr = dan.page.get_by_role("img", name=re.compile("QR code"))
    assert qr.get_attribute("src", timeout=5000).startswith("data:image/svg+xml")
    dan.check("12-enrol-second-factor")
    dan.page.get_by_text("I cannot scan the QR code").click()
    secret = dan.page.locator("#secret").inner_text().replace(" ", "")
    clock.offset += timedelta(seconds=30)
    dan.page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).at(clock()))
    dan.page.get_by_role("button", name="Finish setting up and sign in").click()
    dan.page.wait_for_url("**/portal/inbox")


def test_a_code_is_accepted_once(person: Any, clock: MovableClock) -> None:
    first, second = person(), person()
    clock.offset += timedelta(seconds=30)
    code = code_for(DEE, clock())
    for browsing in (first, second):
        browsing.page.goto("/portal/sign-in")
        browsing.page.get_by_label("E-mail address").fill(DEE)
        browsing.page.get_by_label("Password").fill("demo-dee-portal")
        browsing.page.get_by_role("button", name="Continue").click()
        browsing.page.get_by_label("Enter the code from your authenticator app").fill(code)
        browsing.page.get_by_role("button", name="Sign in").click()
        browsing.page.wait_for_load_state()
    assert first.page.url.endswith("/portal/inbox")
    assert "has been used already" in second.page.locator(".govuk-error-summary").inner_text()


def test_sign_out_everywhere_ends_the_other_browsers_session(person: Any) -> None:
    laptop, shared = person(), person()
    laptop.sign_in(DEE)
    shared.sign_in(DEE)
    laptop.page.get_by_role("link", name="Your account").click()
    laptop.check("13-account")
    laptop.page.get_by_role("button", name="Sign out everywhere").click()
    laptop.page.wait_for_url("**/portal/signed-out?everywhere=1")
    shared.page.goto("/portal/pupils")
    assert "/portal/sign-in" in shared.page.url
