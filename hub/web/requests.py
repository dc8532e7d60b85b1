"""Request-level helpers shared by the endpoints: request ids and JSON errors (refusals are audited through
the request scope, ``hub.access.request``)."""

from __future__ import annotations

import logging
import re
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse

log = logging.getLogger("hub.web")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._\-]{8,64}")


def request_id(request: Request) -> str:
    """The caller's X-Request-Id when it is sane (so both sides can log it), otherwise a new one."""
    given = request.headers.get("x-request-id", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def error_response(status: int, code: str, message: str, rid: str, suggestion: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    extensions = {"code": code, **({"suggestion": suggestion} if suggestion else {})}
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": extensions}]},
        status_code=status,
        headers={"X-Request-Id": rid, **(headers or {})},
    )

