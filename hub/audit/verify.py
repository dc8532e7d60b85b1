"""``hub audit verify``: the chain and its signed checkpoints, from the live database or from an export file
and the public keys alone (offline: no database, no key directory)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from itertools import chain
from pathlib import Path

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, Engine

from hub.audit import note, rows, witness
from hub.audit.chain import ChainWalk, Report
from hub.audit.coverage import STAMP, Coverage
from hub.audit.coverage import check as coverage_check
from hub.audit.entry import GENESIS_HASH
from hub.audit.export_format import EVENT_KEYS, EXPORT_FORMAT, ExportFormatError


def verify_database(engine: Engine, trusted: Iterable[Ed25519PublicKey], origin: str, *,
                    stale_after: timedelta, now: datetime | None = None,
                    coverage: Coverage | None = None, vouched: Iterable[tuple[str, str]] = ()) -> Report:
    """The whole chain, its checkpoints, and what they must cover (``hub.audit.coverage``). ``vouched``:
    (where, note) of checkpoints kept outside the database; the log must hold them. Raises
    ``TrustedCheckpointError`` when one of those cannot vouch (unsigned, another log)."""
    keys = list(trusted)
    witnessed = witness.vouched_roots(vouched, keys, origin)
    report = Report()
    with rows.snapshot(engine) as connection:
        stored = rows.checkpoints(connection)
        roots = trusted_roots(report, [(size, text) for size, text, _ in stored], keys, origin)
        for size, _, root in stored:  # the column must say what the signed note says
            if size in roots and roots[size] != root:
                report.fail(size, f"checkpoint at size {size}: its root_hash column differs from its note")
        for size, root in witnessed.items():
            if roots.setdefault(size, root) != root:
                report.fail(size, f"the checkpoint at size {size} differs from the one kept outside the "
                            "database: the log was rewritten")
        report.newest_checkpoint = max(roots, default=None)

        def exact_digest(seq: int) -> str:
            values = rows.event_values(connection, seq)
            return hashlib.sha256(orjson.dumps(values)).hexdigest() if values is not None else ""

        walk = ChainWalk(report, roots, recheck=exact_digest)
        if connection.dialect.name != "sqlite" or not _walk_sqlite_fast(walk, connection):
            _walk_rows(walk, connection, after=walk.expected - 1)
        walk.finish()
        covered = _time_of(connection, report, walk.last_good_root)
        coverage_check(report, coverage or Coverage(), covered, _time_of(connection, report, report.last_seq))
    warn_if_stale(report, covered, stale_after, now or datetime.now(UTC))
    return report


def _walk_sqlite_fast(walk: ChainWalk, connection: Connection) -> bool:
    """SQLite writes the event bytes (``rows.sqlite_event_bytes``); False when it cannot (a value no event
    can hold, such as a BLOB), and the walk goes on row by row from where it got to."""
    try:
        for batch in rows.sqlite_event_bytes(connection):
            if not walk.run(batch):
                break
    except sqlite3.Error:
        return False
    return True


def _walk_rows(walk: ChainWalk, connection: Connection, *, after: int) -> None:
    """Row by row, hashing the bytes Python makes; a row no event could be is a verdict, not a traceback."""
    sha256, dumps, step = hashlib.sha256, orjson.dumps, walk.event
    with closing(rows.events(connection, after=after)) as stream:
        for (seq, prev, stored_hash, values), _ in stream:
            try:
                if not step(seq, prev, stored_hash, sha256(dumps(values)).hexdigest()):
                    return
            except (TypeError, ValueError) as error:
                walk.report.fail(walk.expected, f"event {walk.expected} is malformed: a stored value is not "
                                 f"one an event can hold ({type(error).__name__}): it was altered")
                walk.stopped = True
                return


def _time_of(connection: Connection, report: Report, seq: int) -> str | None:
    """When event ``seq`` happened, as the chain vouches for it (only read when the walk passed it)."""
    if not seq or not report.intact:
        return None
    values = rows.event_values(connection, seq)
    return values[0] if values is not None and isinstance(values[0], str) else None


def verify_export(path: Path, trusted: Iterable[Ed25519PublicKey], *, origin: str | None = None) -> Report:
    """Verify a JSON Lines export. Its own header names its origin unless ``origin`` insists on one."""
    report = Report()
    with path.open("rb") as lines:
        header = _json(next(lines, b"{}"), 1)
        if header.get("type") != "header" or header.get("format") != EXPORT_FORMAT:
            raise ExportFormatError(f"{path} is not a hub audit export ({EXPORT_FORMAT}, JSON Lines).")
        origin = origin or str(header.get("origin", ""))
        anchor = int(header.get("after_seq", 0))  # type: ignore[call-overload]
        notes: list[tuple[int, str]] = []
        pending: list[bytes] = []
        for line in lines:  # the checkpoints come first, then the events
            item = _json(line, len(notes) + 2)
            if item.get("type") != "checkpoint":
                pending.append(line)
                break
            notes.append((int(item["size"]), str(item["note"])))  # type: ignore[call-overload]
        roots = trusted_roots(report, notes, trusted, origin)
        after_hash = GENESIS_HASH if anchor == 0 else roots.get(anchor)
        if after_hash is None:
            report.fail(anchor + 1, f"the export starts after event {anchor}, where no checkpoint verified")
            return report
        walk = ChainWalk(report, roots, after_seq=anchor, after_hash=after_hash)
        _walk_lines(walk, chain(pending, lines), first_line=len(notes) + 2)
    walk.finish()
    if report.intact and report.last_seq > (report.newest_checkpoint or 0):
        # An export is signed through its last event when it is made: an unsigned event was added after.
        report.fail((report.newest_checkpoint or 0) + 1, f"exported events {(report.newest_checkpoint or 0) + 1}"
                    f"..{report.last_seq} are covered by no signed checkpoint in the file")
    return report


def _walk_lines(walk: ChainWalk, lines: Iterable[bytes], first_line: int) -> None:
    """Event lines go to the walk in runs; a line costs one parse, one serialisation and two SHA-256s."""
    dumps, loads = orjson.dumps, orjson.loads
    run: list[tuple[int, str, str, bytes]] = []
    line_no = first_line
    append = run.append
    try:
        for line_no, line in enumerate(lines, start=first_line):  # noqa: B007 - names a bad line
            item = loads(line)
            kind = item["type"]
            if kind == "event" and len(item) == EVENT_KEYS:  # no key beside what the hash covers
                # Whatever "event" holds is re-serialised and hashed: what a reader sees is what is checked.
                append((item["seq"], item["prev_hash"], item["hash"], dumps(item["event"])))
                if len(run) < 4096:
                    continue
            elif kind != "omitted":
                raise ValueError(kind)
            if not walk.run(run):
                return
            run.clear()
            if kind == "omitted":
                seq, digests = item["first_seq"], item["digests"]
                for offset in range(0, len(digests), 64):
                    if not walk.event(seq, None, None, digests[offset:offset + 64]):
                        return
                    seq += 1
        walk.run(run)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        if not walk.stopped and walk.run(run):  # the events before the bad line, then the bad line
            walk.report.fail(walk.expected, f"line {line_no} is not an event line of this export: malformed")
            walk.stopped = True


def trusted_roots(report: Report, notes: Iterable[tuple[int, str]], trusted: Iterable[Ed25519PublicKey],
                  origin: str | None) -> dict[int, str]:
    """The roots of the checkpoints that a trusted key signed for this log; forged ones fail the report."""
    keys = list(trusted)
    roots: dict[int, str] = {}
    for size, text in notes:
        try:
            checkpoint = note.open_note(text, keys)
        except note.NoteError as error:
            report.fail(size, f"checkpoint at size {size} is forged or damaged: {error}")
            continue
        if checkpoint.size != size or (origin and checkpoint.origin != origin):
            report.fail(size, f"checkpoint at size {size} signs {checkpoint.origin} at {checkpoint.size}")
            continue
        roots[size] = checkpoint.root_hash
    report.checkpoints = len(roots)
    report.newest_checkpoint = max(roots, default=None)
    return roots


def warn_if_stale(report: Report, covered_at: str | None, stale_after: timedelta, now: datetime) -> None:
    """A deleted tail after the newest checkpoint leaves no gap: say how much the signatures leave open,
    unless a checkpoint kept outside the database vouches for it. ``covered_at`` is when the newest
    checkpointed event happened (the chain vouches for it)."""
    if not report.intact or report.newest_checkpoint is None:
        return
    if covered_at is not None:
        covered = datetime.strptime(covered_at, STAMP).replace(tzinfo=UTC)
        if now - covered > stale_after:
            report.warnings.append(f"the newest checkpoint covers events up to {covered_at}, older than "
                                   f"{stale_after}: events deleted after it would leave no trace")


def _json(line: bytes, line_no: int) -> dict[str, object]:
    try:
        item = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise ExportFormatError(f"line {line_no} is not JSON") from None
    if not isinstance(item, dict):
        raise ExportFormatError(f"line {line_no} is not a JSON object")
    return item
