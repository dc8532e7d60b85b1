"""Audit entries for what the worker does. The worker is not a practitioner and no policy decides a timer:
the entry names the worker as the client, the timer's rule, and the purpose and case of what it acts on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub.audit.entry import AuditEntry, Verdict


@dataclass(frozen=True)
class WorkerIdentity:
    owner: str  # the lease owner: one per worker process

    @property
    def client_id(self) -> str:
        return f"hub-worker:{self.owner}"[:100]


def entry(worker: WorkerIdentity, job_id: str, now: datetime, *, action: str, resource_type: str,
          resource_id: str, rule: str, reason: str, child_id: str | None = None,
          owner_agency_id: str | None = None, purpose: str | None = None, lawful_basis: str | None = None,
          case_reference: str | None = None, verdict: Verdict = Verdict.ALLOW) -> AuditEntry:
    return AuditEntry(occurred_at=now, request_id=f"job-{job_id}", operation="worker", client_id=worker.client_id,
                      action=action, resource_type=resource_type, resource_id=resource_id, child_id=child_id,
                      owner_agency_id=owner_agency_id, purpose=purpose, lawful_basis=lawful_basis,
                      case_reference=case_reference, decision=verdict, rule=rule, reason=reason[:500])
