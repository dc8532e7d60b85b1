"""Information requests (MASH-style) and the sharing decisions that answer them: the vocabulary, the rules
every request and decision must satisfy, and the views the services release.

"Record every decision, whether or not you share" (HM Government advice, 2018 and 2024): a decline carries
reason codes and a rationale just as a share does, and each is checked here before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hub.domain.record import Category
from hub.domain.working_time import WorkingCalendar
from hub.errors import ValidationError

MAX_TEXT = 5_000
MIN_RATIONALE = 10


class RagRating(StrEnum):
    RED = "RED"
    AMBER = "AMBER"
    GREEN = "GREEN"


class ConsentStatus(StrEnum):
    GIVEN = "GIVEN"
    REFUSED = "REFUSED"
    NOT_SOUGHT = "NOT_SOUGHT"


class SharingDecision(StrEnum):
    SHARE_ALL = "SHARE_ALL"
    SHARE_PART = "SHARE_PART"
    DECLINE = "DECLINE"


class SharingReason(StrEnum):
    SHARED = "SHARED"
    NOT_HELD = "NOT_HELD"
    NOT_NECESSARY_OR_PROPORTIONATE = "NOT_NECESSARY_OR_PROPORTIONATE"
    # Children's Wellbeing and Schools Act 2026 s.4: disclosure more detrimental to the child than not sharing.
    MORE_DETRIMENTAL_TO_CHILD = "MORE_DETRIMENTAL_TO_CHILD"
    CONSENT_REFUSED_NO_OVERRIDE = "CONSENT_REFUSED_NO_OVERRIDE"
    # DPA 2018 Part 3: sharing now would prejudice a live investigation.
    WOULD_PREJUDICE_INVESTIGATION = "WOULD_PREJUDICE_INVESTIGATION"


class RequestOutcome(StrEnum):
    S47_ENQUIRY = "S47_ENQUIRY"
    S17_ASSESSMENT = "S17_ASSESSMENT"
    EARLY_HELP = "EARLY_HELP"
    ANOTHER_AGENCY = "ANOTHER_AGENCY"
    NO_FURTHER_ACTION = "NO_FURTHER_ACTION"


class RequestStatus(StrEnum):
    AWAITING_RESPONSES = "AWAITING_RESPONSES"
    RESPONDED = "RESPONDED"  # every agency asked has decided
    CLOSED = "CLOSED"  # the requester recorded the outcome


class TargetStatus(StrEnum):
    PENDING = "PENDING"
    ANSWERED = "ANSWERED"
    WITHDRAWN = "WITHDRAWN"  # the request closed before this agency answered


@dataclass(frozen=True)
class Timescale:
    """How long an agency has to answer: clock hours (Red runs out of hours) or working hours."""

    hours: float
    working_hours: bool

    def due(self, calendar: WorkingCalendar, start: datetime) -> datetime:
        if self.working_hours:
            return calendar.add_working_hours(start, self.hours)
        return calendar.add_clock_hours(start, self.hours)


# Common MASH defaults (Surrey, Merton, Luton procedures); a partnership may set its own.
DEFAULT_TIMESCALES: Mapping[RagRating, Timescale] = {
    RagRating.RED: Timescale(4, working_hours=False),
    RagRating.AMBER: Timescale(24, working_hours=True),
    RagRating.GREEN: Timescale(72, working_hours=True),
}


@dataclass(frozen=True)
class Consent:
    status: ConsentStatus
    reason: str | None = None
    # Proceeding although consent was refused: who approved it (e.g. the MASH manager, by name and role).
    override_approved_by: str | None = None

    @property
    def overridden(self) -> bool:
        return self.status == ConsentStatus.REFUSED and bool(self.override_approved_by)


def check_consent(consent: Consent) -> Consent:
    """Consent refused or not sought needs its reason; an override applies only to a refusal and names who
    approved it. Returns the consent with its text trimmed."""
    reason = (consent.reason or "").strip() or None
    approver = (consent.override_approved_by or "").strip() or None
    if consent.status != ConsentStatus.GIVEN and reason is None:
        raise ValidationError("Say why consent was refused or not sought.", field="consent.reason")
    if approver is not None and consent.status != ConsentStatus.REFUSED:
        raise ValidationError("Only a refusal of consent is overridden.", field="consent.overrideApprovedBy")
    for text, name in ((reason, "reason"), (approver, "overrideApprovedBy")):
        if text is not None and len(text) > MAX_TEXT:
            raise ValidationError(f"At most {MAX_TEXT} characters.", field=f"consent.{name}")
    return Consent(consent.status, reason, approver)


def check_text(value: str, field: str, what: str, minimum: int = 1) -> str:
    text = value.strip()
    if len(text) < minimum:
        raise ValidationError(what, field=field)
    if len(text) > MAX_TEXT:
        raise ValidationError(f"At most {MAX_TEXT} characters.", field=field)
    return text


@dataclass(frozen=True)
class DecisionDraft:
    decision: SharingDecision
    reasons: tuple[SharingReason, ...]
    rationale: str
    shared_categories: tuple[Category, ...] = ()


def check_decision(draft: DecisionDraft, requested: tuple[Category, ...], consent: Consent) -> DecisionDraft:
    """A decision consistent with itself and with the request; returns it with the categories it shares."""
    reasons = tuple(dict.fromkeys(draft.reasons))
    withholding = [reason for reason in reasons if reason != SharingReason.SHARED]
    wanted = tuple(dict.fromkeys(requested))
    shared = tuple(dict.fromkeys(draft.shared_categories))
    if not set(shared) <= set(wanted):
        raise ValidationError("Share only categories the request asked for.", field="sharedCategories")
    if draft.decision == SharingDecision.SHARE_ALL:
        if shared and set(shared) != set(wanted):
            raise ValidationError("Sharing all shares every category asked for; use SHARE_PART for some.",
                                  field="sharedCategories")
        if withholding or SharingReason.SHARED not in reasons:
            raise ValidationError("Sharing everything is recorded with the reason SHARED alone.",
                                  field="reasonCodes")
        shared = wanted
    elif draft.decision == SharingDecision.SHARE_PART:
        if not shared or set(shared) == set(wanted):
            raise ValidationError("A partial share names some, not all, of the categories asked for.",
                                  field="sharedCategories")
        if SharingReason.SHARED not in reasons or not withholding:
            raise ValidationError("A partial share gives SHARED and the reason the rest is withheld.",
                                  field="reasonCodes")
    else:
        if shared:
            raise ValidationError("A decline shares no categories.", field="sharedCategories")
        if not withholding or SharingReason.SHARED in reasons:
            raise ValidationError("A decline gives the reason it declines (e.g. NOT_HELD).", field="reasonCodes")
    if SharingReason.CONSENT_REFUSED_NO_OVERRIDE in reasons and (
            consent.status != ConsentStatus.REFUSED or consent.overridden):
        raise ValidationError("Consent was not refused without an override on this request.", field="reasonCodes")
    rationale = check_text(draft.rationale, "rationale", "Record why you decided as you did: it is kept with the "
                           "decision for the courts and the IG officer.", minimum=MIN_RATIONALE)
    return DecisionDraft(draft.decision, reasons, rationale, shared)


@dataclass(frozen=True)
class TargetView:
    """One agency asked, and its decision once made."""

    agency_id: str
    status: TargetStatus
    decision: SharingDecision | None
    reasons: tuple[SharingReason, ...]
    rationale: str | None
    shared_categories: tuple[Category, ...]
    decided_by_name: str | None
    decided_at: datetime | None
    grants_expire_at: datetime | None


@dataclass(frozen=True)
class RatingChangeView:
    rating: RagRating
    reason: str
    due_at: datetime
    changed_by_name: str
    changed_at: datetime


@dataclass(frozen=True)
class RequestView:
    id: str
    child_id: str
    requesting_agency_id: str
    requested_by_name: str
    referrer_agency_id: str | None
    purpose_code: str
    lawful_basis: str
    case_reference: str
    categories: tuple[Category, ...]
    justification: str
    consent: Consent
    rating: RagRating
    due_at: datetime
    status: RequestStatus
    created_at: datetime
    outcome: RequestOutcome | None
    outcome_note: str | None
    outcome_at: datetime | None
    targets: tuple[TargetView, ...]
    rating_history: tuple[RatingChangeView, ...]
