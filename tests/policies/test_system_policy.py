"""The hub's own actions (policies/system.polar) against the real policy: the worker and an operator each
have their own rules, and neither reaches the other's, nor a practitioner's."""

from __future__ import annotations

import pytest

from hub.domain.access import HubResource, PolicyActor, SystemActor
from hub.policy import Policy
from hub.settings import PROJECT_ROOT

WORKER, OPERATOR = SystemActor("worker"), SystemActor("operator")
MASH_LEAD = PolicyActor(frozenset({"MASH_LEAD"}), "ANY", "MASH_TRIAGE")
ADMIN = PolicyActor(frozenset({"ADMIN"}), "ANY", None)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return Policy(PROJECT_ROOT / "policies")


# (actor, action, resource, the rule that must decide, or None for a denial)
TABLE = [
    # The dead-letter list names agencies' systems and what was sent to them: an operator's read, decided.
    (OPERATOR, "list_dead_letters", HubResource("job"), "operator_lists_dead_letters"),
    (WORKER, "list_dead_letters", HubResource("job"), None),
    (OPERATOR, "list_dead_letters", HubResource("webhook_endpoint"), None),
    (MASH_LEAD, "list_dead_letters", HubResource("job"), None),
    (ADMIN, "list_dead_letters", HubResource("job"), None),
    (OPERATOR, "replay_delivery", HubResource("job"), "operator_replays_dead_letters"),
    (WORKER, "replay_delivery", HubResource("job"), None),
    (OPERATOR, "list_webhook_endpoints", HubResource("webhook_endpoint"), "operator_lists_agency_endpoints"),
    (WORKER, "list_webhook_endpoints", HubResource("webhook_endpoint"), None),
    (OPERATOR, "export", HubResource("audit_events"), "operator_exports_audit_ledger"),
    (WORKER, "export", HubResource("audit_events"), None),
    (OPERATOR, "export", HubResource("job"), None),
    (OPERATOR, "read", HubResource("quarantine_item"), "operator_reads_quarantined_item"),
    (WORKER, "read", HubResource("quarantine_item"), None),
]


@pytest.mark.parametrize(("actor", "action", "resource", "rule"), TABLE,
                         ids=[f"{i}-{r[1]}" for i, r in enumerate(TABLE)])
def test_system_policy_row(policy: Policy, actor, action, resource, rule) -> None:
    decision = policy.decide(actor, action, resource)
    assert (decision.allowed, decision.rule) == (rule is not None, rule or "default_deny")
