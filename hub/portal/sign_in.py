"""Signing in (e-mail and password, then a TOTP code, or enrolling one with a QR code), signing out, signing
out everywhere, and the quick-exit page.

Each step runs in one transaction: the session change, the attempt's audit entry and any lockout count are
committed together before the answer is rendered.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import segno
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from hub.access.request import RequestScope, open_request
from hub.portal.web import Page, Portal, Redirect, home
from hub.services import portal_sessions
from hub.services.portal_sessions import Ended, Resolved, Stage
from hub.services.portal_sign_in import (
    FAILURE_WINDOW,
    AttemptContext,
    Outcome,
    audit_session_event,
    check_code,
    check_password,
    confirm_enrolment,
    start_enrolment,
)
from hub.web.outage import is_storage_failure
from hub.web.requests import request_id

log = logging.getLogger("hub.portal")
WRONG_DETAILS = "Enter a correct e-mail address and password"
LOCKED = (f"You have entered incorrect details too many times. Wait {FAILURE_WINDOW.seconds // 60} minutes, "
          "then try again")
WRONG_CODE = "The code is not right, or it has been used already. Enter the code your authenticator app shows now"
EXPIRED_FORM = "Your sign-in form had expired. Enter your details again"


class SignInPages:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    # -- e-mail address and password -------------------------------------------------------------------
    async def password_form(self, request: Request) -> Response:
        notice = {"idle": f"You were signed out because you had not used the hub for "
                          f"{self.portal.hub.settings.portal_idle_minutes} minutes.",
                  "too_old": "You were signed out because you had been signed in for 12 hours.",
                  }.get(request.query_params.get("signed-out", ""))
        errors = {"email": LOCKED} if request.query_params.get("locked") else {}
        return await self._run(request, None, lambda scope, rid, resolved: self._show_password(
            request, scope, resolved, {}, errors, notice))

    async def password_submit(self, request: Request) -> Response:
        form = await request.form()
        email, password = _field(form, "email"), _field(form, "password", strip=False)

        def work(scope: RequestScope, rid: str, resolved: Resolved) -> Response:
            session = resolved.view
            if session is None or not session.csrf_matches(_field(form, "csrf_token")):
                self._refuse_form(scope, rid, resolved, "sign_in")
                return self._show_password(request, scope, Resolved(None), {"email": email}, {"email": EXPIRED_FORM},
                                           status=400)
            if session.stage == Stage.SIGNED_IN:  # already signed in (another tab): carry on
                return self._show_password(request, scope, resolved, {}, {})
            errors = {}
            if not email:
                errors["email"] = "Enter your e-mail address"
            if not password:
                errors["password"] = "Enter your password"  # noqa: S105 - an error message, not a secret
            if errors:
                return self._show_password(request, scope, resolved, {"email": email}, errors, status=400)
            result = scope.identify(check_password, email, password, self._ctx(rid, session.id))
            if result.outcome != Outcome.ACCEPTED or result.practitioner_id is None:
                message = LOCKED if result.outcome == Outcome.LOCKED else WRONG_DETAILS
                return self._show_password(request, scope, resolved, {"email": email}, {"email": message},
                                           status=400)
            stage = Stage.ENROLLING if result.needs_enrolment else Stage.AWAITING_CODE
            issued = scope.identify(portal_sessions.advance, session, stage, result.practitioner_id,
                                    self.portal.clock())
            scope.commit()
            target = "/portal/sign-in/enrol" if result.needs_enrolment else "/portal/sign-in/code"
            response = self.portal.render(request, Redirect(target))
            self.portal.set_cookie(response, request, issued.token)
            return response

        return await self._run(request, form, work)

    # -- the second factor -----------------------------------------------------------------------------
    async def code_form(self, request: Request) -> Response:
        def work(scope: RequestScope, rid: str, resolved: Resolved) -> Response:
            if resolved.view is None or resolved.view.stage != Stage.AWAITING_CODE:
                scope.commit()
                return self.portal.render(request, Redirect("/portal/sign-in"))
            scope.commit()
            return self.portal.render(request, Page("sign_in/code.html"), session=resolved.view)

        return await self._run(request, None, work)

    async def code_submit(self, request: Request) -> Response:
        form = await request.form()
        return await self._run(request, form, lambda scope, rid, resolved: self._second_factor(
            request, scope, rid, resolved, form, Stage.AWAITING_CODE))

    async def enrol_form(self, request: Request) -> Response:
        def work(scope: RequestScope, rid: str, resolved: Resolved) -> Response:
            session = resolved.view
            if session is None or session.stage != Stage.ENROLLING or session.practitioner_id is None:
                scope.commit()
                return self.portal.render(request, Redirect("/portal/sign-in"))
            page = self._enrolment_page(scope, session.practitioner_id, {}, 200)
            scope.commit()
            return self.portal.render(request, page, session=session)

        return await self._run(request, None, work)

    async def enrol_submit(self, request: Request) -> Response:
        form = await request.form()
        return await self._run(request, form, lambda scope, rid, resolved: self._second_factor(
            request, scope, rid, resolved, form, Stage.ENROLLING))

    def _second_factor(self, request: Request, scope: RequestScope, rid: str, resolved: Resolved,
                       form: Mapping[str, Any], stage: Stage) -> Response:
        session = resolved.view
        if session is None or session.stage != stage or session.practitioner_id is None:
            scope.commit()
            return self.portal.render(request, Redirect("/portal/sign-in"))
        if not session.csrf_matches(_field(form, "csrf_token")):
            self._refuse_form(scope, rid, resolved, "sign_in_second_factor")
            return self.portal.render(request, Page("errors/csrf.html", status=403))
        code = _field(form, "code").replace(" ", "")

        def again(message: str) -> Response:
            page = (self._enrolment_page(scope, session.practitioner_id or "", {"code": message}, 400)
                    if stage == Stage.ENROLLING else Page("sign_in/code.html", {"errors": {"code": message}}, 400))
            scope.commit()
            return self.portal.render(request, page, session=session)

        if not code:
            return again("Enter the 6-digit code from your authenticator app")
        ctx = self._ctx(rid, session.id)
        check = confirm_enrolment if stage == Stage.ENROLLING else check_code
        outcome = scope.identify(check, session.practitioner_id, code, ctx)
        if outcome == Outcome.REJECTED:
            return again(WRONG_CODE)
        if outcome == Outcome.LOCKED:
            scope.identify(portal_sessions.end, session, self.portal.clock(), Ended.LOCKED_OUT)
            scope.commit()
            response = self.portal.render(request, Redirect("/portal/sign-in?locked=1"))
            self.portal.clear_cookie(response, request)
            return response
        issued = scope.identify(portal_sessions.advance, session, Stage.SIGNED_IN, session.practitioner_id,
                                         self.portal.clock())
        actor = scope.identify(portal_sessions.actor, issued.view)
        scope.commit()
        response = self.portal.render(request, Redirect(home(actor) if actor else "/portal/account"))
        self.portal.set_cookie(response, request, issued.token)
        return response

    def _enrolment_page(self, scope: RequestScope, practitioner_id: str, errors: dict[str, str], status: int) -> Page:
        enrolment = scope.identify(start_enrolment, practitioner_id)
        qr = segno.make(enrolment.uri, error="m").svg_data_uri(scale=6, dark="#0b0c0c", light="#ffffff")
        spaced = " ".join(enrolment.secret[i:i + 4] for i in range(0, len(enrolment.secret), 4))
        return Page("sign_in/enrol.html", {"qr": qr, "secret": spaced, "errors": errors}, status)

    # -- signing out -----------------------------------------------------------------------------------
    async def sign_out(self, request: Request) -> Response:
        return await self._sign_out(request, everywhere=False)

    async def sign_out_everywhere(self, request: Request) -> Response:
        return await self._sign_out(request, everywhere=True)

    async def _sign_out(self, request: Request, *, everywhere: bool) -> Response:
        form = await request.form()

        def work(scope: RequestScope, rid: str, resolved: Resolved) -> Response:
            session = resolved.view
            if session is None or session.practitioner_id is None:
                scope.commit()
                return self.portal.render(request, Redirect("/portal/sign-in"))
            if not session.csrf_matches(_field(form, "csrf_token")):
                self._refuse_form(scope, rid, resolved, "sign_out")
                return self.portal.render(request, Page("errors/csrf.html", status=403))
            now = self.portal.clock()
            if everywhere:
                count = scope.identify(portal_sessions.end_all, session.practitioner_id, now,
                                       Ended.SIGNED_OUT_EVERYWHERE)
                scope.identify(audit_session_event, self._ctx(rid, session.id), "sign_out_everywhere",
                                    session.practitioner_id, f"signed out everywhere: {count} session(s) ended")
            else:
                scope.identify(portal_sessions.end, session, now, Ended.SIGNED_OUT)
                scope.identify(audit_session_event, self._ctx(rid, session.id), "sign_out", session.practitioner_id,
                                    "signed out")
            scope.commit()
            response = self.portal.render(request, Redirect(
                "/portal/signed-out" + ("?everywhere=1" if everywhere else "")))
            self.portal.clear_cookie(response, request)
            return response

        return await self._run(request, form, work)

    async def signed_out(self, request: Request) -> Response:
        return self.portal.render(request, Page("sign_in/signed_out.html", {
            "everywhere": bool(request.query_params.get("everywhere"))}))

    async def quick_exit(self, request: Request) -> Response:
        """The neutral page the quick-exit button leads to: blank, with nothing about anyone. Leaving this way
        ends the session on the server (audited), so Back or a reopened tab finds no one signed in.

        A GET, because the button must work as a plain link without JavaScript; the cookie is SameSite=Strict,
        so another site cannot end someone's session this way."""
        def work(scope: RequestScope, rid: str, resolved: Resolved) -> Response:
            session = resolved.view
            if session is not None:
                scope.identify(portal_sessions.end, session, self.portal.clock(), Ended.QUICK_EXIT)
                if session.practitioner_id is not None:
                    scope.identify(audit_session_event, self._ctx(rid, session.id), "quick_exit",
                                   session.practitioner_id, "left by quick exit: session ended")
            scope.commit()
            return self._exit_page(request)

        response = await self._run(request, None, work)
        # Should the database or the ledger fail, the person still leaves at once (the cookie forgotten); the
        # session then ends by idling out.
        return response if response.status_code == 200 else self._exit_page(request)

    def _exit_page(self, request: Request) -> Response:
        response = self.portal.render(request, Page("exit.html"))
        self.portal.clear_cookie(response, request)
        return response

    # -- plumbing --------------------------------------------------------------------------------------
    async def _run(self, request: Request, form: Any, work: Any) -> Response:
        rid = request_id(request)
        token = self.portal.token(request)

        def in_transaction() -> Response:
            with open_request(self.portal.hub.gateway, request_id=rid, operation="portal sign-in") as scope:
                now = self.portal.clock()
                resolved = scope.identify(portal_sessions.resolve, token, now, self.portal.idle)
                if resolved.expired is not None:
                    scope.identify(audit_session_event, self._ctx(rid, resolved.expired_session_id or ""),
                                 "session_expired", resolved.expired_practitioner_id,
                                 f"session ended: {str(resolved.expired).lower()}")
                response: Response = work(scope, rid, resolved)
                return response

        try:
            return await run_in_threadpool(in_transaction)
        except Exception as error:  # e.g. the audit append failed: nothing was committed, no one signed in
            if is_storage_failure(error):
                raise  # hub.web.outage answers it, and logs the outage once
            log.exception("portal sign-in request %s failed: %s", rid, type(error).__name__)
            return self.portal.error_page(request, 503)

    def _show_password(self, request: Request, scope: RequestScope, resolved: Resolved, values: dict[str, str],
                       errors: dict[str, str], notice: str | None = None, status: int = 200) -> Response:
        session = resolved.view
        if session is not None and session.stage == Stage.SIGNED_IN and not errors:
            actor = scope.identify(portal_sessions.actor, session)
            scope.commit()
            return self.portal.render(request, Redirect(home(actor) if actor else "/portal/account"))
        issued = None
        if session is None or session.stage == Stage.SIGNED_IN:
            issued = scope.identify(portal_sessions.start, self.portal.clock())
            session = issued.view
        scope.commit()
        response = self.portal.render(request, Page("sign_in/password.html", {
            "values": values, "errors": errors, "notice": notice}, status), session=session)
        if issued is not None:
            self.portal.set_cookie(response, request, issued.token)
        return response

    def _refuse_form(self, scope: RequestScope, rid: str, resolved: Resolved, action: str) -> None:
        view = resolved.view
        scope.identify(audit_session_event, self._ctx(rid, view.id if view else ""), action,
                            view.practitioner_id if view else None, "CSRF token missing or not this session's",
                            refused=True)

    def _ctx(self, rid: str, session_id: str) -> AttemptContext:
        return AttemptContext(rid, session_id, self.portal.clock())


def _field(form: Mapping[str, Any], name: str, *, strip: bool = True) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    return value.strip() if strip else value
