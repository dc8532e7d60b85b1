"""``hub audit export``: the events an operator asks for, with what it takes to verify them offline.

An export is itself an access (``action="export"``): it is appended to the chain first, with a checkpoint
signed over everything up to it, so every exported event is covered by a signature in the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO, Literal

import orjson
from sqlalchemy import ColumnElement, Engine, and_, func, or_, select

from hub.audit import export_format as fmt
from hub.audit import rows
from hub.domain.working_time import as_utc
from hub.storage.tables import Agency, AuditCheckpoint, AuditEvent

Format = Literal["jsonl", "csv"]


@dataclass(frozen=True)
class ExportFilter:
    since: datetime | None = None
    until: datetime | None = None
    agency: str | None = None  # an agency id or official code: events where it is actor or owner
    practitioner: str | None = None  # a practitioner id or e-mail address: events they made
    child_id: str | None = None

    def condition(self) -> ColumnElement[bool] | None:
        e = AuditEvent
        clauses: list[ColumnElement[bool]] = []
        if self.since:
            clauses.append(e.occurred_at >= as_utc(self.since))
        if self.until:
            clauses.append(e.occurred_at < as_utc(self.until))
        if self.agency:
            ids = select(Agency.id).where(or_(Agency.id == self.agency, Agency.official_code == self.agency))
            clauses.append(or_(e.actor_agency_id.in_(ids), e.owner_agency_id.in_(ids)))
        if self.practitioner:
            clauses.append(or_(e.actor_practitioner_id == self.practitioner,
                               func.lower(e.actor_email) == self.practitioner.lower()))
        if self.child_id:
            clauses.append(e.child_id == self.child_id)
        return and_(*clauses) if clauses else None

    def describe(self) -> dict[str, str]:
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(self).items() if v}


@dataclass(frozen=True)
class ExportResult:
    matched: int
    omitted: int
    after_seq: int
    through_seq: int
    checkpoints: int


def write_export(engine: Engine, out: BinaryIO, file_format: Format, filters: ExportFilter, *, origin: str,
                 through: int,
                 advance: Callable[[int], None] = lambda _: None,
                 started: Callable[[int], None] = lambda _: None) -> ExportResult:
    """Write the events up to ``through`` that match ``filters``; ``advance`` reports progress in events."""
    condition = filters.condition()
    with rows.snapshot(engine) as connection:
        after, end, matched = _span(connection, condition, through)
        notes = connection.execute(
            select(AuditCheckpoint.size, AuditCheckpoint.key_id, AuditCheckpoint.note)
            .where(AuditCheckpoint.size >= after, AuditCheckpoint.size <= end).order_by(AuditCheckpoint.size)
        ).all()
        started(end - after)
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True) \
            if file_format == "csv" else None
        writer = csv.writer(text) if text is not None else None
        if writer is not None:
            writer.writerow(fmt.CSV_COLUMNS)
        else:
            out.write(fmt.header_line(origin=origin, after_seq=after, through_seq=end,
                                      filters=filters.describe(), exported_at=_now_text(), matched=matched))
            for size, key_id, note in notes:
                out.write(fmt.checkpoint_line(size, key_id, note))
        run: list[str] = []  # digests of consecutive omitted events
        omitted, run_start, done = 0, after + 1, 0
        for (seq, prev_hash, stored_hash, values), chosen in rows.events(
                connection, after=after, through=end, matching=condition):
            done += 1
            if done % 10_000 == 0:
                advance(10_000)
            if writer is not None:
                if chosen:
                    writer.writerow(fmt.csv_row(seq, prev_hash, stored_hash, values))
                continue
            if not chosen:
                if not run:
                    run_start = seq
                run.append(hashlib.sha256(orjson.dumps(values)).hexdigest())
                omitted += 1
            if run and (chosen or len(run) == fmt.OMITTED_RUN):
                out.write(fmt.omitted_line(run_start, run))
                run = []
            if chosen:
                out.write(fmt.event_line(seq, prev_hash, stored_hash, values))
        if run:
            out.write(fmt.omitted_line(run_start, run))
        advance(done % 10_000)
        if text is not None:
            text.detach()  # the caller owns ``out``
    return ExportResult(matched, omitted, after, end, len(notes))


def _span(connection: Any, condition: ColumnElement[bool] | None, through: int) -> tuple[int, int, int]:
    """(after, end, matched): the events from after+1 to end hold every match, between two checkpoints."""
    if condition is None:
        return 0, through, through
    first, last, matched = connection.execute(
        select(func.min(AuditEvent.seq), func.max(AuditEvent.seq), func.count())
        .where(condition, AuditEvent.seq <= through)
    ).one()
    if not matched:
        return through, through, 0
    after = connection.scalar(select(func.max(AuditCheckpoint.size)).where(AuditCheckpoint.size < first)) or 0
    end = connection.scalar(select(func.min(AuditCheckpoint.size)).where(AuditCheckpoint.size >= last))
    return after, int(end if end is not None else through), int(matched)


def _now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
