"""Audit queries for information-governance officers. Each resolver calls one service with the door; the
policy (policies/audit.polar) limits them to the officer's own agency, and other callers get FORBIDDEN."""

from __future__ import annotations

import strawberry

from hub.context import RequestContext
from hub.domain.audit import AuditFilter
from hub.services import audit_review
from hub.services.audit_review import PageRequest
from schema.audit.types import AuditEventConnection, AuditEventFilter

Info = strawberry.Info[RequestContext, None]


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Your agency's audit events (its accesses, and accesses to what it owns), "
                      "newest first. For IG officers declaring AUDIT_REVIEW.")
    def audit_events(self, info: Info, filter: AuditEventFilter | None = None, first: int = 50,
                     after: str | None = None) -> AuditEventConnection | None:
        wanted = filter.to_domain() if filter else AuditFilter()
        page = audit_review.list_events(info.context.door, wanted, PageRequest(first, after))
        return AuditEventConnection.from_page(page)

    @strawberry.field(description="A subject-access report: every access to the child's information that "
                      "involves your agency, oldest first. Paged, never capped.")
    def child_access_history(self, info: Info, child_id: strawberry.ID, first: int = 100,
                             after: str | None = None) -> AuditEventConnection | None:
        page = audit_review.child_history(info.context.door, str(child_id), PageRequest(first, after))
        return AuditEventConnection.from_page(page)

    @strawberry.field(description="Accesses by other agencies to the records your agency owns, newest first.")
    def partner_accesses(self, info: Info, filter: AuditEventFilter | None = None, first: int = 50,
                         after: str | None = None) -> AuditEventConnection | None:
        wanted = filter.to_domain() if filter else AuditFilter()
        page = audit_review.partner_accesses(info.context.door, wanted, PageRequest(first, after))
        return AuditEventConnection.from_page(page)

    @strawberry.field(description="Break-glass uses involving your agency that it has not reviewed yet, "
                      "oldest first.")
    def break_glass_review_queue(self, info: Info, first: int = 50,
                                 after: str | None = None) -> AuditEventConnection | None:
        page = audit_review.break_glass_queue(info.context.door, PageRequest(first, after))
        return AuditEventConnection.from_page(page)
