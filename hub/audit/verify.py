"""``hub audit verify``: the chain and its signed checkpoints, from the live database or from an export file
and the public keys alone (offline: no database, no key directory)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from itertools import chain
from pathlib import Path

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine

from hub.audit import note, rows
from hub.audit.chain import ChainWalk, Report
from hub.audit.entry import GENESIS_HASH
from hub.audit.export_format import EVENT_KEYS, EXPORT_FORMAT, ExportFormatError


def verify_database(engine: Engine, trusted: Iterable[Ed25519PublicKey], origin: str, *,
                    stale_after: timedelta, now: datetime | None = None) -> Report:
    report = Report()
    with rows.snapshot(engine) as connection:
        stored = rows.checkpoints(connection)
        roots = trusted_roots(report, [(size, text) for size, text, _ in stored], trusted, origin)
        for size, _, root in stored:  # the column must say what the signed note says
            if size in roots and roots[size] != root:
                report.fail(size, f"checkpoint at size {size}: its root_hash column differs from its note")

        def exact_digest(seq: int) -> str:
            values = rows.event_values(connection, seq)
            return hashlib.sha256(orjson.dumps(values)).hexdigest() if values is not None else ""

        walk = ChainWalk(report, roots, recheck=exact_digest)
        sha256, dumps, step = hashlib.sha256, orjson.dumps, walk.event
        if connection.dialect.name == "sqlite":
            for batch in rows.sqlite_event_bytes(connection):
                if not walk.run(batch):
                    break
        else:
            with closing(rows.events(connection)) as stream:
                for (seq, prev, stored_hash, values), _ in stream:
                    if not step(seq, prev, stored_hash, sha256(dumps(values)).hexdigest()):
                        break
        walk.finish()
        covered = rows.event_values(connection, walk.last_good_root) if walk.last_good_root else None
    warn_if_stale(report, str(covered[0]) if covered else None, stale_after, now or datetime.now(UTC))
    return report


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
    if report.intact and report.newest_checkpoint is not None and report.last_seq > report.newest_checkpoint:
        report.warnings.append(f"{report.last_seq - report.newest_checkpoint} exported event(s) after the "
                               f"newest checkpoint (size {report.newest_checkpoint}) have no signature")
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
    """A deleted tail after the newest checkpoint leaves no gap: say how much the signatures leave open.
    ``covered_at`` is when the newest checkpointed event happened (the chain vouches for it)."""
    if not report.intact:
        return
    if report.newest_checkpoint is None:
        if report.last_seq:
            report.warnings.append("no signed checkpoint yet: nothing proves the log was not rewritten whole "
                                   "or cut short")
        return
    if report.last_seq > report.newest_checkpoint:
        report.warnings.append(f"{report.last_seq - report.newest_checkpoint} event(s) after the newest "
                               f"checkpoint (size {report.newest_checkpoint}) are not yet signed")
    if covered_at is not None:
        covered = datetime.strptime(covered_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
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
