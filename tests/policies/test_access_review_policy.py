"""The IG officer's lookup of a child for an access review, against the real policies/*.polar files.

What it releases is the minimum to confirm identity (names and date of birth): only an IG officer declaring
AUDIT_REVIEW may do it, for a child of the officer's partnerships or one its agency has known; anywhere else
the child is answered as no child at all. It opens nothing else: not FIND (whom to
contact), not the child's identity as a read, not the address, not any record.
"""

from __future__ import annotations

import pytest

from hub.domain.access import ChildFacts, PolicyActor, RecordFacts
from hub.policy import Policy
from hub.settings import PROJECT_ROOT
from tests.policies.test_decision_table import PURPOSES, ROLES

RULE = "ig_officer_identifies_child_for_access_review"
NO_RELATIONSHIP = ChildFacts()
EVERY_RELATIONSHIP = ChildFacts(on_roll=True, involved=True, known=True, in_area=True, granted=True)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return Policy(PROJECT_ROOT / "policies")


def actor(role: str, purpose: str | None) -> PolicyActor:
    return PolicyActor(frozenset({role}), "ANY", purpose)


# (role, purpose, action, resource, the rule that must decide, or None for a denial)
TABLE = [
    ("IG_OFFICER", "AUDIT_REVIEW", "identify", NO_RELATIONSHIP, None),  # another area's child: not confirmed
    ("IG_OFFICER", "AUDIT_REVIEW", "identify", ChildFacts(in_area=True), RULE),
    ("IG_OFFICER", "AUDIT_REVIEW", "identify", ChildFacts(known=True), RULE),  # known to the agency, elsewhere
    ("IG_OFFICER", "AUDIT_REVIEW", "identify", EVERY_RELATIONSHIP, RULE),
    ("IG_OFFICER", "S47_ENQUIRY", "identify", NO_RELATIONSHIP, None),  # not reviewing access
    ("IG_OFFICER", None, "identify", NO_RELATIONSHIP, None),
    ("ADMIN", "AUDIT_REVIEW", "identify", NO_RELATIONSHIP, None),
    ("SOCIAL_WORKER", "AUDIT_REVIEW", "identify", EVERY_RELATIONSHIP, None),
    ("DSL", "EDUCATION_SAFEGUARDING", "identify", EVERY_RELATIONSHIP, None),
    # Identifying for review opens nothing else to the officer.
    ("IG_OFFICER", "AUDIT_REVIEW", "find", NO_RELATIONSHIP, None),
    ("IG_OFFICER", "AUDIT_REVIEW", "read", EVERY_RELATIONSHIP, None),
    ("IG_OFFICER", "AUDIT_REVIEW", "read_address", EVERY_RELATIONSHIP, None),
    ("IG_OFFICER", "AUDIT_REVIEW", "read", RecordFacts("FLAG", owned=True, granted=True, notified=True,
                                                       child=EVERY_RELATIONSHIP), None),
]


@pytest.mark.parametrize(("role", "purpose", "action", "resource", "rule"), TABLE,
                         ids=[f"{r[0]}-{r[1]}-{r[2]}-{i}" for i, r in enumerate(TABLE)])
def test_access_review_lookup_row(policy: Policy, role, purpose, action, resource, rule) -> None:
    decision = policy.decide(actor(role, purpose), action, resource)
    assert (decision.allowed, decision.rule) == (rule is not None, rule or "default_deny")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("purpose", PURPOSES)
def test_only_an_ig_officer_reviewing_access_identifies_a_child(policy: Policy, role: str, purpose: str) -> None:
    allowed = policy.decide(actor(role, purpose), "identify", EVERY_RELATIONSHIP).allowed
    assert allowed == (role == "IG_OFFICER" and purpose == "AUDIT_REVIEW")
