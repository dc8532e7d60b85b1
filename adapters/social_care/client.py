"""The social care adapter: pulls involvements, fetches case notes on demand, delivers notifications."""

from __future__ import annotations

from typing import Any

from adapters.social_care.mapping import map_involvement
from hub.adapters.contract import (
    Adapter,
    AgencyUnavailableError,
    CallContext,
    Capability,
    Category,
    Detail,
    Notification,
    PullBatch,
    RawItem,
    SourceRecord,
)


class SocialCareAdapter(Adapter):
    name = "social_care"
    system = "children's social care case system"
    record_kinds = frozenset(
        {
            Category.CHILD_PROTECTION_PLAN,
            Category.LOOKED_AFTER,
            Category.UNBORN_CHILD_PROTECTION_PLAN,
            Category.CHILD_IN_NEED,
            Category.EARLY_HELP,
        }
    )
    capabilities = frozenset({Capability.PULL, Capability.FETCH, Capability.DELIVER})

    def check(self, context: CallContext) -> None:
        about = self.client.get_json("/api/v1/about", context)
        if not isinstance(about, dict) or about.get("laCode") != self.agency_code:
            raise AgencyUnavailableError(
                f"the case system at {self.config.base_url} is not {self.agency_code}'s"
            )

    def _pull(self, cursor: str | None, context: CallContext) -> PullBatch:
        body = self.client.get_json(
            "/api/v1/changes", context, {"since": cursor or "0", "limit": str(self.config.page_size)}
        )
        changes = _field(body, "changes", list)
        items = tuple(RawItem(str(c.get("involvementId", "?")), c) for c in changes if isinstance(c, dict))
        return PullBatch(items, str(_field(body, "next", int)), bool(body.get("more")))

    def map(self, item: RawItem) -> SourceRecord:
        return map_involvement(item)

    def _fetch(self, source_id: str, context: CallContext) -> Detail:
        body = self.client.get_json(f"/api/v1/involvements/{source_id}/casenotes", context)
        return Detail(source_id, str(_field(body, "caseNotes", str)))

    def _deliver(self, notification: Notification, context: CallContext) -> None:
        self.client.post_json(
            "/api/v1/notifications",
            context,
            {
                "kind": notification.kind,
                "personId": notification.subject_local_id,
                "message": notification.message,
                "data": dict(notification.data),
            },
        )


def _field(body: Any, key: str, kind: type) -> Any:
    value = body.get(key) if isinstance(body, dict) else None
    if not isinstance(value, kind):
        raise AgencyUnavailableError(f"the case system's answer has no {key!r} {kind.__name__}")
    return value
