"""The policy engine: the only module that imports oso.

Every rule in ``policies/*.polar`` has the shape ``permit(actor, action, resource, rule_name)``; a decision
asks for the first rule that permits and names it. Nothing permitted means denied ("default_deny").
Decisions depend only on facts without ids (``hub.domain.access``), so they are memoised for the life of
the loaded policy, which keeps oso's synchronous evaluation off the hot path.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from oso import Oso, Variable

from hub.domain.access import AuditScope, ChildFacts, PolicyActor, RecordFacts

DEFAULT_DENY = "default_deny"

Resource = ChildFacts | RecordFacts | AuditScope


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
        self._oso.register_class(PolicyActor, name="Practitioner")
        self._oso.register_class(ChildFacts, name="Child")
        self._oso.register_class(RecordFacts, name="Record")
        self._oso.register_class(AuditScope, name="AuditScope")
        self._oso.load_files([str(path) for path in files])
        self.decide = lru_cache(maxsize=65_536)(self._decide)
        self.evaluations = 0

    def _decide(self, actor: PolicyActor, action: str, resource: Resource) -> Decision:
        self.evaluations += 1
        for result in self._oso.query_rule("permit", actor, action, resource, Variable("rule")):
            rule = result["bindings"]["rule"]
            if not isinstance(rule, str):
                raise PolicyError(f"A permit rule for {action!r} does not name itself with a string.")
            return Decision(True, rule, self.version)
        return Decision(False, DEFAULT_DENY, self.version)
