"""The ledger as an IG officer checks it: its size and newest signed checkpoint, a verification of the whole
chain on demand, and exports of the agency's events that verify offline (``hub.audit``).

Each is an access decided by the audit policy (AUDIT_REVIEW, the officer's own agency) and recorded on the
ledger itself. The ledger's integrity is about the whole chain, but shows only sizes, hashes and signatures:
no event of another agency.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, BinaryIO, Literal, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, func, select

from hub.access.request import Gateway, open_request
from hub.audit.chain import Report
from hub.audit.coverage import Coverage
from hub.audit.export import ExportFilter, ExportResult, write_export
from hub.audit.verify import verify_database
from hub.audit.witness import published
from hub.domain.access import AuditScope
from hub.door import Door, Subject
from hub.errors import ForbiddenError, ValidationError
from hub.policy import Decision
from hub.storage.tables import AuditCheckpoint, AuditEvent

Format = Literal["jsonl", "csv"]
SPOOL_BYTES = 8 * 1024 * 1024  # exports bigger than this go to a temporary file, not memory


@dataclass(frozen=True)
class CheckpointView:
    size: int
    created_at: datetime
    key_id: str
    origin: str
    root_hash: str


@dataclass(frozen=True)
class LedgerStatus:
    events: int
    newest_checkpoint: CheckpointView | None


@dataclass(frozen=True)
class Verification:
    intact: bool
    events: int
    checkpoints: int
    newest_checkpoint: int | None
    first_bad: int | None
    problem: str | None
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class PreparedExport:
    """An export that was allowed and recorded; written once that record is committed."""

    filters: ExportFilter
    file_format: Format
    filename: str


def ledger_status(door: Door) -> LedgerStatus:
    _allow(door, "integrity", "read", "ledger integrity")
    head = door.scalar(select(func.max(AuditEvent.seq))) or 0
    row = door.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1)).first()
    newest = None if row is None else CheckpointView(row.size, row.created_at, row.key_id, row.origin,
                                                     row.root_hash)
    return LedgerStatus(int(head), newest)


def verify_ledger(door: Door, engine: Engine, trusted: Iterable[Ed25519PublicKey], origin: str,
                  stale_after: timedelta, every_events: int, every_seconds: int,
                  publish_dir: Path | None) -> Verification:
    """Walk the whole chain and check every checkpoint's signature, as `hub audit verify` does: held to the
    hub's signing interval (``every_*``: events no checkpoint covers mean checkpoints were deleted) and to the
    checkpoints published outside the database. The result is recorded with the verification."""
    decision = _allow(door, "integrity", "verify", None)
    report: Report = verify_database(engine, trusted, origin, stale_after=stale_after, now=door.now(),
                                     coverage=Coverage(every_events, every_seconds),
                                     vouched=published(publish_dir))
    outcome = (f"intact: {report.events} events, {report.checkpoints} signed checkpoints" if report.intact
               else f"TAMPERED: first bad sequence number {report.first_bad}: {report.problem}")
    door.record(Subject("audit_ledger"), "verify", decision, fields=("integrity",), reason=outcome[:500])
    return Verification(report.intact, report.events, report.checkpoints, report.newest_checkpoint,
                        report.first_bad, report.problem, tuple(report.warnings))


def prepare_export(door: Door, since: datetime, until: datetime, file_format: Format) -> PreparedExport:
    """Allow and record an export of the agency's events (as actor or owner) in [since, until)."""
    if until <= since:
        door.access(Subject("audit_events"), "export")
        door.refuse(Subject("audit_events"), "export", "empty date range")
        raise ValidationError("The end of the range must be after its start.", field="to")
    filters = ExportFilter(since=since, until=until, agency=door.actor.agency_id)
    _allow(door, "events", "export", f"{file_format}: since {since.isoformat()} until {until.isoformat()}")
    return PreparedExport(filters, file_format, f"audit-{since:%Y%m%d}-{until:%Y%m%d}.{file_format}")


def prepare_child_export(door: Door, child_id: str, file_format: Format) -> PreparedExport:
    """Allow and record an export of every event about one child that involves the agency: a subject access
    request's answer, as `hub audit export --child` writes it. The caller has identified the child."""
    subject = Subject("audit_events", child_id=child_id)
    door.access(subject, "export")
    decision = door.decide("read", AuditScope("child_history", own_agency=True), subject, audit=False)
    if not decision.allowed:
        door.record(subject, "export", decision)
        raise ForbiddenError("The audit ledger is for information-governance officers reviewing access.",
                             "Declare the purpose AUDIT_REVIEW.")
    door.record(subject, "export", decision, fields=("audit_metadata",), reason=f"{file_format}: child {child_id}")
    filters = ExportFilter(agency=door.actor.agency_id, child_id=child_id)
    return PreparedExport(filters, file_format, f"access-history-{child_id[:8]}-{door.now():%Y%m%d}.{file_format}")


def write_prepared_export(gateway: Gateway, engine: Engine, prepared: PreparedExport,
                          origin: str) -> tuple[IO[bytes], ExportResult]:
    """After the export's own audit entry is committed: sign a checkpoint over the chain including it (so
    every exported event is covered by a signature in the file), then write the file. The caller closes it."""
    with open_request(gateway, request_id=f"export-{uuid.uuid4().hex}", operation="audit export") as request:
        through = request.sign_checkpoint()  # the export was decided and recorded by the request before
        request.commit()
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the caller open
    try:
        result = write_export(engine, cast(BinaryIO, out), prepared.file_format, prepared.filters,
                              origin=origin, through=through)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, result


def _allow(door: Door, view: str, action: str, reason: str | None) -> Decision:
    """Decide one IG access to the ledger; record it (unless the caller records the outcome) or refuse."""
    subject = Subject("audit_ledger" if view == "integrity" else "audit_events")
    door.access(subject, action)
    decision = door.decide("read", AuditScope(view, own_agency=True), subject, audit=False)
    if not decision.allowed:
        door.record(subject, action, decision)
        raise ForbiddenError("The audit ledger is for information-governance officers reviewing access.",
                             "Declare the purpose AUDIT_REVIEW.")
    if reason is not None:
        door.record(subject, action, decision, fields=("audit_metadata",), reason=reason)
    return decision
