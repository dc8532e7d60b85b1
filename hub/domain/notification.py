"""Notifications: what an agency, a role at it, or one of its practitioners must know, and who that is.

Every notification is addressed to a practitioner by name or to a role at an agency: an inbox shows what is
addressed to its owner, and nothing is addressed to "the agency" in general, where nobody would read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hub.domain.actor import AgencyKind, Role


class NotificationKind(StrEnum):
    RECORD_ACCESSED = "RECORD_ACCESSED"  # a partner read the agency's records (CP-IS style)
    BREAK_GLASS_USED = "BREAK_GLASS_USED"
    FIND_PROBING = "FIND_PROBING"  # a practitioner searched for one child again and again with differing details
    DOMESTIC_ABUSE_INCIDENT = "DOMESTIC_ABUSE_INCIDENT"  # Operation Encompass
    ENCOMPASS_UNACKNOWLEDGED = "ENCOMPASS_UNACKNOWLEDGED"  # not acknowledged by the start of the school day
    REQUEST_RECEIVED = "REQUEST_RECEIVED"
    REQUEST_RATING_CHANGED = "REQUEST_RATING_CHANGED"
    REQUEST_DUE_SOON = "REQUEST_DUE_SOON"
    REQUEST_OVERDUE = "REQUEST_OVERDUE"
    REQUEST_ANSWERED = "REQUEST_ANSWERED"
    REQUEST_OUTCOME = "REQUEST_OUTCOME"  # fed back to the agencies that answered and whoever referred
    # The partnership's reviews (hub.services.serious_incidents, rapid_reviews, lessons, child_deaths).
    SERIOUS_INCIDENT_NOTIFICATION_DUE = "SERIOUS_INCIDENT_NOTIFICATION_DUE"
    REVIEW_ASSIGNED = "REVIEW_ASSIGNED"
    AGENCY_SUMMARY_REQUESTED = "AGENCY_SUMMARY_REQUESTED"
    LESSON_PUBLISHED = "LESSON_PUBLISHED"
    CHILD_DEATH_REPORT_REQUESTED = "CHILD_DEATH_REPORT_REQUESTED"


# Kinds that wait for their recipient to acknowledge them.
NEEDS_ACKNOWLEDGEMENT = frozenset({NotificationKind.DOMESTIC_ABUSE_INCIDENT,
                                   NotificationKind.ENCOMPASS_UNACKNOWLEDGED, NotificationKind.REQUEST_OVERDUE})

# An agency's front door: who reads what is addressed to the agency rather than to a named worker (a
# closed case's access alerts, requests received, a home-educated child's Encompass notice). Children's
# social care's front door is its MASH; a school's is its DSL.
FRONT_DOOR_ROLES: Mapping[AgencyKind, Role] = {
    AgencyKind.LOCAL_AUTHORITY: Role.MASH_PRACTITIONER,
    AgencyKind.POLICE: Role.MASH_LEAD,
    AgencyKind.HEALTH: Role.HEALTH_SAFEGUARDING_PRACTITIONER,
    AgencyKind.SCHOOL: Role.DSL,
    AgencyKind.OTHER_RELEVANT_AGENCY: Role.MASH_LEAD,
}

# Who hears when something is late: a school's deputy DSL (the DSL may be away), everyone else's MASH lead.
ESCALATION_ROLES: Mapping[AgencyKind, Role] = {
    AgencyKind.LOCAL_AUTHORITY: Role.MASH_LEAD,
    AgencyKind.POLICE: Role.MASH_LEAD,
    AgencyKind.HEALTH: Role.MASH_LEAD,
    AgencyKind.SCHOOL: Role.DEPUTY_DSL,
    AgencyKind.OTHER_RELEVANT_AGENCY: Role.MASH_LEAD,
}


@dataclass(frozen=True)
class Recipient:
    agency_id: str
    practitioner_id: str | None = None
    role: Role | None = None

    def __post_init__(self) -> None:
        if (self.practitioner_id is None) == (self.role is None):
            raise ValueError("A notification goes to a practitioner or to a role at an agency, exactly one.")

    @property
    def key(self) -> str:
        return f"{self.agency_id}:{self.practitioner_id or self.role}"


def front_door(agency_id: str, kind: AgencyKind) -> Recipient:
    return Recipient(agency_id, role=FRONT_DOOR_ROLES[kind])


def escalation(agency_id: str, kind: AgencyKind) -> Recipient:
    return Recipient(agency_id, role=ESCALATION_ROLES[kind])


@dataclass(frozen=True)
class Notice:
    """A notification about to be written: what, to whom, about which child, record or request."""

    kind: NotificationKind
    recipient: Recipient
    summary: str
    dedupe_key: str
    child_id: str | None = None
    record_key: str | None = None
    request_id: str | None = None
    due_at: datetime | None = None
    do_not_approach_parents: bool = False


@dataclass(frozen=True)
class NotificationView:
    id: str
    kind: NotificationKind
    recipient_agency_id: str
    recipient_practitioner_id: str | None
    recipient_role: str | None
    summary: str
    child_id: str | None
    record_key: str | None
    request_id: str | None
    sender_agency_id: str | None
    sender_agency_name: str | None
    due_at: datetime | None
    do_not_approach_parents: bool
    created_at: datetime
    acknowledged_at: datetime | None
