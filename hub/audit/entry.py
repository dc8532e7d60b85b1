"""An audit entry before it joins the chain, and the canonical bytes its hash covers."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

GENESIS_HASH = "0" * 64


class Verdict(StrEnum):
    ALLOW = "ALLOW"
    DENY = "DENY"


@dataclass(frozen=True)
class AuditEntry:
    """Who did what to which resource, why, and what the policy decided."""

    occurred_at: datetime
    request_id: str
    action: str
    resource_type: str
    decision: Verdict
    operation: str | None = None
    actor_practitioner_id: str | None = None
    actor_email: str | None = None
    client_id: str | None = None
    actor_agency_id: str | None = None
    resource_id: str | None = None
    child_id: str | None = None
    owner_agency_id: str | None = None
    fields: tuple[str, ...] = field(default_factory=tuple)
    purpose: str | None = None
    lawful_basis: str | None = None
    case_reference: str | None = None
    rule: str | None = None
    policy_version: str | None = None
    reason: str | None = None


def utc_text(moment: datetime) -> str:
    """One spelling of a moment, whatever the database hands back (SQLite drops the zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(seq: int, prev_hash: str, row: dict[str, Any]) -> bytes:
    """The exact bytes an event's hash covers: every stored column but the hash, in a fixed order."""
    body = {key: value for key, value in row.items() if key not in {"seq", "prev_hash", "hash"}}
    body["occurred_at"] = utc_text(body["occurred_at"])
    body["fields"] = list(body["fields"] or [])
    return json.dumps(
        {"seq": seq, "prev_hash": prev_hash, "event": body}, sort_keys=True, separators=(",", ":")
    ).encode()


def chain_hash(seq: int, prev_hash: str, row: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(seq, prev_hash, row)).hexdigest()


def entry_row(entry: AuditEntry) -> dict[str, Any]:
    row = dict(vars(entry))  # a shallow copy: asdict's deep copy is measurable on the request path
    row["decision"] = str(entry.decision)
    row["fields"] = list(entry.fields)
    return row
