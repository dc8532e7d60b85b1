"""The decision table, run against the real policies/*.polar files.

First the table itself, row by row, with the rule each decision must name; then every row's neighbourhood
(each fact and the purpose changed one at a time) and a large seeded sample of the whole fact space,
compared with the plain-Python statement of the table in ``oracle.py``.
"""

from __future__ import annotations

import random
from dataclasses import fields, replace
from itertools import product

import pytest

from hub.domain.access import ChildFacts, PolicyActor, RecordFacts
from hub.policy import Policy
from hub.settings import PROJECT_ROOT
from tests.policies import oracle

TIERS = ("FLAG", "SUMMARY", "DETAIL", "RESTRICTED")
PURPOSES = ("S17_ASSESSMENT", "S47_ENQUIRY", "MASH_TRIAGE", "POLICE_INVESTIGATION", "HEALTH_SAFEGUARDING",
            "UNSCHEDULED_CARE", "EDUCATION_SAFEGUARDING", "EMERGENCY", "AUDIT_REVIEW", "PARTNERSHIP_ASSURANCE",
            "SERIOUS_INCIDENT_REVIEW", "CHILD_DEATH_REVIEW")
ROLES = ("SOCIAL_WORKER", "MASH_PRACTITIONER", "POLICE_OFFICER", "UNSCHEDULED_CARE_CLINICIAN",
         "HEALTH_SAFEGUARDING_PRACTITIONER", "DSL", "DEPUTY_DSL", "IG_OFFICER", "PARTNERSHIP_MANAGER", "SCRUTINEER",
         "REVIEWER", "CDOP_MEMBER", "ADMIN", "LEAD_PARTNER_SIGNATORY", "SECRETARY_OF_STATE_REPRESENTATIVE",
         "NATIONAL_PANEL_MEMBER")


@pytest.fixture(scope="module")
def policy() -> Policy:
    return Policy(PROJECT_ROOT / "policies")


def actor(role: str, purpose: str | None, *extra: str) -> PolicyActor:
    return PolicyActor(frozenset({role, *extra}), "ANY", purpose)


def record(tier: str, owned: bool = False, granted: bool = False, notified: bool = False, **child: bool) -> RecordFacts:
    return RecordFacts(tier=tier, owned=owned, granted=granted, notified=notified, child=ChildFacts(**child))


# (who, purpose, action, resource, the rule that must decide, or None for a denial)
TABLE = [
    # Owner: any practitioner of the owning agency working a case reads every tier of its own records.
    ("SOCIAL_WORKER", "S47_ENQUIRY", "read", record("RESTRICTED", owned=True), "owner_reads_own_records"),
    ("POLICE_OFFICER", "POLICE_INVESTIGATION", "read", record("DETAIL", owned=True), "owner_reads_own_records"),
    ("DSL", "EDUCATION_SAFEGUARDING", "read", record("DETAIL", owned=True), "owner_reads_own_records"),
    ("DSL", "S47_ENQUIRY", "read", record("FLAG", owned=True), None),  # a purpose its role may not declare
    ("IG_OFFICER", "AUDIT_REVIEW", "read", record("FLAG", owned=True), None),  # metadata and audit only
    # Unscheduled care clinician: FLAG from all agencies for a child named by NHS number.
    ("UNSCHEDULED_CARE_CLINICIAN", "UNSCHEDULED_CARE", "read", record("FLAG", identified_by_nhs_number=True),
     "unscheduled_care_reads_flags"),
    ("UNSCHEDULED_CARE_CLINICIAN", "UNSCHEDULED_CARE", "read", record("SUMMARY", identified_by_nhs_number=True),
     None),
    ("UNSCHEDULED_CARE_CLINICIAN", "UNSCHEDULED_CARE", "read", record("FLAG", in_area=True), None),
    # DSL: FLAG of pupils on roll; SUMMARY of incidents notified to the school; DETAIL only with a grant;
    # never RESTRICTED, nor its existence.
    ("DSL", "EDUCATION_SAFEGUARDING", "read", record("FLAG", on_roll=True), "dsl_reads_flags_of_pupils_on_roll"),
    ("DEPUTY_DSL", "EDUCATION_SAFEGUARDING", "read", record("FLAG", on_roll=True),
     "dsl_reads_flags_of_pupils_on_roll"),
    ("DSL", "EDUCATION_SAFEGUARDING", "read", record("FLAG", in_area=True, known=True), None),
    ("DSL", "EDUCATION_SAFEGUARDING", "read", record("SUMMARY", on_roll=True), None),
    ("DSL", "EDUCATION_SAFEGUARDING", "read", record("SUMMARY", notified=True, on_roll=True),
     "dsl_reads_summary_of_incidents_notified_to_school"),
    ("DSL", "EDUCATION_SAFEGUARDING", "read", record("DETAIL", notified=True, on_roll=True), None),
    ("DSL", "EDUCATION_SAFEGUARDING", "read", record("DETAIL", granted=True, on_roll=True),
     "grantee_reads_granted_category"),
    ("DSL", "EDUCATION_SAFEGUARDING", "read", record("RESTRICTED", granted=True, notified=True, on_roll=True),
     None),
    ("DSL", "EDUCATION_SAFEGUARDING", "notice", record("RESTRICTED", on_roll=True), None),
    # Social worker, MASH: FLAG and SUMMARY in area or involved; DETAIL with a grant; RESTRICTED as a notice.
    ("SOCIAL_WORKER", "S17_ASSESSMENT", "read", record("SUMMARY", in_area=True),
     "children_services_in_area_or_involved"),
    ("MASH_PRACTITIONER", "MASH_TRIAGE", "read", record("FLAG", involved=True),
     "children_services_in_area_or_involved"),
    ("MASH_PRACTITIONER", "MASH_TRIAGE", "read", record("DETAIL", in_area=True), None),
    ("MASH_PRACTITIONER", "MASH_TRIAGE", "read", record("DETAIL", in_area=True, granted=True),
     "grantee_reads_granted_category"),
    ("MASH_PRACTITIONER", "MASH_TRIAGE", "read", record("RESTRICTED", in_area=True, granted=True), None),
    ("MASH_PRACTITIONER", "MASH_TRIAGE", "notice", record("RESTRICTED", in_area=True),
     "children_services_told_confidential_information_is_held"),
    ("SOCIAL_WORKER", "S47_ENQUIRY", "read", record("FLAG", known=True), None),  # out of area, not involved
    ("SOCIAL_WORKER", "S47_ENQUIRY", "read", record("SUMMARY", granted=True), "grantee_reads_granted_category"),
    ("SOCIAL_WORKER", "POLICE_INVESTIGATION", "read", record("FLAG", in_area=True), None),
    # Police: involved, or in area for MASH; DETAIL with a grant.
    ("POLICE_OFFICER", "POLICE_INVESTIGATION", "read", record("SUMMARY", involved=True), "police_involved"),
    ("POLICE_OFFICER", "POLICE_INVESTIGATION", "read", record("SUMMARY", in_area=True), None),
    ("POLICE_OFFICER", "MASH_TRIAGE", "read", record("FLAG", in_area=True), "police_in_area_for_mash"),
    ("POLICE_OFFICER", "MASH_TRIAGE", "read", record("DETAIL", in_area=True), None),
    ("POLICE_OFFICER", "MASH_TRIAGE", "notice", record("RESTRICTED", in_area=True), None),
    # Health safeguarding: involved or in area.
    ("HEALTH_SAFEGUARDING_PRACTITIONER", "HEALTH_SAFEGUARDING", "read", record("SUMMARY", in_area=True),
     "health_safeguarding_in_area_or_involved"),
    ("HEALTH_SAFEGUARDING_PRACTITIONER", "HEALTH_SAFEGUARDING", "read", record("DETAIL", involved=True), None),
    # Break-glass: FLAG and SUMMARY while the declared emergency lasts.
    ("POLICE_OFFICER", "EMERGENCY", "read", record("SUMMARY", break_glass=True), "break_glass_emergency"),
    ("UNSCHEDULED_CARE_CLINICIAN", "EMERGENCY", "read", record("FLAG", break_glass=True), "break_glass_emergency"),
    ("POLICE_OFFICER", "EMERGENCY", "read", record("DETAIL", break_glass=True), None),
    ("POLICE_OFFICER", "EMERGENCY", "read", record("FLAG", in_area=True), None),  # no emergency declared
    ("DSL", "EMERGENCY", "read", record("FLAG", break_glass=True), None),  # not a break-glass role
    # Governance roles see no record content at all.
    ("PARTNERSHIP_MANAGER", "PARTNERSHIP_ASSURANCE", "read", record("FLAG", in_area=True, known=True), None),
    ("SCRUTINEER", "PARTNERSHIP_ASSURANCE", "read", record("FLAG", in_area=True), None),
    ("REVIEWER", "SERIOUS_INCIDENT_REVIEW", "read", record("FLAG", in_area=True, granted=True), None),
    ("ADMIN", "AUDIT_REVIEW", "read", record("FLAG", owned=True, in_area=True), None),
    # Owners are alerted when partners read their records, except by silent viewers.
    ("UNSCHEDULED_CARE_CLINICIAN", "UNSCHEDULED_CARE", "alert_owner", record("FLAG"),
     "partner_access_alerts_owner"),
    ("SOCIAL_WORKER", "S47_ENQUIRY", "alert_owner", record("FLAG", owned=True), None),
]


@pytest.mark.parametrize(("role", "purpose", "action", "resource", "rule"), TABLE,
                         ids=[f"{r[0]}-{r[1]}-{r[2]}-{r[3].tier}-{i}" for i, r in enumerate(TABLE)])
def test_decision_table_row(policy: Policy, role, purpose, action, resource, rule) -> None:
    decision = policy.decide(actor(role, purpose), action, resource)
    assert (decision.allowed, decision.rule) == (rule is not None, rule or "default_deny")
    assert decision.policy_version == policy.version


def test_a_silent_viewer_does_not_alert_the_owner(policy: Policy) -> None:
    clinician = actor("UNSCHEDULED_CARE_CLINICIAN", "UNSCHEDULED_CARE", "SILENT_VIEWER")
    assert not policy.decide(clinician, "alert_owner", record("FLAG")).allowed
    assert policy.decide(clinician, "read", record("FLAG", identified_by_nhs_number=True)).allowed


CHILD_FACT_NAMES = [f.name for f in fields(ChildFacts) if f.name not in {"address_withheld", "withholds_address"}]


def neighbours(role: str, purpose: str, resource: RecordFacts):
    """The row changed in one respect at a time: each fact flipped, each other purpose, each other tier."""
    for name in CHILD_FACT_NAMES:
        child = replace(resource.child, **{name: not getattr(resource.child, name)})
        yield role, purpose, replace(resource, child=child)
    for name in ("owned", "granted", "notified"):
        yield role, purpose, replace(resource, **{name: not getattr(resource, name)})
    for other in PURPOSES:
        yield role, other, resource
    for tier in TIERS:
        yield role, purpose, replace(resource, tier=tier)


def expected(action: str, who: PolicyActor, resource: RecordFacts) -> bool:
    return oracle.may_notice(who, resource) if action == "notice" else oracle.may_read(who, resource)


def test_every_rows_neighbourhood_agrees_with_the_table(policy: Policy) -> None:
    checked = 0
    for role, purpose, action, resource, _ in TABLE:
        if action not in {"read", "notice"}:
            continue
        for n_role, n_purpose, n_resource in neighbours(role, purpose, resource):
            who = actor(n_role, n_purpose)
            assert policy.decide(who, action, n_resource).allowed == expected(action, who, n_resource), (
                n_role, n_purpose, action, n_resource)
            checked += 1
    assert checked > 1000


def test_a_seeded_sample_of_the_whole_fact_space_agrees_with_the_table(policy: Policy) -> None:
    rng = random.Random(2016)
    for _ in range(2500):
        who = PolicyActor(frozenset(rng.sample(ROLES, rng.choice([1, 1, 1, 2]))), "ANY",
                          rng.choice([*PURPOSES, None]))
        child = ChildFacts(**{name: rng.random() < 0.4 for name in CHILD_FACT_NAMES})
        resource = RecordFacts(tier=rng.choice(TIERS), owned=rng.random() < 0.2, granted=rng.random() < 0.3,
                               notified=rng.random() < 0.3, child=child)
        for action in ("read", "notice"):
            assert policy.decide(who, action, resource).allowed == expected(action, who, resource), (
                who, action, resource)
        assert policy.decide(who, "read", child).allowed == oracle.may_read_child(who, child), (who, child)


# FIND: (who, purpose, the child's facts, the rule that must decide, or None for a denial). A child the actor
# may not see is indistinguishable from one that does not exist, so FIND needs the relationship READ needs.
FIND_TABLE = [
    ("DSL", "EDUCATION_SAFEGUARDING", ChildFacts(on_roll=True), "dsl_pupil_on_roll"),
    ("DEPUTY_DSL", "EDUCATION_SAFEGUARDING", ChildFacts(on_roll=True), "dsl_pupil_on_roll"),
    ("DSL", "EDUCATION_SAFEGUARDING", ChildFacts(in_area=True, known=True), None),  # not on the school's roll
    ("DSL", "EDUCATION_SAFEGUARDING", ChildFacts(granted=True), None),  # a grant does not widen FIND
    ("SOCIAL_WORKER", "S47_ENQUIRY", ChildFacts(in_area=True), "children_services_in_area_or_involved"),
    ("MASH_PRACTITIONER", "MASH_TRIAGE", ChildFacts(involved=True), "children_services_in_area_or_involved"),
    ("SOCIAL_WORKER", "S47_ENQUIRY", ChildFacts(), None),  # another partnership's child
    ("SOCIAL_WORKER", "S47_ENQUIRY", ChildFacts(known=True), None),  # a closed case elsewhere
    ("POLICE_OFFICER", "POLICE_INVESTIGATION", ChildFacts(involved=True), "police_involved"),
    ("POLICE_OFFICER", "POLICE_INVESTIGATION", ChildFacts(in_area=True), None),  # outside an involvement
    ("POLICE_OFFICER", "MASH_TRIAGE", ChildFacts(in_area=True), "police_in_area_for_mash"),
    ("HEALTH_SAFEGUARDING_PRACTITIONER", "HEALTH_SAFEGUARDING", ChildFacts(in_area=True),
     "health_safeguarding_in_area_or_involved"),
    ("UNSCHEDULED_CARE_CLINICIAN", "UNSCHEDULED_CARE", ChildFacts(identified_by_nhs_number=True),
     "unscheduled_care_finds_child_by_nhs_number"),
    ("UNSCHEDULED_CARE_CLINICIAN", "UNSCHEDULED_CARE", ChildFacts(in_area=True), None),  # by details: no
    ("IG_OFFICER", "AUDIT_REVIEW", ChildFacts(in_area=True, involved=True, known=True), None),
    ("PARTNERSHIP_MANAGER", "PARTNERSHIP_ASSURANCE", ChildFacts(in_area=True), None),
]


@pytest.mark.parametrize(("role", "purpose", "child", "rule"), FIND_TABLE,
                         ids=[f"find-{r[0]}-{r[1]}-{i}" for i, r in enumerate(FIND_TABLE)])
def test_find_table_row(policy: Policy, role, purpose, child, rule) -> None:
    decision = policy.decide(actor(role, purpose), "find", child)
    assert (decision.allowed, decision.rule) == (rule is not None, rule or "default_deny")


def test_find_agrees_with_the_table_over_the_whole_fact_space(policy: Policy) -> None:
    checked = 0
    for role, purpose in product(ROLES, PURPOSES):
        who = actor(role, purpose)
        for values in product((False, True), repeat=len(CHILD_FACT_NAMES)):
            child = ChildFacts(**dict(zip(CHILD_FACT_NAMES, values, strict=True)))
            assert policy.decide(who, "find", child).allowed == oracle.may_find(who, child), (role, purpose, child)
            checked += 1
    assert checked == len(ROLES) * len(PURPOSES) * 2 ** len(CHILD_FACT_NAMES)


def test_withheld_addresses_are_read_only_by_the_agency_that_withheld_them(policy: Policy) -> None:
    sam = actor("SOCIAL_WORKER", "S47_ENQUIRY")
    for withheld, withholds, allowed in product((False, True), (False, True), (True, False)):
        if withholds and not withheld:
            continue
        child = ChildFacts(in_area=allowed, address_withheld=withheld, withholds_address=withholds)
        decision = policy.decide(sam, "read_address", child)
        assert decision.allowed == (allowed and (not withheld or withholds)), child


def test_break_glass_is_for_eligible_roles_declaring_an_emergency(policy: Policy) -> None:
    for role in ROLES:
        for purpose in ("EMERGENCY", "S47_ENQUIRY"):
            decision = policy.decide(actor(role, purpose), "break_glass", ChildFacts())
            assert decision.allowed == (role in oracle.BREAK_GLASS_ROLES and purpose == "EMERGENCY"), (role, purpose)


def test_the_policy_version_is_a_hash_of_the_files(tmp_path) -> None:
    for path in (PROJECT_ROOT / "policies").glob("*.polar"):
        (tmp_path / path.name).write_text(path.read_text())
    same = Policy(tmp_path)
    (tmp_path / "records.polar").write_text((tmp_path / "records.polar").read_text() + "\n# a comment\n")
    assert Policy(tmp_path).version != same.version == Policy(PROJECT_ROOT / "policies").version
