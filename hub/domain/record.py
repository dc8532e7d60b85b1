"""Records agencies share about a child, their sensitivity tiers and the views the door releases."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Tier(StrEnum):
    """Sensitivity of record content, least to most sensitive."""

    FLAG = "FLAG"
    SUMMARY = "SUMMARY"
    DETAIL = "DETAIL"
    RESTRICTED = "RESTRICTED"

    @property
    def rank(self) -> int:
        return _TIER_RANKS[self]


_TIER_RANKS = {tier: rank for rank, tier in enumerate(Tier)}


class Category(StrEnum):
    CHILD_PROTECTION_PLAN = "CHILD_PROTECTION_PLAN"  # CP-IS CPPI
    LOOKED_AFTER = "LOOKED_AFTER"  # CP-IS LACI
    UNBORN_CHILD_PROTECTION_PLAN = "UNBORN_CHILD_PROTECTION_PLAN"  # CP-IS UCPI
    CHILD_IN_NEED = "CHILD_IN_NEED"
    EARLY_HELP = "EARLY_HELP"
    MASH_ENQUIRY = "MASH_ENQUIRY"
    DOMESTIC_ABUSE_INCIDENT = "DOMESTIC_ABUSE_INCIDENT"
    MISSING_EPISODE = "MISSING_EPISODE"
    POLICE_INTELLIGENCE = "POLICE_INTELLIGENCE"
    UNSCHEDULED_CARE_ATTENDANCE = "UNSCHEDULED_CARE_ATTENDANCE"
    HEALTH_CONCERN = "HEALTH_CONCERN"
    SEXUAL_HEALTH = "SEXUAL_HEALTH"
    ATTENDANCE_CONCERN = "ATTENDANCE_CONCERN"
    EXCLUSION = "EXCLUSION"
    SCHOOL_CONCERN = "SCHOOL_CONCERN"


class RecordStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ENDED = "ENDED"


# Which tier each part of a record belongs to. A record's own tier raises every part to at least that tier:
# the parts of a RESTRICTED record are all RESTRICTED.
FLAG_FIELDS = ("category", "status", "start_date", "end_date", "owner", "lawful_basis")
PART_TIERS: dict[str, Tier] = {
    **dict.fromkeys(FLAG_FIELDS, Tier.FLAG),
    "summary": Tier.SUMMARY,
    "amendment_reason": Tier.SUMMARY,  # a reason can say as much as the summary it amends
    "detail": Tier.DETAIL,
}


def field_tier(record_tier: Tier, field: str) -> Tier:
    part = PART_TIERS[field]
    return part if part.rank >= record_tier.rank else record_tier


@dataclass(frozen=True)
class AgencyContact:
    agency_id: str
    name: str
    kind: str
    office_hours_phone: str
    out_of_hours_phone: str
    email: str


@dataclass(frozen=True)
class RecordView:
    """One version of a record as released to an actor: fields they may not read are None.

    ``confidential_notice`` replaces content the actor may only know exists ("confidential information held
    by X, contact Y").
    """

    id: str
    record_key: str
    version: int
    child_id: str
    tier: Tier
    category: Category | None
    status: RecordStatus | None
    start_date: date | None
    end_date: date | None
    owner: AgencyContact | None
    summary: str | None
    detail: str | None
    lawful_basis: str | None
    amendment_reason: str | None
    created_at: datetime
    redacted_fields: tuple[str, ...] = ()
    confidential_notice: str | None = None

    def without(self, fields: tuple[str, ...]) -> RecordView:
        withheld: dict[str, Any] = dict.fromkeys(fields)
        return replace(self, redacted_fields=fields, **withheld)

    @property
    def released_fields(self) -> tuple[str, ...]:
        if self.confidential_notice is not None:
            return ("confidential_notice", "owner")
        return tuple(field for field in PART_TIERS if field not in self.redacted_fields)
