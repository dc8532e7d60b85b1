"""policies/partnership.polar, reviews.polar and child_death.polar, row by row, against the real files: every
new role (partnership manager, scrutineer, lead partners' signatories, the Secretary of State's
representative, reviewers, the national panel, CDOP members) and every new action."""

from __future__ import annotations

import pytest

from hub.domain.access import ChildFacts, PolicyActor, RecordFacts
from hub.domain.partnership_access import ArrangementFacts, CdopScope, ChildDeathFacts, IncidentFacts, LessonFacts
from hub.policy import Policy
from hub.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def policy() -> Policy:
    return Policy(PROJECT_ROOT / "policies")


def actor(purpose: str | None, *roles: str, kind: str = "LOCAL_AUTHORITY") -> PolicyActor:
    return PolicyActor(frozenset(roles), kind, purpose)


ASSURANCE, REVIEW, DEATH = "PARTNERSHIP_ASSURANCE", "SERIOUS_INCIDENT_REVIEW", "CHILD_DEATH_REVIEW"
MANAGER = actor(ASSURANCE, "PARTNERSHIP_MANAGER")
SCRUTINEER = actor(ASSURANCE, "SCRUTINEER")
SIGNATORY_LA = actor(ASSURANCE, "LEAD_PARTNER_SIGNATORY")
SIGNATORY_POLICE = actor(ASSURANCE, "LEAD_PARTNER_SIGNATORY", kind="POLICE")
MINISTER = actor(ASSURANCE, "SECRETARY_OF_STATE_REPRESENTATIVE", kind="OTHER_RELEVANT_AGENCY")
PUBLIC = PolicyActor(frozenset(), "PUBLIC", None)

DRAFT_OWN = ArrangementFacts(published=False, own_partnership=True, lead_partner_agency=False)
DRAFT_LEAD = ArrangementFacts(published=False, own_partnership=True, lead_partner_agency=True)
DRAFT_OTHER = ArrangementFacts(published=False, own_partnership=False, lead_partner_agency=False)
PUBLISHED = ArrangementFacts(published=True, own_partnership=False, lead_partner_agency=False)


def incident(**facts: bool) -> IncidentFacts:
    base = dict.fromkeys(("own_partnership", "notifying_agency", "assigned_reviewer", "asked_agency", "notified"),
                         False)
    return IncidentFacts(**{**base, **facts})


def death(**facts: bool) -> ChildDeathFacts:
    return ChildDeathFacts(**{**dict.fromkeys(("in_cdop", "notifying_agency", "asked_agency"), False), **facts})


REVIEWER = actor(REVIEW, "REVIEWER", kind="HEALTH")
LA_SOCIAL_WORKER = actor(REVIEW, "SOCIAL_WORKER")
REVIEW_MANAGER = actor(REVIEW, "PARTNERSHIP_MANAGER")
POLICE_REVIEW = actor(REVIEW, "POLICE_OFFICER", kind="POLICE")
PANEL = actor(REVIEW, "NATIONAL_PANEL_MEMBER", kind="OTHER_RELEVANT_AGENCY")
CDOP_HEALTH = actor(DEATH, "CDOP_MEMBER", kind="HEALTH")
CDOP_LA = actor(DEATH, "CDOP_MEMBER")
CDOP_POLICE = actor(DEATH, "CDOP_MEMBER", kind="POLICE")

TABLE = [
    # Arrangements: anyone reads what is published, the partnership's officers read their drafts.
    (PUBLIC, "read", PUBLISHED, "anyone_reads_published_arrangements"),
    (actor("EDUCATION_SAFEGUARDING", "DSL", kind="SCHOOL"), "read", PUBLISHED, "anyone_reads_published_arrangements"),
    (PUBLIC, "read", DRAFT_OWN, None),
    (MANAGER, "read", DRAFT_OWN, "partnership_reads_its_own_arrangements"),
    (SCRUTINEER, "read", DRAFT_OWN, "partnership_reads_its_own_arrangements"),
    (SIGNATORY_LA, "read", DRAFT_LEAD, "partnership_reads_its_own_arrangements"),
    (MANAGER, "read", DRAFT_OTHER, None),
    (actor("S47_ENQUIRY", "SOCIAL_WORKER"), "read", DRAFT_OWN, None),
    (actor(REVIEW, "PARTNERSHIP_MANAGER"), "read", DRAFT_OWN, None),  # a purpose not for arrangements
    # Drafting: the partnership manager of the partnership.
    (MANAGER, "draft", DRAFT_OWN, "partnership_manager_drafts_arrangements"),
    (MANAGER, "draft", DRAFT_OTHER, None),
    (SCRUTINEER, "draft", DRAFT_OWN, None),  # read-only
    (SIGNATORY_LA, "draft", DRAFT_LEAD, None),
    # Signing: each lead partner's signatory, for an agency that is a lead partner of the partnership.
    (SIGNATORY_LA, "sign", DRAFT_LEAD, "lead_partner_signs_arrangements"),
    (SIGNATORY_POLICE, "sign", DRAFT_LEAD, "lead_partner_signs_arrangements"),
    (SIGNATORY_LA, "sign", DRAFT_OWN, None),  # an agency of the partnership that is not a lead partner
    (MANAGER, "sign", DRAFT_LEAD, None),
    (SCRUTINEER, "sign", DRAFT_LEAD, None),
    # Intervention status: the Secretary of State's representative only.
    (MINISTER, "set_intervention", DRAFT_OTHER, "secretary_of_state_sets_intervention_status"),
    (MINISTER, "draft", DRAFT_OTHER, None),
    (MANAGER, "set_intervention", DRAFT_OWN, None),
    (actor("S47_ENQUIRY", "SECRETARY_OF_STATE_REPRESENTATIVE"), "set_intervention", DRAFT_OTHER, None),
    # Serious incidents: a local authority records one about a child in its area.
    (LA_SOCIAL_WORKER, "record_incident", ChildFacts(in_area=True), "local_authority_records_serious_incident"),
    (REVIEW_MANAGER, "record_incident", ChildFacts(in_area=True), "local_authority_records_serious_incident"),
    (LA_SOCIAL_WORKER, "record_incident", ChildFacts(known=True), None),
    (POLICE_REVIEW, "record_incident", ChildFacts(in_area=True), None),
    (actor("S47_ENQUIRY", "SOCIAL_WORKER"), "record_incident", ChildFacts(in_area=True), None),
    (LA_SOCIAL_WORKER, "notify", incident(notifying_agency=True), "local_authority_notifies_national_panel"),
    (LA_SOCIAL_WORKER, "read", incident(notifying_agency=True), "notifying_authority_reads_its_incident"),
    (LA_SOCIAL_WORKER, "notify", incident(own_partnership=True), None),
    # The partnership manager starts the rapid review of a notified incident, and tracks a local review.
    (REVIEW_MANAGER, "read", incident(own_partnership=True), "partnership_manager_reads_own_partnerships_incidents"),
    (REVIEW_MANAGER, "start_review", incident(own_partnership=True, notified=True),
     "partnership_manager_starts_rapid_review"),
    (REVIEW_MANAGER, "start_review", incident(own_partnership=True), None),
    (REVIEW_MANAGER, "start_review", incident(notified=True), None),
    (REVIEW_MANAGER, "track_local_review", incident(own_partnership=True),
     "partnership_manager_tracks_local_review"),
    (REVIEW_MANAGER, "read_summaries", incident(own_partnership=True), None),  # summaries are for reviewers
    (MANAGER, "start_review", incident(own_partnership=True, notified=True), None),  # purpose: assurance
    # Reviewers: only the review they are assigned to.
    (REVIEWER, "read", incident(assigned_reviewer=True), "assigned_reviewer_reads_review"),
    (REVIEWER, "read_summaries", incident(assigned_reviewer=True), "assigned_reviewer_reads_submitted_summaries"),
    (REVIEWER, "decide", incident(assigned_reviewer=True), "assigned_reviewer_records_review_decision"),
    (REVIEWER, "read", incident(own_partnership=True, notified=True), None),
    (REVIEWER, "decide", incident(own_partnership=True), None),
    (actor(DEATH, "REVIEWER"), "read", incident(assigned_reviewer=True), None),
    (LA_SOCIAL_WORKER, "decide", incident(assigned_reviewer=True), None),  # assigned, but not a reviewer
    # Agencies asked for their summary.
    (POLICE_REVIEW, "read", incident(asked_agency=True), "asked_agency_reads_request_for_summary"),
    (POLICE_REVIEW, "submit_summary", incident(asked_agency=True), "asked_agency_submits_agency_summary"),
    (actor(REVIEW, "HEALTH_SAFEGUARDING_PRACTITIONER", kind="HEALTH"), "submit_summary", incident(asked_agency=True),
     "asked_agency_submits_agency_summary"),
    (actor(REVIEW, "UNSCHEDULED_CARE_CLINICIAN", kind="HEALTH"), "submit_summary", incident(asked_agency=True), None),
    (POLICE_REVIEW, "submit_summary", incident(own_partnership=True), None),
    (POLICE_REVIEW, "read_summaries", incident(asked_agency=True), None),
    # The national panel: notified incidents.
    (PANEL, "read", incident(notified=True), "national_panel_reads_notified_incidents"),
    (PANEL, "read", incident(), None),
    (PANEL, "read_summaries", incident(notified=True), None),
    # Lessons: published by the manager or an assigned reviewer; read by the partnership, and nationally.
    (REVIEW_MANAGER, "publish_lesson", incident(own_partnership=True), "partnership_manager_publishes_lesson"),
    (REVIEWER, "publish_lesson", incident(assigned_reviewer=True), "assigned_reviewer_publishes_lesson"),
    (POLICE_REVIEW, "publish_lesson", incident(asked_agency=True), None),
    (actor("EDUCATION_SAFEGUARDING", "DSL", kind="SCHOOL"), "read", LessonFacts(True),
     "partnership_practitioner_reads_lessons"),
    (actor("EDUCATION_SAFEGUARDING", "DSL", kind="SCHOOL"), "read", LessonFacts(False), None),
    (actor("AGENCY_RECORD_SYNC", "ADAPTER"), "read", LessonFacts(True), None),
    (PANEL, "read", LessonFacts(False), "national_panel_reads_lessons_nationally"),
    # Child deaths: any agency notifies; agencies asked report; CDOP members of LA and ICB analyse.
    (actor(DEATH, "UNSCHEDULED_CARE_CLINICIAN", kind="HEALTH"), "notify_child_death", ChildFacts(known=True),
     "any_agency_notifies_child_death"),
    (actor(DEATH, "DSL", kind="SCHOOL"), "notify_child_death", ChildFacts(in_area=True),
     "any_agency_notifies_child_death"),
    (actor(DEATH, "DSL", kind="SCHOOL"), "notify_child_death", ChildFacts(), None),
    (actor("S47_ENQUIRY", "SOCIAL_WORKER"), "notify_child_death", ChildFacts(known=True), None),
    (actor(DEATH, "POLICE_OFFICER", kind="POLICE"), "read", death(notifying_agency=True),
     "notifying_agency_reads_its_notification"),
    (actor(DEATH, "POLICE_OFFICER", kind="POLICE"), "report", death(asked_agency=True),
     "asked_agency_submits_reporting_form"),
    (actor(DEATH, "POLICE_OFFICER", kind="POLICE"), "read", death(asked_agency=True),
     "asked_agency_reads_request_for_report"),
    (actor(DEATH, "POLICE_OFFICER", kind="POLICE"), "analyse", death(asked_agency=True), None),
    (CDOP_HEALTH, "read", death(in_cdop=True), "cdop_member_reads_de_identified_case"),
    (CDOP_LA, "analyse", death(in_cdop=True), "cdop_member_records_panel_analysis"),
    (CDOP_HEALTH, "analyse", death(), None),
    (CDOP_POLICE, "read", death(in_cdop=True), None),  # the child death review partners are the LA and ICB
    (actor(REVIEW, "CDOP_MEMBER", kind="HEALTH"), "read", death(in_cdop=True), None),
    (CDOP_HEALTH, "report", death(in_cdop=True), None),
    (CDOP_HEALTH, "read", CdopScope(True), "cdop_member_reads_panel_statistics"),
    (CDOP_LA, "export", CdopScope(True), "cdop_member_exports_to_national_database"),
    (CDOP_HEALTH, "read", CdopScope(False), None),
    (SCRUTINEER, "read", CdopScope(True), None),
    (MANAGER, "export", CdopScope(True), None),
]


@pytest.mark.parametrize(("who", "action", "resource", "rule"), TABLE,
                         ids=[f"{sorted(r[0].roles)}-{r[1]}-{i}" for i, r in enumerate(TABLE)])
def test_the_partnership_rules(policy: Policy, who, action, resource, rule) -> None:
    decision = policy.decide(who, action, resource)
    assert (decision.allowed, decision.rule) == (rule is not None, rule or "default_deny")


GOVERNANCE = ("PARTNERSHIP_MANAGER", "SCRUTINEER", "LEAD_PARTNER_SIGNATORY", "SECRETARY_OF_STATE_REPRESENTATIVE",
              "REVIEWER", "NATIONAL_PANEL_MEMBER", "CDOP_MEMBER")


@pytest.mark.parametrize("role", GOVERNANCE)
def test_no_governance_role_reads_any_childs_records_or_identity(policy: Policy, role: str) -> None:
    """The scrutineer never sees a child's identity, and no other governance role does either: these roles
    reach child data only through the de-identified views of their own rules."""
    for purpose in (ASSURANCE, REVIEW, DEATH, None):
        for facts in (ChildFacts(in_area=True, known=True, involved=True, granted=True), ChildFacts(on_roll=True)):
            who = actor(purpose, role)
            assert not policy.decide(who, "read", facts).allowed, (role, purpose)
            for tier in ("FLAG", "SUMMARY", "DETAIL", "RESTRICTED"):
                record = RecordFacts(tier=tier, owned=False, granted=True, notified=True, child=facts)
                assert not policy.decide(who, "read", record).allowed, (role, purpose, tier)
