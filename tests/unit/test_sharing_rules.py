"""The rules every request and sharing decision must satisfy, before anything is written."""

from __future__ import annotations

import pytest

from hub.domain.information_request import (
    Consent,
    ConsentStatus,
    DecisionDraft,
    SharingDecision,
    SharingReason,
    check_consent,
    check_decision,
)
from hub.domain.record import Category
from hub.errors import ValidationError

ASKED = (Category.DOMESTIC_ABUSE_INCIDENT, Category.POLICE_INTELLIGENCE)
GIVEN = Consent(ConsentStatus.GIVEN)
RATIONALE = "Recorded for the courts and the IG officer."
S, NH, MD, CR = (SharingReason.SHARED, SharingReason.NOT_HELD, SharingReason.MORE_DETRIMENTAL_TO_CHILD,
                 SharingReason.CONSENT_REFUSED_NO_OVERRIDE)


def draft(decision: str, reasons: tuple[SharingReason, ...], shared: tuple[Category, ...] = (),
          rationale: str = RATIONALE) -> DecisionDraft:
    return DecisionDraft(SharingDecision(decision), reasons, rationale, shared)


def test_sharing_all_shares_every_category_asked_for() -> None:
    assert check_decision(draft("SHARE_ALL", (S,)), ASKED, GIVEN).shared_categories == ASKED


def test_a_partial_share_and_a_decline_keep_their_reasons() -> None:
    part = check_decision(draft("SHARE_PART", (S, NH, S), (Category.DOMESTIC_ABUSE_INCIDENT,)), ASKED, GIVEN)
    assert (part.reasons, part.shared_categories) == ((S, NH), (Category.DOMESTIC_ABUSE_INCIDENT,))
    declined = check_decision(draft("DECLINE", (MD,)), ASKED, GIVEN)
    assert (declined.reasons, declined.shared_categories, declined.rationale) == ((MD,), (), RATIONALE)


@pytest.mark.parametrize(("bad", "field"), [
    (draft("SHARE_ALL", (S, NH)), "reasonCodes"),
    (draft("SHARE_ALL", (S,), (Category.DOMESTIC_ABUSE_INCIDENT,)), "sharedCategories"),
    (draft("SHARE_PART", (S, NH), ASKED), "sharedCategories"),
    (draft("SHARE_PART", (S, NH)), "sharedCategories"),
    (draft("SHARE_PART", (S,), (Category.DOMESTIC_ABUSE_INCIDENT,)), "reasonCodes"),
    (draft("SHARE_PART", (S, NH), (Category.EXCLUSION,)), "sharedCategories"),
    (draft("DECLINE", ()), "reasonCodes"),
    (draft("DECLINE", (S, NH)), "reasonCodes"),
    (draft("DECLINE", (NH,), (Category.DOMESTIC_ABUSE_INCIDENT,)), "sharedCategories"),
    (draft("DECLINE", (NH,), rationale="short"), "rationale"),
    (draft("DECLINE", (CR,)), "reasonCodes"),  # consent was given: not a reason
])
def test_inconsistent_decisions_name_the_field_at_fault(bad: DecisionDraft, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_decision(bad, ASKED, GIVEN)
    assert refused.value.field == field


def test_consent_refused_without_override_is_a_reason_only_when_it_was() -> None:
    refused = Consent(ConsentStatus.REFUSED, "Parents refused.")
    assert check_decision(draft("DECLINE", (CR,)), ASKED, refused).reasons == (CR,)
    overridden = Consent(ConsentStatus.REFUSED, "Parents refused.", "Rita Reeve, team manager")
    with pytest.raises(ValidationError):
        check_decision(draft("DECLINE", (CR,)), ASKED, overridden)


@pytest.mark.parametrize(("consent", "field"), [
    (Consent(ConsentStatus.REFUSED), "consent.reason"),
    (Consent(ConsentStatus.NOT_SOUGHT, "  "), "consent.reason"),
    (Consent(ConsentStatus.NOT_SOUGHT, "Would increase the risk.", "A manager"), "consent.overrideApprovedBy"),
    (Consent(ConsentStatus.GIVEN, None, "A manager"), "consent.overrideApprovedBy"),
])
def test_consent_needs_its_reason_and_only_a_refusal_is_overridden(consent: Consent, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_consent(consent)
    assert refused.value.field == field


def test_consent_text_is_trimmed() -> None:
    checked = check_consent(Consent(ConsentStatus.REFUSED, "  Parents refused. ", " Rita Reeve "))
    assert (checked.reason, checked.override_approved_by, checked.overridden) == (
        "Parents refused.", "Rita Reeve", True)
