"""The hub acting on its own: the worker's timers and deliveries, and operators' commands.

They are not practitioners, so they do not enter through the practitioners' door: each action is decided by
``policies/system.polar`` for a ``SystemActor`` before it is taken, and recorded with the rule and the
policy version. A refused action is recorded too, and the caller does not take it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from hub.audit.entry import AuditEntry, Verdict
from hub.domain.access import SystemActor
from hub.door import Clock, Rows, Subject
from hub.policy import Decision, Policy, Resource

WORKER, OPERATOR = "worker", "operator"


@dataclass(frozen=True)
class System:
    """Which of the hub's processes acts: ``kind`` is a policy fact, ``name`` says which one (the worker's
    lease owner, the operator's login name)."""

    kind: str
    name: str

    @property
    def client_id(self) -> str:
        return f"hub-{self.kind}:{self.name}"[:100]


@dataclass(frozen=True)
class Why:
    """The purpose and case of what a system action serves (a timer acts for a request's purpose)."""

    purpose: str | None = None
    lawful_basis: str | None = None
    case_reference: str | None = None


class SystemDoor(Rows):
    """The door of the hub's own processes: rows through it (``Rows``), each action decided and recorded."""

    def __init__(self, session: Session, policy: Policy, system: System, request_id: str, operation: str | None,
                 clock: Clock) -> None:
        self._session = session
        self.policy = policy
        self.system = system
        self.request_id = request_id
        self.operation = operation
        self.clock = clock
        self.entries: list[AuditEntry] = []

    def decide(self, action: str, resource: Resource, subject: Subject, reason: str, why: Why = Why()) -> Decision:
        """Ask ``policies/system.polar`` and record the decision; take the action only when it allows."""
        decision = self.policy.decide(SystemActor(self.system.kind), action, resource)
        self.entries.append(AuditEntry(
            occurred_at=self.clock(), request_id=self.request_id[:64], operation=self.operation,
            client_id=self.system.client_id, action=action, resource_type=subject.resource_type,
            resource_id=subject.resource_id, child_id=subject.child_id, owner_agency_id=subject.owner_agency_id,
            purpose=why.purpose, lawful_basis=why.lawful_basis, case_reference=why.case_reference,
            decision=Verdict.ALLOW if decision.allowed else Verdict.DENY, rule=decision.rule,
            policy_version=decision.policy_version, reason=reason[:500],
        ))
        return decision

    def explain(self, reason: str) -> None:
        """Say what the action just decided came to (ids, counts), once it is done."""
        self.entries[-1] = replace(self.entries[-1], reason=reason[:500])
