"""POST /graphql: authenticate, open the door, execute, commit the audit, and only then answer.

The operation runs in a worker thread with one transaction: the door is synchronous (SQLAlchemy, oso), so
the event loop never waits on it. Request-level failures answer with a status and a coded error; every one
is audited.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from hub.access.accounting import UndecidedReadError
from hub.access.request import open_request
from hub.bootstrap import Hub
from hub.context import RequestContext
from hub.door import Subject
from hub.errors import AuthenticationError, HubError
from hub.web.outage import is_storage_failure
from hub.web.requests import error_response, request_id

log = logging.getLogger("hub.graphql")
MAX_BODY_BYTES = 256 * 1024


class ResponseEncoding:
    """The answer's JSON: orjson (the same compact UTF-8 JSON as Starlette's JSONResponse, several times
    faster), or the standard library's when ``fast`` is off (the benchmark measures the difference)."""

    fast = True


RESPONSE_ENCODING = ResponseEncoding()


class GraphQLEndpoint:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        rid = request_id(request)
        refusal = await self._check_request(request, rid)
        if isinstance(refusal, Response):
            return refusal
        return await run_in_threadpool(self.execute, request.headers, refusal, rid)

    async def _check_request(self, request: Request, rid: str) -> Response | dict[str, Any]:
        """The JSON body of a well-formed request, or the response refusing it."""
        if request.method != "POST":
            return await self._refuse(rid, 405, "METHOD_NOT_ALLOWED", "Send GraphQL operations with POST.",
                                      headers={"Allow": "POST"})
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            return await self._refuse(rid, 415, "UNSUPPORTED_MEDIA_TYPE",
                                      "The body must be JSON (Content-Type: application/json).")
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            return await self._refuse(rid, 413, "REQUEST_TOO_LARGE",
                                      f"The body may hold at most {MAX_BODY_BYTES} bytes.")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return await self._refuse(rid, 413, "REQUEST_TOO_LARGE",
                                      f"The body may hold at most {MAX_BODY_BYTES} bytes.")
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return await self._refuse(rid, 400, "MALFORMED_REQUEST", "The body is not valid JSON.")
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return await self._refuse(rid, 400, "MALFORMED_REQUEST",
                                      'The body must be an object with a "query" string.')
        variables = payload.get("variables")
        operation_name = payload.get("operationName")
        if variables is not None and not isinstance(variables, dict):
            return await self._refuse(rid, 400, "MALFORMED_REQUEST", '"variables" must be an object.')
        if operation_name is not None and not isinstance(operation_name, str):
            return await self._refuse(rid, 400, "MALFORMED_REQUEST", '"operationName" must be a string.')
        if _holds_nul(payload):
            # No field of the hub takes a NUL character, and PostgreSQL cannot store or compare one.
            return await self._refuse(rid, 400, "MALFORMED_REQUEST", "Text may not contain NUL characters.")
        return payload

    async def _refuse(self, rid: str, status: int, code: str, message: str,
                      headers: dict[str, str] | None = None) -> Response:
        def record() -> None:
            with open_request(self.hub.gateway, request_id=rid) as request:
                request.refuse("request", "graphql", f"{code}: {message}")
                request.commit()

        try:
            await run_in_threadpool(record)
        except Exception as error:
            log.error("could not audit a refused request %s: %s", rid, type(error).__name__)
        return error_response(status, code, message, rid, headers=headers)

    def execute(self, headers: Headers, payload: dict[str, Any], rid: str) -> Response:
        with open_request(self.hub.gateway, request_id=rid) as request:
            try:
                actor = request.authenticate(self.hub.tokens, headers.get("authorization"),
                                             headers.get("hub-on-behalf-of"))
            except AuthenticationError as error:
                request.commit()
                return error_response(401, error.code, error.message, rid, error.suggestion,
                                      headers={"WWW-Authenticate": 'Bearer realm="hub"'})
            door = request.enter(actor, purpose=headers.get("hub-purpose"),
                                 case_reference=headers.get("hub-case-reference"))
            try:
                result = self.hub.schema.execute_sync(
                    payload["query"],
                    variable_values=payload.get("variables"),
                    context_value=RequestContext(door, rid, self.hub.workflow),
                    operation_name=payload.get("operationName"),
                    # Subscriptions are served over the websocket (hub.web.subscriptions), never over POST.
                    allowed_operation_types=(OperationType.QUERY, OperationType.MUTATION),
                )
            except InvalidOperationTypeError:
                message = "Subscriptions are served over the websocket at /graphql (graphql-transport-ws)."
                door.refuse(Subject("graphql_operation"), "execute", message)
                request.commit()
                return error_response(400, "OPERATION_NOT_ALLOWED", message, rid)
            if result.errors and not door.pending_entries:
                # Refused before any resource was touched (syntax, validation, limits): still on record.
                door.refuse(Subject("graphql_operation"), "execute",
                            "; ".join(e.message for e in result.errors)[:500])
            try:
                request.commit()
            except UndecidedReadError as error:
                log.error("request %s stopped at the door: %s", rid, error)  # a defect: the refusal is on the ledger
                return error_response(500, "INTERNAL_ERROR",
                                      "The hub stopped an answer it had not checked, so no data was returned.", rid,
                                      "Tell the hub's operators, quoting the request id.")
            except Exception as error:
                if is_storage_failure(error):
                    raise  # hub.web.outage answers it, and logs the outage once
                log.error("audit append failed for request %s: %s", rid, type(error).__name__)
                return error_response(503, "AUDIT_UNAVAILABLE",
                                      "The access could not be recorded, so no data was returned.", rid,
                                      "Try again; if it persists, tell the hub's operators.")
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [format_error(error) for error in result.errors]
        if RESPONSE_ENCODING.fast:
            return Response(orjson.dumps(body), media_type="application/json", headers={"X-Request-Id": rid})
        return JSONResponse(body, headers={"X-Request-Id": rid})


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def format_error(error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    original = error.original_error
    extensions = dict(formatted.get("extensions") or {})
    if isinstance(original, HubError):
        extensions["code"] = original.code
        if original.suggestion:
            extensions["suggestion"] = original.suggestion
    extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
    formatted["extensions"] = extensions
    return formatted
