"""The portal over plain HTTP, on SQLite and PostgreSQL: its security headers, cookies, CSRF on sign-in,
that sign-in refusals and lockouts are audited, and that nothing signed-in is served without a session."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from hub.bootstrap import Hub
from hub.portal.headers import CONTENT_SECURITY_POLICY
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.conftest import LiveServer

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def browser_like(server: LiveServer) -> Iterator[httpx.Client]:
    """A client with a cookie jar of its own, as one browser has."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def sign_in_token(http: httpx.Client) -> str:
    response = http.get("/portal/sign-in")
    assert response.status_code == 200
    match = CSRF.search(response.text)
    assert match
    return match.group(1)


def refusals(hub: Hub) -> int:
    with UnitOfWork(hub.session_factory) as uow:
        return len(uow.session.scalars(select(t.AuditEvent.seq).where(
            t.AuditEvent.action == "sign_in", t.AuditEvent.decision == "DENY",
            t.AuditEvent.reason == "CSRF token missing or not this session's")).all())


def test_portal_pages_carry_a_strict_content_security_policy(browser_like: httpx.Client) -> None:
    response = browser_like.get("/portal/sign-in")
    policy = response.headers["content-security-policy"]
    assert policy == CONTENT_SECURITY_POLICY
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
                      "frame-ancestors 'none'", "form-action 'self'"):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in response.text and " style=" not in response.text  # nothing inline to allow


def test_the_session_cookie_is_http_only_and_same_site_strict(browser_like: httpx.Client) -> None:
    cookie = browser_like.get("/portal/sign-in").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain HTTP on loopback here; over HTTPS the cookie is __Host- and Secure


def test_signed_in_pages_send_a_visitor_without_a_session_to_sign_in(browser_like: httpx.Client) -> None:
    for path in ("/portal/inbox", "/portal/pupils", "/portal/account", "/portal/children/anything"):
        response = browser_like.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/portal/sign-in"


def test_a_sign_in_without_the_forms_token_is_refused_and_audited(browser_like: httpx.Client, hub: Hub) -> None:
    sign_in_token(browser_like)
    before = refusals(hub)
    for token in ({"csrf_token": "forged"}, {}):
        response = browser_like.post("/portal/sign-in", follow_redirects=False, data={
            "email": "dee.dsl@primary.northbridge.example", "password": "demo-dee-portal", **token})
        assert response.status_code == 400
        assert "Your sign-in form had expired" in response.text
        assert "location" not in response.headers  # not signed in: the password was never checked
    assert refusals(hub) == before + 2


def test_a_wrong_password_is_audited_with_the_address_typed(browser_like: httpx.Client, hub: Hub) -> None:
    token = sign_in_token(browser_like)
    email = "pat.police@police.northbridge.example"
    response = browser_like.post("/portal/sign-in",
                                 data={"email": email, "password": "not-pats-password", "csrf_token": token})
    assert response.status_code == 400
    assert "Enter a correct e-mail address and password" in response.text
    with UnitOfWork(hub.session_factory) as uow:
        rows = uow.session.execute(select(t.AuditEvent.decision, t.AuditEvent.reason, t.AuditEvent.actor_agency_id)
                                   .where(t.AuditEvent.action == "sign_in", t.AuditEvent.actor_email == email)).all()
    assert ("DENY", "wrong password") in [(row.decision, row.reason) for row in rows]
    assert all(row.actor_agency_id for row in rows)


@pytest.mark.parametrize("path", ["/portal/assets/portal.css", "/portal/assets/portal.js"])
def test_the_built_assets_are_served_without_the_govuk_font(browser_like: httpx.Client, path: str) -> None:
    response = browser_like.get(path)
    if response.status_code == 404:
        pytest.skip("the portal's assets are not built here (make install runs npm ci and the build)")
    assert response.status_code == 200
    assert "GDS Transport" not in response.text and "@font-face" not in response.text
