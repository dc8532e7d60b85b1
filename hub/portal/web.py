"""What every portal request shares: the session cookie, the signed-in check, CSRF, and running a page's work
through the one door, committing its audit entries, and only then rendering what it found.

Page work runs in a worker thread with one transaction (the door is synchronous). It returns a ``Page`` or a
``Redirect``; nothing is rendered until ``door.commit()`` has succeeded, so an access that could not be
recorded shows an error page and no data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from hub.access.accounting import UndecidedReadError
from hub.access.request import RequestScope, open_request
from hub.bootstrap import Hub
from hub.domain.actor import Actor, Role
from hub.door import Door, Subject, utc_now
from hub.errors import (
    CaseReferenceRequiredError,
    ForbiddenError,
    NotFoundError,
    PurposeRequiredError,
    UnknownPurposeError,
)
from hub.portal.partnership_nav import lessons_nav, partnership_home, partnership_nav
from hub.portal.templating import Templates
from hub.services import portal_sessions
from hub.services.portal_sessions import SessionView, Stage
from hub.services.portal_sign_in import AttemptContext, audit_session_event
from hub.web.outage import is_storage_failure
from hub.web.requests import request_id

log = logging.getLogger("hub.portal")
Clock = Callable[[], datetime]
COOKIE = "hub_portal"
# Over HTTPS the __Host- prefix makes the browser insist on Secure, Path=/ and no Domain.
SECURE_COOKIE = "__Host-hub_portal"


@dataclass(frozen=True)
class Page:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    status: int = 200


@dataclass(frozen=True)
class Redirect:
    location: str


@dataclass(frozen=True)
class Download:
    """A file the page hands over (an export): bytes, or an open file streamed and then closed."""

    body: bytes | IO[bytes]
    media_type: str
    filename: str


@dataclass(frozen=True)
class AfterCommit:
    """Work that may run only once the request's audit entries are committed: an export is written after
    the record of it is safe, never before."""

    finish: Callable[[], Page | Redirect | Download]


Outcome = Page | Redirect | Download | AfterCommit


@dataclass(frozen=True)
class Visit:
    """One signed-in request: who, their session, and the door to data for this request."""

    actor: Actor
    session: SessionView
    door: Door
    request_id: str
    now: datetime


class Portal:
    def __init__(self, hub: Hub, clock: Clock = utc_now, templates: Templates | None = None) -> None:
        self.hub = hub
        self.clock = clock
        self.templates = templates or Templates()

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.hub.settings.portal_idle_minutes)

    # -- cookies ---------------------------------------------------------------------------------------
    @staticmethod
    def cookie_name(request: Request) -> str:
        return SECURE_COOKIE if request.url.scheme == "https" else COOKIE

    def token(self, request: Request) -> str | None:
        return request.cookies.get(self.cookie_name(request))

    def set_cookie(self, response: Response, request: Request, token: str) -> None:
        # A browser-session cookie (no Max-Age): closing the browser forgets it; the server ends it anyway.
        response.set_cookie(self.cookie_name(request), token, httponly=True, samesite="strict", path="/",
                            secure=request.url.scheme == "https")

    def clear_cookie(self, response: Response, request: Request) -> None:
        response.delete_cookie(self.cookie_name(request), path="/", httponly=True, samesite="strict",
                               secure=request.url.scheme == "https")

    # -- rendering -------------------------------------------------------------------------------------
    def render(self, request: Request, outcome: Outcome, *, actor: Actor | None = None,
               session: SessionView | None = None) -> Response:
        if isinstance(outcome, Redirect):
            return RedirectResponse(outcome.location, status_code=303)
        if isinstance(outcome, Download):
            headers = {"Content-Disposition": f'attachment; filename="{outcome.filename}"'}
            if isinstance(outcome.body, bytes):
                return Response(outcome.body, media_type=outcome.media_type, headers=headers)
            stream = outcome.body
            return StreamingResponse(iter(lambda: stream.read(64 * 1024), b""), media_type=outcome.media_type,
                                     headers=headers, background=BackgroundTask(stream.close))
        if isinstance(outcome, AfterCommit):  # never rendered before its commit (see _commit_then)
            raise TypeError("AfterCommit outcomes are finished after the commit, not rendered")
        context = {"actor": actor, "csrf_token": session.csrf_token if session else "",
                   "nav": navigation(actor, request.url.path) if actor else [], "errors": {},
                   **outcome.context}
        return self.templates.response(outcome.template, context, status=outcome.status)

    def error_page(self, request: Request, status: int) -> Response:
        """A page that shows nothing about anyone: not found, refused, or unavailable."""
        return self.render(request, Page(f"errors/{status}.html", status=status))

    # -- signed-in pages -------------------------------------------------------------------------------
    async def signed_in(self, request: Request, work: Callable[[Visit], Outcome], *, purpose: str | None = None,
                        case_reference: str | None = None, form: Mapping[str, Any] | None = None) -> Response:
        """Run ``work`` for the signed-in person through a door declaring ``purpose`` and ``case_reference``.

        ``form`` is given for a POST: its CSRF token must be this session's, or nothing is done.
        """
        rid = request_id(request)
        token = self.token(request)
        try:
            return await run_in_threadpool(self._signed_in, request, rid, token, work, purpose, case_reference,
                                           form)
        except Exception as error:  # the unit of work rolled back: nothing was written, nothing is shown
            if is_storage_failure(error):
                raise  # hub.web.outage answers it, and logs the outage once
            log.exception("portal request %s failed: %s", rid, type(error).__name__)
            return self.error_page(request, 500)

    def _signed_in(self, request: Request, rid: str, token: str | None, work: Callable[[Visit], Outcome],
                   purpose: str | None, case_reference: str | None, form: Mapping[str, Any] | None) -> Response:
        now = self.clock()
        operation = f"portal {request.method} {request.url.path}"[:200]
        with open_request(self.hub.gateway, request_id=rid, operation=operation) as scope:
            resolved = scope.identify(portal_sessions.resolve, token, now, self.idle)
            session = resolved.view
            if resolved.expired is not None:
                expired = resolved.expired
                scope.identify(audit_session_event, AttemptContext(rid, resolved.expired_session_id or "", now),
                               "session_expired", resolved.expired_practitioner_id,
                               f"session ended: {str(expired).lower()}")
                scope.commit()
                return self.render(request, Redirect(f"/portal/sign-in?signed-out={expired.lower()}"))
            actor = scope.identify(portal_sessions.actor, session) if session else None
            if session is None or session.stage != Stage.SIGNED_IN or actor is None:
                scope.commit()  # an unknown cookie changes nothing; a half-signed-in one is left as it is
                return self.render(request, Redirect("/portal/sign-in"))
            door = scope.enter(actor, purpose=purpose, case_reference=case_reference)
            if form is not None and not session.csrf_matches(_text(form.get("csrf_token"))):
                door.refuse(Subject("portal_form", request.url.path[:100]), "submit",
                            "CSRF token missing or not this session's")
                return self._commit_then(request, scope, Page("errors/csrf.html", status=403), actor, session)
            try:
                outcome = work(Visit(actor, session, door, rid, now))
            except NotFoundError:
                outcome = Page("errors/404.html", status=404)
            except ForbiddenError as error:
                outcome = Page("errors/403.html", {"message": error.message}, status=403)
            except (PurposeRequiredError, UnknownPurposeError, CaseReferenceRequiredError) as error:
                outcome = Page("errors/400.html", {"message": error.message}, status=400)
            return self._commit_then(request, scope, outcome, actor, session)

    def _commit_then(self, request: Request, scope: RequestScope, outcome: Outcome, actor: Actor,
                     session: SessionView) -> Response:
        try:
            scope.commit()
        except UndecidedReadError as error:
            log.error("portal request %s stopped at the door: %s", scope.request_id, error)  # refusal on the ledger
            return self.render(request, Page("errors/500.html", status=500), actor=actor, session=session)
        except Exception as error:
            if is_storage_failure(error):
                raise  # hub.web.outage answers it, and logs the outage once
            log.error("audit append failed for portal request %s: %s", scope.request_id, type(error).__name__)
            return self.render(request, Page("errors/503.html", status=503), actor=actor, session=session)
        if isinstance(outcome, AfterCommit):
            outcome = outcome.finish()
        return self.render(request, outcome, actor=actor, session=session)


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    active: bool


DSL_NAV = (("Inbox", "/portal/inbox"), ("Pupils", "/portal/pupils"))
IG_NAV = (("Audit search", "/portal/audit"), ("Partners' access", "/portal/audit/partners"),
          ("Child access history", "/portal/audit/child"), ("Break-glass reviews", "/portal/audit/break-glass"),
          ("Ledger integrity", "/portal/audit/integrity"), ("Exports", "/portal/audit/export"))


def is_dsl(actor: Actor) -> bool:
    return bool(actor.roles & {Role.DSL, Role.DEPUTY_DSL})


def is_ig_officer(actor: Actor) -> bool:
    return Role.IG_OFFICER in actor.roles


def navigation(actor: Actor, path: str) -> list[NavItem]:
    """Menu entries for the person's roles (what the policy lets them do is still decided per page)."""
    entries = [*(DSL_NAV if is_dsl(actor) else ()), *(IG_NAV if is_ig_officer(actor) else ()),
               *partnership_nav(actor), *lessons_nav(actor), ("Your account", "/portal/account")]
    best = max((href for _, href in entries if path == href or path.startswith(href + "/")), key=len, default=None)
    return [NavItem(text, href, href == best) for text, href in entries]


def home(actor: Actor) -> str:
    if is_dsl(actor):
        return "/portal/inbox"
    if is_ig_officer(actor):
        return "/portal/audit"
    return partnership_home(actor) or "/portal/account"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


