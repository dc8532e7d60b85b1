"""POST /oauth/token: OAuth2 client credentials (RFC 6749 section 4.4) for agency systems."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qs, unquote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hub.access.request import open_request
from hub.audit.entry import AuditEntry, Verdict
from hub.authentication import issue_client_token
from hub.bootstrap import Hub
from hub.door import utc_now
from hub.errors import AuthenticationError, ValidationError
from hub.web.requests import request_id

MAX_FORM_BYTES = 4096
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_error(status: int, error: str, description: str, rid: str) -> JSONResponse:
    headers = {**NO_STORE, "X-Request-Id": rid}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="hub"'
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)


class TokenEndpoint:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def __call__(self, scope: object, receive: object, send: object) -> None:
        request = Request(scope, receive)  # type: ignore[arg-type]
        response = await self.handle(request)
        await response(scope, receive, send)  # type: ignore[arg-type]

    async def handle(self, request: Request) -> Response:
        rid = request_id(request)
        if request.method != "POST":
            return oauth_error(405, "invalid_request", "Use POST.", rid)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/x-www-form-urlencoded":
            return oauth_error(400, "invalid_request", "Send a form (application/x-www-form-urlencoded).", rid)
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return oauth_error(400, "invalid_request", "The form is too large.", rid)
        try:
            form = {key: values[0] for key, values in parse_qs(body.decode(), max_num_fields=10).items()}
        except (UnicodeDecodeError, ValueError):
            return oauth_error(400, "invalid_request", "The form could not be read.", rid)
        client_id, secret = _basic_credentials(request.headers.get("authorization"))
        client_id = client_id or form.get("client_id", "")
        secret = secret or form.get("client_secret", "")
        lifetime: int | None = None
        if "expires_in" in form:  # a shorter (or, within HUB_TOKEN_MAX_LIFETIME_SECONDS, longer) token
            try:
                lifetime = int(form["expires_in"])
            except ValueError:
                return oauth_error(400, "invalid_request", "expires_in is a whole number of seconds.", rid)
        return await run_in_threadpool(self._issue, rid, form.get("grant_type", ""), client_id, secret, lifetime)

    def _issue(self, rid: str, grant_type: str, client_id: str, secret: str, lifetime: int | None) -> Response:
        with open_request(self.hub.gateway, request_id=rid) as request:
            if grant_type != "client_credentials":
                request.refuse("token", "api_client", "unsupported grant type", client_id=client_id)
                request.commit()
                return oauth_error(400, "unsupported_grant_type", "Only client_credentials is supported.", rid)
            if not client_id or not secret:
                request.refuse("token", "api_client", "missing client credentials", client_id=client_id)
                request.commit()
                return oauth_error(401, "invalid_client", "Send client_id and client_secret.", rid)
            try:
                grant = request.identify(issue_client_token, self.hub.tokens, client_id, secret, utc_now(), lifetime)
            except AuthenticationError as error:
                request.refuse("token", "api_client", error.message, client_id=client_id)
                request.commit()
                return oauth_error(401, "invalid_client", error.message, rid)
            except ValidationError as error:
                request.refuse("token", "api_client", error.message, client_id=client_id)
                request.commit()
                return oauth_error(400, "invalid_request", error.message, rid)
            request.note(AuditEntry(
                occurred_at=utc_now(), request_id=rid, action="token", resource_type="api_client",
                resource_id=grant.client_id, decision=Verdict.ALLOW, client_id=grant.client_id,
                actor_agency_id=grant.agency_id, reason="client credentials accepted",
            ))
            request.commit()
        return JSONResponse(
            {"access_token": grant.token, "token_type": "Bearer", "expires_in": grant.expires_in},
            headers={**NO_STORE, "X-Request-Id": rid},
        )


def _basic_credentials(authorization: str | None) -> tuple[str, str]:
    if not authorization or not authorization.lower().startswith("basic "):
        return "", ""
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    client_id, _, secret = decoded.partition(":")
    return unquote(client_id), unquote(secret)
