"""Request-level helpers shared by the endpoints: request ids, JSON errors, audit of refusals."""

from __future__ import annotations

import logging
import re
import uuid

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse

from hub.audit import ledger
from hub.audit.entry import AuditEntry, Verdict
from hub.door import utc_now

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


def audit_refusal(session: Session, rid: str, action: str, resource_type: str, reason: str, *,
                  client_id: str | None = None) -> None:
    """Record, in the caller's transaction, a refusal made before any actor was established."""
    entry = AuditEntry(
        occurred_at=utc_now(), request_id=rid, action=action, resource_type=resource_type,
        decision=Verdict.DENY, client_id=client_id[:100] if client_id else None, reason=reason[:500],
    )
    ledger.append(session, [entry])
