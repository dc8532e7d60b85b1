"""What a DSL's inbox shows: the status and kind filters, in plain words, read from the query string."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub.domain.notification import NotificationKind
from hub.portal import forms
from hub.services.inbox import InboxFilter, Status

STATUSES = (
    ("", "All notifications"),
    (str(Status.TO_ACKNOWLEDGE), "To acknowledge"),
    (str(Status.OVERDUE), "Overdue"),
    (str(Status.ACKNOWLEDGED), "Acknowledged"),
)
# The kinds a school receives, in the words a DSL uses.
INBOX_KINDS = (
    ("", "All kinds"),
    (str(NotificationKind.DOMESTIC_ABUSE_INCIDENT), "Domestic abuse incident"),
    (str(NotificationKind.ENCOMPASS_UNACKNOWLEDGED), "Encompass notice not yet acknowledged"),
    (str(NotificationKind.REQUEST_RECEIVED), "Request for information received"),
    (str(NotificationKind.REQUEST_DUE_SOON), "Request due soon"),
    (str(NotificationKind.REQUEST_OVERDUE), "Request overdue"),
    (str(NotificationKind.REQUEST_ANSWERED), "Request answered"),
    (str(NotificationKind.REQUEST_OUTCOME), "Outcome of a request"),
    (str(NotificationKind.REQUEST_RATING_CHANGED), "Request's priority changed"),
    (str(NotificationKind.RECORD_ACCESSED), "Your school's records were read"),
    (str(NotificationKind.BREAK_GLASS_USED), "Emergency access to your school's records"),
)
KIND_LABELS = dict(INBOX_KINDS[1:])


@dataclass(frozen=True)
class InboxView:
    status: str
    kind: str

    @classmethod
    def of(cls, query: Mapping[str, Any]) -> InboxView:
        status, kind = forms.text(query, "status"), forms.text(query, "kind")
        return cls(status if status in {value for value, _ in STATUSES} else "",
                   kind if kind in KIND_LABELS else "")

    @property
    def wanted(self) -> InboxFilter:
        return InboxFilter(kinds=(NotificationKind(self.kind),) if self.kind else (),
                           status=Status(self.status) if self.status else None)

    @property
    def params(self) -> dict[str, str | None]:
        return {"status": self.status or None, "kind": self.kind or None}

    @property
    def filtered(self) -> bool:
        return bool(self.status or self.kind)
