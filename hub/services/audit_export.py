"""Exporting an agency's audit events for a date range, for an IG officer (CSV or JSON Lines).

The export is an access like any other: decided by the audit policy (AUDIT_REVIEW, own agency), and recorded
on the ledger as ``export`` with its range and size. The file is produced in the same transaction, and the
caller hands it over only after the audit entry is committed.

Interim: this writes the events as IG officers see them. When issue 4's verifiable export (``hub.audit.export``:
signed checkpoints and digests of the omitted events, checkable offline with ``hub audit verify``) is on main,
the portal switches to it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from hub.domain.access import AuditScope
from hub.domain.audit import AuditEventView, AuditFilter
from hub.door import Door, Subject
from hub.errors import ForbiddenError, ValidationError
from hub.storage import audit_queries as q

Format = Literal["csv", "jsonl"]
MAX_EVENTS = 100_000  # a bigger export is an operator's job: `hub audit export`
CHUNK = 1_000
COLUMNS = ("seq", "occurred_at", "request_id", "operation", "actor_email", "client_id", "actor_agency_name",
           "action", "resource_type", "resource_id", "child_id", "owner_agency_name", "fields", "purpose",
           "lawful_basis", "case_reference", "decision", "rule", "policy_version", "reason", "hash")


@dataclass(frozen=True)
class ExportFile:
    filename: str
    media_type: str
    body: bytes
    events: int


def export_events(door: Door, since: datetime, until: datetime, file_format: Format) -> ExportFile:
    subject = Subject("audit_events")
    door.access(subject, "export")
    decision = door.decide("read", AuditScope("events", own_agency=True), subject, audit=False)
    if not decision.allowed:
        door.record(subject, "export", decision)
        raise ForbiddenError("Audit exports are for information-governance officers reviewing their own "
                             "agency's accesses.", "Declare the purpose AUDIT_REVIEW.")
    if until <= since:
        door.refuse(subject, "export", "empty date range")
        raise ValidationError("The end of the range must be after its start.", field="to")
    conditions = [q.involving(door.actor.agency_id), *q.matching(AuditFilter(since=since, until=until))]
    events: list[AuditEventView] = []
    after = None
    while True:
        chunk, _, more = q.page(door.session, conditions, first=CHUNK, after_seq=after, newest_first=False)
        events.extend(chunk)
        if len(events) > MAX_EVENTS:
            door.refuse(subject, "export", f"more than {MAX_EVENTS} events")
            raise ValidationError(f"The range holds more than {MAX_EVENTS} events: choose a shorter one.",
                                  field="from")
        if not more or not chunk:
            break
        after = chunk[-1].seq
    door.record(subject, "export", decision, fields=("audit_metadata",),
                reason=f"{file_format} of {len(events)} events from {since.isoformat()} to {until.isoformat()}")
    name = f"audit-{since:%Y%m%d}-{until:%Y%m%d}.{file_format}"
    if file_format == "csv":
        return ExportFile(name, "text/csv; charset=utf-8", _csv(events), len(events))
    return ExportFile(name, "application/x-ndjson", _jsonl(events), len(events))


def _values(event: AuditEventView) -> dict[str, object]:
    values = {column: getattr(event, column) for column in COLUMNS}
    values["occurred_at"] = event.occurred_at.isoformat()
    values["fields"] = list(event.fields)
    return values


def _csv(events: list[AuditEventView]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for event in events:
        values = _values(event)
        values["fields"] = ",".join(event.fields)
        writer.writerow([_cell(values[column]) for column in COLUMNS])
    return out.getvalue().encode()


def _cell(value: object) -> object:
    """Spreadsheets run cells that start with = + - @ as formulas: quote them (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _jsonl(events: list[AuditEventView]) -> bytes:
    return b"".join(json.dumps(_values(event), sort_keys=True).encode() + b"\n" for event in events)
