"""policies/requests.polar, notifications.polar and statistics.polar, row by row, against the real files."""

from __future__ import annotations

import pytest

from hub.domain.access import ChildFacts, NotificationFacts, PolicyActor, RequestFacts, StatisticsScope
from hub.policy import Policy
from hub.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def policy() -> Policy:
    return Policy(PROJECT_ROOT / "policies")


def actor(purpose: str, *roles: str, kind: str = "LOCAL_AUTHORITY") -> PolicyActor:
    return PolicyActor(frozenset(roles), kind, purpose)


ASKED, ASKING = RequestFacts(False, True), RequestFacts(True, False)
TABLE = [
    # Asking: a practitioner working a case, about a child they may know.
    (actor("MASH_TRIAGE", "MASH_PRACTITIONER"), "request", ChildFacts(in_area=True),
     "case_practitioner_asks_about_child_they_know"),
    (actor("EDUCATION_SAFEGUARDING", "DSL", kind="SCHOOL"), "request", ChildFacts(on_roll=True),
     "case_practitioner_asks_about_child_they_know"),
    (actor("EDUCATION_SAFEGUARDING", "DSL", kind="SCHOOL"), "request", ChildFacts(in_area=True), None),
    (actor("PARTNERSHIP_ASSURANCE", "PARTNERSHIP_MANAGER"), "request", ChildFacts(in_area=True), None),
    # Answering: only an agency asked, in a decision role.
    (actor("MASH_TRIAGE", "POLICE_OFFICER", kind="POLICE"), "decide", ASKED,
     "asked_agency_decides_in_a_decision_role"),
    (actor("MASH_TRIAGE", "HEALTH_SAFEGUARDING_PRACTITIONER", kind="HEALTH"), "decide", ASKED,
     "asked_agency_decides_in_a_decision_role"),
    (actor("EDUCATION_SAFEGUARDING", "DEPUTY_DSL", kind="SCHOOL"), "decide", ASKED,
     "asked_agency_decides_in_a_decision_role"),
    (actor("UNSCHEDULED_CARE", "UNSCHEDULED_CARE_CLINICIAN", kind="HEALTH"), "decide", ASKED, None),
    (actor("AUDIT_REVIEW", "IG_OFFICER"), "decide", ASKED, None),
    (actor("MASH_TRIAGE", "POLICE_OFFICER", kind="POLICE"), "decide", ASKING, None),
    (actor("POLICE_INVESTIGATION", "MASH_PRACTITIONER"), "decide", ASKED, None),  # a purpose not its role's
    # Reading: the agency that asked, and the agencies asked in a decision role.
    (actor("MASH_TRIAGE", "MASH_PRACTITIONER"), "read", ASKING, "requesting_agency_reads_its_request"),
    (actor("MASH_TRIAGE", "POLICE_OFFICER", kind="POLICE"), "read", ASKED, "asked_agency_reads_request_to_it"),
    (actor("UNSCHEDULED_CARE", "UNSCHEDULED_CARE_CLINICIAN", kind="HEALTH"), "read", ASKED, None),
    (actor("PARTNERSHIP_ASSURANCE", "PARTNERSHIP_MANAGER"), "read", ASKING, None),
    (actor("MASH_TRIAGE", "MASH_PRACTITIONER"), "read", RequestFacts(False, False), None),
    # Re-rating and the outcome: the agency that asked.
    (actor("MASH_TRIAGE", "MASH_PRACTITIONER"), "rate", ASKING, "requesting_agency_rerates_its_request"),
    (actor("MASH_TRIAGE", "POLICE_OFFICER", kind="POLICE"), "rate", ASKED, None),
    (actor("S47_ENQUIRY", "SOCIAL_WORKER"), "record_outcome", ASKING, "requesting_agency_records_outcome"),
    (actor("MASH_TRIAGE", "HEALTH_SAFEGUARDING_PRACTITIONER", kind="HEALTH"), "record_outcome", ASKED, None),
    # Operation Encompass: police officers only.
    (actor("POLICE_INVESTIGATION", "POLICE_OFFICER", kind="POLICE"), "notify_incident", ChildFacts(in_area=True),
     "police_notify_school_of_domestic_abuse"),
    (actor("S47_ENQUIRY", "SOCIAL_WORKER"), "notify_incident", ChildFacts(known=True), None),
    (actor("POLICE_INVESTIGATION", "POLICE_OFFICER", kind="POLICE"), "notify_incident", ChildFacts(), None),
    # Notifications: the recipient, by name or by role, working a case.
    (actor("EDUCATION_SAFEGUARDING", "DSL", kind="SCHOOL"), "acknowledge", NotificationFacts(False, True),
     "recipient_acknowledges_notification"),
    (actor("S47_ENQUIRY", "SOCIAL_WORKER"), "read", NotificationFacts(True, False), "recipient_reads_notification"),
    (actor("S47_ENQUIRY", "SOCIAL_WORKER"), "acknowledge", NotificationFacts(False, False), None),
    (actor("PARTNERSHIP_ASSURANCE", "PARTNERSHIP_MANAGER"), "read", NotificationFacts(True, False), None),
    # Statistics: partnership managers and scrutineers, their own partnership, for assurance.
    (actor("PARTNERSHIP_ASSURANCE", "PARTNERSHIP_MANAGER"), "read", StatisticsScope(True),
     "partnership_assurance_reads_own_partnership"),
    (actor("PARTNERSHIP_ASSURANCE", "SCRUTINEER"), "read", StatisticsScope(True),
     "partnership_assurance_reads_own_partnership"),
    (actor("PARTNERSHIP_ASSURANCE", "PARTNERSHIP_MANAGER"), "read", StatisticsScope(False), None),
    (actor("MASH_TRIAGE", "MASH_PRACTITIONER"), "read", StatisticsScope(True), None),
]


@pytest.mark.parametrize(("who", "action", "resource", "rule"), TABLE)
def test_the_request_and_notification_rules(policy: Policy, who, action, resource, rule) -> None:
    decision = policy.decide(who, action, resource)
    assert (decision.allowed, decision.rule) == (rule is not None, rule or "default_deny")
