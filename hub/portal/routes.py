"""The portal's routes under /portal, its assets, and its security headers."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route, Router
from starlette.types import Receive, Scope, Send

from hub.bootstrap import Hub
from hub.domain.actor import Role
from hub.door import utc_now
from hub.portal.dsl import DslPages
from hub.portal.headers import PortalSecurityHeaders
from hub.portal.ig import IgPages
from hub.portal.partnership import PartnershipPages
from hub.portal.partnership_nav import partnership_nav
from hub.portal.partnership_work import PartnershipWorkPages
from hub.portal.requests import RequestPages
from hub.portal.sign_in import SignInPages
from hub.portal.static import PortalAssets
from hub.portal.web import Clock, Outcome, Page, Portal, Redirect, Visit, home, is_dsl, is_ig_officer

# Built by `make install` (npm ci, then the build script in package.json); not committed.
ASSETS = Path(__file__).resolve().parent / "assets"


def portal_mount(hub: Hub, clock: Clock = utc_now, assets: Path = ASSETS) -> Mount:
    portal = Portal(hub, clock)
    sign_in, dsl, ig, requests = SignInPages(portal), DslPages(portal), IgPages(portal), RequestPages(portal)

    async def start(request: Request) -> Response:
        return await portal.signed_in(request, lambda visit: Redirect(home(visit.actor)))

    async def account(request: Request) -> Response:
        def work(visit: Visit) -> Outcome:
            return Page("account.html", {"roles": sorted(str(Role(role)).replace("_", " ").lower().capitalize()
                                                          for role in visit.actor.roles),
                                         "has_pages": is_dsl(visit.actor) or is_ig_officer(visit.actor)
                                         or bool(partnership_nav(visit.actor))})
        return await portal.signed_in(request, work)

    async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
        await portal.error_page(Request(scope, receive), 404)(scope, receive, send)

    routes = [
        Route("/", start),
        Route("/sign-in", sign_in.password_form, methods=["GET"]),
        Route("/sign-in", sign_in.password_submit, methods=["POST"]),
        Route("/sign-in/code", sign_in.code_form, methods=["GET"]),
        Route("/sign-in/code", sign_in.code_submit, methods=["POST"]),
        Route("/sign-in/enrol", sign_in.enrol_form, methods=["GET"]),
        Route("/sign-in/enrol", sign_in.enrol_submit, methods=["POST"]),
        Route("/sign-out", sign_in.sign_out, methods=["POST"]),
        Route("/sign-out-everywhere", sign_in.sign_out_everywhere, methods=["POST"]),
        Route("/signed-out", sign_in.signed_out),
        Route("/exit", sign_in.quick_exit),
        Route("/account", account),
        Route("/inbox", dsl.inbox),
        Route("/inbox/acknowledge", dsl.acknowledge_selected, methods=["POST"]),
        Route("/inbox/{notification_id}/acknowledge", dsl.acknowledge, methods=["POST"]),
        Route("/pupils", dsl.pupils),
        Route("/children/{child_id}", dsl.child),
        Route("/children/{child_id}/share", dsl.share_form, methods=["GET"]),
        Route("/children/{child_id}/share", dsl.share_submit, methods=["POST"]),
        Route("/children/{child_id}/ask", requests.ask_form, methods=["GET"]),
        Route("/children/{child_id}/ask", requests.ask, methods=["POST"]),
        Route("/requests/{request_id}", requests.show, methods=["GET"]),
        Route("/requests/{request_id}/answer", requests.answer, methods=["POST"]),
        *ig.routes(),
        *PartnershipPages(portal).routes(),  # arrangements (public), statistics, incidents, child death review
        *PartnershipWorkPages(portal).routes(),  # lessons for the partnership; drafting and signing arrangements
        Mount("/assets", app=PortalAssets(assets)),
    ]
    return Mount("/portal", app=PortalSecurityHeaders(Router(routes, default=not_found)))
