"""A small client for the hub's API, as an agency developer would write one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from hub.bootstrap import Hub
from hub.storage import queries
from hub.storage.unit_of_work import UnitOfWork


def practitioner_token(hub: Hub, email: str) -> str:
    """What `hub token --practitioner EMAIL` prints."""
    with UnitOfWork(hub.session_factory) as uow:
        row = queries.practitioner_by_email(uow.session, email)
        assert row is not None, email
        return hub.tokens.issue("practitioner", row.id, row.agency_id, datetime.now(UTC))


@dataclass
class Caller:
    http: httpx.Client
    token: str
    purpose: str | None = None
    case_reference: str | None = "CASE-0001"
    on_behalf_of: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"}
        if self.purpose:
            headers["Hub-Purpose"] = self.purpose
        if self.case_reference:
            headers["Hub-Case-Reference"] = self.case_reference
        if self.on_behalf_of:
            headers["Hub-On-Behalf-Of"] = self.on_behalf_of
        return headers

    def post(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        return self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                              headers=self.headers())

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.post(query, variables)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def as_practitioner(hub: Hub, http: httpx.Client, email: str, purpose: str | None,
                    case_reference: str | None = "CASE-0001") -> Caller:
    return Caller(http, practitioner_token(hub, email), purpose, case_reference)


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def audit_rows(hub: Hub, request_id: str) -> list[dict[str, Any]]:
    """The audit events one request wrote, oldest first."""
    from sqlalchemy import select

    from hub.storage import tables as t

    with UnitOfWork(hub.session_factory) as uow:
        rows = uow.session.scalars(
            select(t.AuditEvent).where(t.AuditEvent.request_id == request_id).order_by(t.AuditEvent.seq)
        ).all()
        return [{c.name: getattr(row, c.name) for c in t.AuditEvent.__table__.columns} for row in rows]
