"""GraphQL types of notifications. A notification names the child, record or request it concerns by id; their
content is read through the usual fields (``child``, ``informationRequest``), each decided and audited."""

from __future__ import annotations

import datetime

import strawberry

from hub.domain import notification as domain
from hub.services import inbox
from schema.types import PageInfo

NotificationKind = strawberry.enum(domain.NotificationKind)


@strawberry.type(description="Something you, or a role you hold at your agency, must know.")
class Notification:
    view: strawberry.Private[domain.NotificationView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.id)

    @strawberry.field
    def kind(self) -> NotificationKind:
        return self.view.kind

    @strawberry.field
    def summary(self) -> str:
        return self.view.summary

    @strawberry.field(description="Addressed to this role at your agency; null when addressed to you by name.")
    def recipient_role(self) -> str | None:
        return self.view.recipient_role

    @strawberry.field
    def child_id(self) -> strawberry.ID | None:
        return strawberry.ID(self.view.child_id) if self.view.child_id else None

    @strawberry.field(description="The record it concerns (e.g. the incident an Encompass notice is about).")
    def record_id(self) -> strawberry.ID | None:
        return strawberry.ID(self.view.record_key) if self.view.record_key else None

    @strawberry.field
    def request_id(self) -> strawberry.ID | None:
        return strawberry.ID(self.view.request_id) if self.view.request_id else None

    @strawberry.field(description="The agency whose action caused it.")
    def sender_agency_id(self) -> strawberry.ID | None:
        return strawberry.ID(self.view.sender_agency_id) if self.view.sender_agency_id else None

    @strawberry.field
    def sender_agency_name(self) -> str | None:
        return self.view.sender_agency_name

    @strawberry.field(description="When it must be acted on by (an Encompass notice: before school starts).")
    def due_at(self) -> datetime.datetime | None:
        return self.view.due_at

    @strawberry.field(description="The police ask that the parents or carers are not approached.")
    def do_not_approach_parents(self) -> bool:
        return self.view.do_not_approach_parents

    @strawberry.field
    def created_at(self) -> datetime.datetime:
        return self.view.created_at

    @strawberry.field
    def acknowledged_at(self) -> datetime.datetime | None:
        return self.view.acknowledged_at


@strawberry.type
class NotificationEdge:
    cursor: str
    node: Notification


@strawberry.type
class NotificationConnection:
    edges: list[NotificationEdge]
    page_info: PageInfo
    total_count: int
    unread_count: int

    @classmethod
    def from_page(cls, page: inbox.InboxPage) -> NotificationConnection:
        edges = [NotificationEdge(cursor=cursor, node=Notification(view=view))
                 for cursor, view in zip(page.cursors, page.views, strict=True)]
        return cls(edges=edges, total_count=page.total, unread_count=page.unread, page_info=PageInfo(
            has_next_page=page.has_next, has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))


@strawberry.input(description="Narrow the inbox; applied in the database.")
class NotificationFilter:
    unread_only: bool = False
    kinds: list[NotificationKind] | None = None
