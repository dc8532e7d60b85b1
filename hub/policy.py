"""The policy engine: the only module that imports oso.

Every rule in ``policies/*.polar`` has the shape ``permit(actor, action, resource, rule_name)``; a decision
asks for the first rule that permits and names it. Nothing permitted means denied ("default_deny").
Decisions depend only on facts without ids (``hub.domain.access``), so they are memoised for the life of
the loaded policy, which keeps oso's synchronous evaluation off the hot path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from oso import Oso, Variable

from hub.domain.access import (
    AuditScope,
    ChildFacts,
    HubResource,
    NotificationFacts,
    PolicyActor,
    RecordFacts,
    RequestFacts,
    StatisticsScope,
    SystemActor,
)
from hub.domain.partnership_access import ArrangementFacts, CdopScope, ChildDeathFacts, IncidentFacts, LessonFacts

DEFAULT_DENY = "default_deny"

# The partnership's own work too (policies/partnership.polar, reviews.polar, child_death.polar).
Resource = (ChildFacts | RecordFacts | AuditScope | RequestFacts | NotificationFacts | StatisticsScope | HubResource
            | ArrangementFacts | IncidentFacts | LessonFacts | ChildDeathFacts | CdopScope)
PolicySubject = PolicyActor | SystemActor
T = TypeVar("T")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule: str
    policy_version: str


class PolicyError(RuntimeError):
    """The policy files could not be loaded."""


def policy_files(policy_dir: Path) -> list[Path]:
    files = sorted(policy_dir.glob("*.polar"))
    if not files:
        raise PolicyError(f"No policy files (*.polar) in {policy_dir}: refusing to start with no policy.")
    return files


def policy_version(files: list[Path]) -> str:
    """A hash of the policy files' names and contents: every decision records it."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class Policy:
    def __init__(self, policy_dir: Path) -> None:
        files = policy_files(policy_dir)
        self.version = policy_version(files)
        self._oso = Oso()
        for facts, name in ((PolicyActor, "Practitioner"), (ChildFacts, "Child"), (RecordFacts, "Record"),
                            (AuditScope, "AuditScope"), (RequestFacts, "InformationRequest"),
                            (NotificationFacts, "Notification"), (StatisticsScope, "Statistics"),
                            (SystemActor, "System"), (HubResource, "HubResource")):
            self._oso.register_class(facts, name=name)  # type: ignore[no-untyped-call]
        for partnership_facts, name in ((ArrangementFacts, "Arrangement"), (IncidentFacts, "Incident"),
                                        (LessonFacts, "Lesson"), (ChildDeathFacts, "ChildDeath"),
                                        (CdopScope, "CdopScope")):
            self._oso.register_class(partnership_facts, name=name)  # type: ignore[no-untyped-call]
        self._oso.load_files([str(path) for path in files])
        self.decide = lru_cache(maxsize=65_536)(self._decide)
        self.evaluations = 0
        self._derived: dict[Hashable, object] = {}

    def derive(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Memoise a value computed only from this policy's decisions (e.g. which record kinds some facts
        allow), so enumerating the policy happens once per distinct set of facts, not once per request."""
        if key not in self._derived:
            if len(self._derived) > 65_536:
                self._derived.clear()
            self._derived[key] = compute()
        return self._derived[key]  # type: ignore[return-value]

    def _decide(self, actor: PolicySubject, action: str, resource: Resource) -> Decision:
        self.evaluations += 1
        results = self._oso.query_rule(  # type: ignore[no-untyped-call]
            "permit", actor, action, resource, Variable("rule")
        )
        for result in results:
            rule = result["bindings"]["rule"]
            if not isinstance(rule, str):
                raise PolicyError(f"A permit rule for {action!r} does not name itself with a string.")
            return Decision(True, rule, self.version)
        return Decision(False, DEFAULT_DENY, self.version)
