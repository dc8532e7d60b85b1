"""The safeguarding partnership itself: the arrangements its three lead partners publish and answer for, who
signs them, and the Secretary of State's intervention status.

Arrangements are versioned and never edited once signed: a change is a new draft, which takes effect only
when all three lead partners (the local authority, the chief officer of police and the ICB) have signed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from hub.domain.actor import AgencyKind
from hub.errors import ValidationError

MAX_TEXT = 10_000


class LeadPartner(StrEnum):
    """The three statutory safeguarding partners (Working Together 2023: lead safeguarding partners)."""

    LOCAL_AUTHORITY = "LOCAL_AUTHORITY"
    POLICE = "POLICE"
    INTEGRATED_CARE_BOARD = "INTEGRATED_CARE_BOARD"


# The kind of agency that is each lead partner.
LEAD_PARTNER_AGENCY_KIND: Mapping[LeadPartner, AgencyKind] = {
    LeadPartner.LOCAL_AUTHORITY: AgencyKind.LOCAL_AUTHORITY,
    LeadPartner.POLICE: AgencyKind.POLICE,
    LeadPartner.INTEGRATED_CARE_BOARD: AgencyKind.HEALTH,
}


class ArrangementStatus(StrEnum):
    DRAFT = "DRAFT"  # awaiting the three signatures
    PUBLISHED = "PUBLISHED"  # signed by all three: the arrangements in force, public
    SUPERSEDED = "SUPERSEDED"  # a later version was published


class InterventionStatus(StrEnum):
    """What the Secretary of State has done about a partnership (Children Act 2004 s.16K, as amended)."""

    NONE = "NONE"
    CONCERNS_RAISED = "CONCERNS_RAISED"
    UNDER_REVIEW = "UNDER_REVIEW"
    DIRECTION_ISSUED = "DIRECTION_ISSUED"


@dataclass(frozen=True)
class LeadPartnerEntry:
    partner: LeadPartner
    agency_id: str
    lead: str  # e.g. "Chief Executive, Northbridge Council"
    delegate: str  # the delegated safeguarding partner


@dataclass(frozen=True)
class RelevantAgencyEntry:
    agency_id: str
    participation: str  # how the agency takes part


@dataclass(frozen=True)
class ArrangementDraft:
    area_covered: str
    lead_partners: tuple[LeadPartnerEntry, ...]
    relevant_agencies: tuple[RelevantAgencyEntry, ...]
    resourcing: str
    independent_scrutiny: str
    scrutineer: str  # who scrutinises, by name or office
    yearly_report: str | None = None  # the latest yearly report, or where to find it


def _text(value: str, field: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationError(what, field=field)
    if len(text) > MAX_TEXT:
        raise ValidationError(f"At most {MAX_TEXT} characters.", field=field)
    return text


def check_draft(draft: ArrangementDraft, agency_kinds: Mapping[str, AgencyKind],
                partnership_agencies: frozenset[str]) -> ArrangementDraft:
    """Arrangements naming each lead partner once, by an agency of that kind in the partnership, and saying
    what the statute asks them to say. Returns the draft with its text trimmed."""
    partners = {entry.partner for entry in draft.lead_partners}
    if len(draft.lead_partners) != 3 or partners != set(LeadPartner):
        raise ValidationError("Name each of the three lead partners once: the local authority, the police and "
                              "the integrated care board.", field="leadPartners")
    for entry in draft.lead_partners:
        if entry.agency_id not in partnership_agencies:
            raise ValidationError("A lead partner must be an agency of the partnership.", field="leadPartners")
        if agency_kinds.get(entry.agency_id) != LEAD_PARTNER_AGENCY_KIND[entry.partner]:
            raise ValidationError(f"The {entry.partner.replace('_', ' ').lower()} lead partner must be an agency "
                                  "of that kind.", field="leadPartners")
    leads = tuple(LeadPartnerEntry(e.partner, e.agency_id, _text(e.lead, "leadPartners", "Name each lead."),
                                   _text(e.delegate, "leadPartners", "Name each delegated safeguarding partner."))
                  for e in sorted(draft.lead_partners, key=lambda e: list(LeadPartner).index(e.partner)))
    lead_agencies = {e.agency_id for e in leads}
    seen: set[str] = set()
    agencies = []
    for relevant in draft.relevant_agencies:
        if relevant.agency_id not in partnership_agencies:
            raise ValidationError("A relevant agency must be an agency of the partnership.", field="relevantAgencies")
        if relevant.agency_id in lead_agencies or relevant.agency_id in seen:
            raise ValidationError("Name each relevant agency once, and not a lead partner.", field="relevantAgencies")
        seen.add(relevant.agency_id)
        agencies.append(RelevantAgencyEntry(relevant.agency_id, _text(
            relevant.participation, "relevantAgencies", "Say how each relevant agency takes part.")))
    report = (draft.yearly_report or "").strip() or None
    if report and len(report) > MAX_TEXT:
        raise ValidationError(f"At most {MAX_TEXT} characters.", field="yearlyReport")
    return ArrangementDraft(
        area_covered=_text(draft.area_covered, "areaCovered", "Say which area the arrangements cover."),
        lead_partners=leads, relevant_agencies=tuple(agencies),
        resourcing=_text(draft.resourcing, "resourcing", "Say how the arrangements are resourced."),
        independent_scrutiny=_text(draft.independent_scrutiny, "independentScrutiny",
                                   "Say how independent scrutiny works."),
        scrutineer=_text(draft.scrutineer, "scrutineer", "Name the independent scrutineer."),
        yearly_report=report)


def partner_of(kind: AgencyKind) -> LeadPartner | None:
    """Which lead partner an agency of this kind signs for (schools and others sign for none)."""
    return next((partner for partner, agency_kind in LEAD_PARTNER_AGENCY_KIND.items() if agency_kind == kind), None)


@dataclass(frozen=True)
class SignatureView:
    partner: LeadPartner
    agency_id: str
    signed_by_name: str
    signed_at: datetime


@dataclass(frozen=True)
class ArrangementView:
    id: str
    partnership_id: str
    partnership_name: str
    version: int
    status: ArrangementStatus
    content: ArrangementDraft
    signatures: tuple[SignatureView, ...]
    drafted_by_name: str
    drafted_at: datetime
    published_at: datetime | None

    @property
    def unsigned(self) -> tuple[LeadPartner, ...]:
        signed = {s.partner for s in self.signatures}
        return tuple(partner for partner in LeadPartner if partner not in signed)


@dataclass(frozen=True)
class InterventionView:
    partnership_id: str
    status: InterventionStatus
    reason: str | None
    set_by_name: str | None
    set_at: datetime | None


@dataclass(frozen=True)
class PublicArrangement:
    """What anyone may read, without signing in: the arrangements in force and the intervention status."""

    partnership_code: str
    arrangement: ArrangementView
    agency_names: Mapping[str, str]
    intervention: InterventionView
    as_of: date
