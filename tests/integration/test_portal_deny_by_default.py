"""Deny by default in the portal: every page and form but the public ones sends a visitor without a session to
sign in and does nothing; a signed-in person's role does not open the other role's pages."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from starlette.routing import Mount, Route

from hub.bootstrap import Hub
from hub.portal.routes import portal_mount
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import audit_rows
from tests.conftest import LiveServer
from tests.portal import DEE, IAN, code_for, password_for

PUBLIC = {"/sign-in", "/sign-in/code", "/sign-in/enrol", "/signed-out", "/exit",
          "/arrangements/{code}"}  # a partnership's published arrangements: anyone may read them
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30, follow_redirects=True) as http:
        yield http


def signed_in(http: httpx.Client, email: str) -> str:
    """Sign in over HTTP; the CSRF token of the signed-in session. A code is accepted once, so try the
    neighbouring time steps the hub also accepts when this one was used by an earlier test."""
    token = CSRF.search(http.get("/portal/sign-in").text)
    assert token
    response = http.post("/portal/sign-in", data={"email": email, "password": password_for(email),
                                                   "csrf_token": token.group(1)})
    for offset in (-30, 0, 30):
        page = http.get("/portal/sign-in/code")
        token = CSRF.search(page.text)
        assert token, page.text
        code = code_for(email, datetime.now(UTC) + timedelta(seconds=offset))
        response = http.post("/portal/sign-in/code", data={"code": code, "csrf_token": token.group(1)})
        if "/portal/sign-in" not in str(response.url):
            break
    home = CSRF.search(response.text)
    # The sign-in pages carry a CSRF token too: only leaving them shows the session is signed in.
    assert home and "/portal/sign-in" not in str(response.url), f"could not sign in as {email}"
    return home.group(1)


def portal_routes(hub: Hub) -> list[tuple[str, str]]:
    mount = portal_mount(hub)
    router = mount.app.app  # type: ignore[attr-defined]  # PortalSecurityHeaders wraps the router
    found = []
    for route in router.routes:
        if isinstance(route, Route) and route.path not in PUBLIC:
            path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), route.path)
            found += [(method, f"/portal{path}") for method in sorted(route.methods or ()) if method != "HEAD"]
        else:
            assert isinstance(route, Mount | Route)
    return found


def test_every_page_and_form_sends_a_visitor_without_a_session_to_sign_in(client: httpx.Client, hub: Hub) -> None:
    routes = portal_routes(hub)
    assert len(routes) > 15
    with UnitOfWork(hub.session_factory) as uow:
        before = uow.session.scalar(select(t.Notification.id).where(t.Notification.acknowledged_at.is_not(None))
                                    .order_by(t.Notification.id).limit(1))
    for method, path in routes:
        response = client.request(method, path, data={"csrf_token": "x"} if method == "POST" else None,
                                  follow_redirects=False)
        assert response.status_code == 303, (method, path, response.status_code)
        assert response.headers["location"] == "/portal/sign-in", (method, path)
    with UnitOfWork(hub.session_factory) as uow:
        after = uow.session.scalar(select(t.Notification.id).where(t.Notification.acknowledged_at.is_not(None))
                                   .order_by(t.Notification.id).limit(1))
    assert after == before


def test_an_ig_officer_cannot_open_a_pupil_and_a_dsl_cannot_open_the_audit(client: httpx.Client, hub: Hub,
                                                                           server: LiveServer) -> None:
    with UnitOfWork(hub.session_factory) as uow:
        amelia = uow.session.scalar(select(t.Child.id).where(t.Child.given_name == "Amelia",
                                                              t.Child.family_name == "Hart"))
    signed_in(client, IAN)
    assert client.get(f"/portal/children/{amelia}").status_code == 404
    assert client.get("/portal/inbox").status_code == 200  # nothing addressed to the council's IG officer

    with httpx.Client(base_url=server.url, timeout=30, follow_redirects=True) as dee:
        token = signed_in(dee, DEE)
        for path in ("/portal/audit", "/portal/audit/partners", "/portal/audit/integrity"):
            response = dee.get(path)
            assert response.status_code == 403, path
            assert "You cannot do this" in response.text
        review = dee.post("/portal/audit/break-glass/1/review",
                          data={"csrf_token": token, "outcome": "JUSTIFIED", "notes": "Not mine to review."})
        assert review.status_code == 403
        export = dee.post("/portal/audit/export", data={"csrf_token": token, "format": "jsonl", "from-day": "1",
                                                        "from-month": "1", "from-year": "2026", "to-day": "1",
                                                        "to-month": "2", "to-year": "2026"})
        assert export.status_code == 403 and "content-disposition" not in export.headers


SUE = "sue.social@council.southvale.example"  # another partnership's social worker: no relationship to anyone here


def counts(hub: Hub) -> tuple[int, ...]:
    """What a page or form could change: records, requests, grants, acknowledgements, sessions aside."""
    statements = [select(func.count()).select_from(table) for table in (
        t.RecordVersion.__table__, t.InformationRequest.__table__, t.Grant.__table__)]
    statements.append(select(func.count()).where(t.Notification.acknowledged_at.is_not(None)))
    with UnitOfWork(hub.session_factory) as uow:
        return tuple(uow.session.scalar(statement) or 0 for statement in statements)


def real_ids(hub: Hub) -> dict[str, str]:
    """Real ids of Northbridge's data, so the walk knocks on doors that exist."""
    with UnitOfWork(hub.session_factory) as uow:
        child = uow.session.scalar(select(t.Child.id).where(t.Child.given_name == "Amelia",
                                                            t.Child.family_name == "Hart"))
        request = uow.session.scalar(select(t.InformationRequest.id).limit(1))
        notification = uow.session.scalar(select(t.Notification.id).limit(1))
    assert child
    return {"child_id": child, "request_id": request or str(uuid.uuid4()),
            "notification_id": notification or str(uuid.uuid4()), "seq": "1"}


def test_signed_in_with_no_relationship_every_page_and_form_shows_and_changes_nothing(
        client: httpx.Client, hub: Hub) -> None:
    """NetBox's walk, signed in: another partnership's practitioner opens every page and posts every form
    (with a valid CSRF token, against real ids) and is shown nothing of Northbridge's children."""
    ids = real_ids(hub)
    token = signed_in(client, SUE)
    mount = portal_mount(hub)
    router = mount.app.app  # type: ignore[attr-defined]
    before = counts(hub)
    walked = 0
    for route in router.routes:
        if not isinstance(route, Route) or route.path in PUBLIC or route.path.startswith("/sign-out"):
            continue
        path = "/portal" + re.sub(r"\{([^}]+)\}", lambda m: ids.get(m.group(1), str(uuid.uuid4())), route.path)
        for method in sorted(route.methods or ()):
            if method == "HEAD":
                continue
            data = {"csrf_token": token, "outcome": "JUSTIFIED", "notes": "walk", "summary": "walk",
                    "decision": "SHARE_ALL", "format": "jsonl"} if method == "POST" else None
            response = client.request(method, path, data=data)
            walked += 1
            assert response.status_code in (200, 400, 403, 404), (method, path, response.status_code)
            assert "Amelia" not in response.text and "Hart" not in response.text, (method, path)
            assert "content-disposition" not in response.headers, (method, path)
    assert walked > 15
    assert counts(hub) == before


def partnership_counts(hub: Hub) -> tuple[int, ...]:
    from hub.storage import partnership_tables as pt

    with UnitOfWork(hub.session_factory) as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(table)) or 0 for table in (
            pt.Lesson.__table__, pt.Arrangement.__table__, pt.ArrangementSignature.__table__))


@pytest.mark.parametrize("email", [DEE, SUE])
def test_a_dsl_and_another_partnerships_social_worker_cannot_publish_lessons_draft_or_sign_arrangements(
        client: httpx.Client, hub: Hub, email: str) -> None:
    """The partnership manager's pages (publishing a lesson, drafting the arrangements) and the lead partners'
    signatories' (signing) are refused to a DSL of the partnership and to another partnership's social worker:
    the pages do not open and their forms, posted with a valid CSRF token against real ids, change nothing."""
    from hub.storage import partnership_tables as pt

    with UnitOfWork(hub.session_factory) as uow:
        arrangement = uow.session.scalar(select(pt.Arrangement.id).limit(1))
        agency = uow.session.scalar(select(t.Agency.id).limit(1))
    assert arrangement and agency
    token = signed_in(client, email)
    before = partnership_counts(hub)
    for path in ("/portal/lessons/publish", "/portal/partnership/arrangements",
                 "/portal/partnership/arrangements/draft"):
        assert client.get(path).status_code == 403, (email, path)
    lesson = {"csrf_token": token, "incident": str(uuid.uuid4()), "title": "A lesson", "step": "confirm",
              "summary": "Something learned from a review, at some length.", "themes": "NEGLECT", "agencies": agency}
    assert client.post("/portal/lessons/publish", data=lesson).status_code == 403
    draft = {"csrf_token": token, "area_covered": "Somewhere", "resourcing": "Some", "scrutineer": "Someone",
             "independent_scrutiny": "Somehow"}
    assert client.post("/portal/partnership/arrangements/draft", data=draft).status_code == 403
    rid = f"deny-sign-{uuid.uuid4()}"
    signed = client.post(f"/portal/partnership/arrangements/{arrangement}/sign", data={"csrf_token": token},
                         headers={"X-Request-Id": rid})
    assert signed.status_code in (403, 404)
    assert partnership_counts(hub) == before
    # The service decided and recorded the refusal: the page itself decides nothing.
    assert [(row["action"], row["resource_type"], row["decision"]) for row in audit_rows(hub, rid)
            if row["action"] == "sign"] == [("sign", "partnership_arrangements", "DENY")]
    assert "/portal/partnership/arrangements" not in client.get("/portal/account").text  # no menu entry
