"""Who is acting, for whom, and why: the facts every access to child data carries."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AgencyKind(StrEnum):
    LOCAL_AUTHORITY = "LOCAL_AUTHORITY"
    POLICE = "POLICE"
    HEALTH = "HEALTH"
    SCHOOL = "SCHOOL"
    OTHER_RELEVANT_AGENCY = "OTHER_RELEVANT_AGENCY"


class Role(StrEnum):
    SOCIAL_WORKER = "SOCIAL_WORKER"
    MASH_PRACTITIONER = "MASH_PRACTITIONER"
    MASH_LEAD = "MASH_LEAD"  # an agency's MASH lead: overdue requests and unacknowledged notices escalate here
    POLICE_OFFICER = "POLICE_OFFICER"
    UNSCHEDULED_CARE_CLINICIAN = "UNSCHEDULED_CARE_CLINICIAN"
    HEALTH_SAFEGUARDING_PRACTITIONER = "HEALTH_SAFEGUARDING_PRACTITIONER"
    DSL = "DSL"
    DEPUTY_DSL = "DEPUTY_DSL"
    IG_OFFICER = "IG_OFFICER"
    PARTNERSHIP_MANAGER = "PARTNERSHIP_MANAGER"
    SCRUTINEER = "SCRUTINEER"
    REVIEWER = "REVIEWER"
    CDOP_MEMBER = "CDOP_MEMBER"
    ADMIN = "ADMIN"
    # The partnership's own work: each lead partner's signatory of the arrangements, the Secretary of State's
    # representative (intervention status) and members of the Child Safeguarding Practice Review Panel.
    LEAD_PARTNER_SIGNATORY = "LEAD_PARTNER_SIGNATORY"
    SECRETARY_OF_STATE_REPRESENTATIVE = "SECRETARY_OF_STATE_REPRESENTATIVE"
    NATIONAL_PANEL_MEMBER = "NATIONAL_PANEL_MEMBER"
    ADAPTER = "ADAPTER"  # an agency's adapter run by the hub: writes that agency's records, reads nothing


@dataclass(frozen=True)
class Actor:
    """A practitioner, verified by a token; ``client_id`` names the agency system acting for them."""

    practitioner_id: str
    email: str
    name: str
    agency_id: str
    agency_name: str
    agency_kind: AgencyKind
    roles: frozenset[Role]
    partnership_ids: frozenset[str]
    client_id: str | None = None


@dataclass(frozen=True)
class Purpose:
    """An entry of the purpose registry: why child data may be processed, and under which law."""

    code: str
    name: str
    lawful_basis: str
    legislation: str


@dataclass(frozen=True)
class AccessContext:
    """The declared reason for an access: a registered purpose and the case it serves."""

    purpose: Purpose
    case_reference: str
