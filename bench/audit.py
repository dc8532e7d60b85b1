"""The audit ledger's cost, against baselines measured in the same run.

1. Durable appends: requests that each commit a batch of events, as the door writes them (lock, chain head,
   hashes, insert, checkpoint when due, commit), against bare inserts of the same rows into a copy of the
   table with no lock, no head and no hashing. SQLite, and PostgreSQL when a server answers.
2. Verification: ``verify_database`` over 1,000,000 events in a temporary SQLite file, and
   ``verify_export`` over an export of them, in events per second.

Run: .venv/bin/python bench/audit.py [--events N] [--requests N]. The last line is
``ratio=<hashed appends / bare inserts>`` (the lower of the two databases).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import MetaData, insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hub.audit import ledger
from hub.audit.checkpoint import Checkpointer
from hub.audit.entry import GENESIS_HASH, AuditEntry, Verdict, entry_row, event_digest, event_values, link_hash
from hub.audit.export import ExportFilter, write_export
from hub.audit.verify import verify_database, verify_export
from hub.bootstrap import open_storage
from hub.migrate import upgrade
from hub.settings import Settings
from hub.storage.tables import AuditEvent
from hub.storage.unit_of_work import UnitOfWork
from tests.databases import fresh_postgres_database, postgres_server_url

BATCH = 8  # events per request: a child read with a page of records
ROUNDS = 5


def entries(n: int, start: int = 0) -> list[AuditEntry]:
    now = datetime.now(UTC)
    return [AuditEntry(
        occurred_at=now, request_id=f"bench-{start}", operation="query ChildRecords", action="read",
        resource_type="record", resource_id=f"record-{start + i}", child_id=f"child-{(start + i) % 977}",
        owner_agency_id="agency-council", actor_practitioner_id="practitioner-1",
        actor_email="sam.social@council.northbridge.example", actor_agency_id="agency-council",
        decision=Verdict.ALLOW, fields=("category", "status", "start_date", "summary"), purpose="S47_ENQUIRY",
        lawful_basis="UK GDPR Art 6(1)(e) public task; DPA 2018 Sch 1 para 18", case_reference="CASE-0001",
        rule="owner_reads_own_records", policy_version="0123456789abcdef") for i in range(n)]


def databases(directory: Path) -> Iterator[tuple[str, str]]:
    """SQLite, then PostgreSQL in a database of its own (dropped when the caller has moved on)."""
    yield "SQLite", f"sqlite:///{directory / 'appends.sqlite3'}"
    server = postgres_server_url()
    if server is None:
        print("PostgreSQL: no server answers; skipped")
        return
    with fresh_postgres_database(server) as url:
        yield "PostgreSQL", url


def appends(name: str, url: str, key_dir: Path, requests: int) -> float:
    """Hashed appends per second over bare inserts per second, interleaved in rounds to share the noise."""
    upgrade(url)
    settings = replace(Settings.from_env({}), database_url=url, key_dir=key_dir)
    engine, factory, _ = open_storage(settings)
    bare = AuditEvent.__table__.to_metadata(MetaData(), name="bench_bare_events")
    for index in bare.indexes:  # the same indexes as the ledger's table, under names of their own
        index.name = f"bench_{index.name}"
    bare.create(engine)
    bare_seq = 0

    def hashed_request(i: int) -> None:
        with UnitOfWork(factory) as uow:
            ledger.append(uow.session, entries(BATCH, i * BATCH))
            uow.commit()

    def bare_request(i: int) -> None:
        nonlocal bare_seq
        rows = []
        for entry in entries(BATCH, i * BATCH):
            bare_seq += 1
            row = entry_row(entry)
            rows.append({**row, "seq": bare_seq, "prev_hash": GENESIS_HASH, "hash": GENESIS_HASH})
        with UnitOfWork(factory) as uow:
            uow.session.connection().execute(insert(bare), rows)  # as the ledger inserts
            uow.commit()

    timings = {"hashed": 0.0, "bare": 0.0}
    per_round = max(requests // ROUNDS, 1)
    for round_ in range(ROUNDS):
        for label, request in (("bare", bare_request), ("hashed", hashed_request)):
            started = time.perf_counter()
            for i in range(per_round):
                request(round_ * per_round + i)
            timings[label] += time.perf_counter() - started
    engine.dispose()
    events = ROUNDS * per_round * BATCH
    hashed, plain = events / timings["hashed"], events / timings["bare"]
    print(f"{name}: hashed appends {hashed:,.0f} events/s ({hashed / BATCH:,.0f} requests/s of {BATCH}); "
          f"bare inserts {plain:,.0f} events/s; ratio {hashed / plain:.2f}")
    return hashed / plain


def generate(url: str, key_dir: Path, count: int, every: int = 1000) -> Settings:
    """``count`` chained events and a checkpoint every ``every``, written straight into the table."""
    upgrade(url)
    settings = replace(Settings.from_env({}), database_url=url, key_dir=key_dir)
    engine, factory, keys = open_storage(settings)
    signer = Checkpointer(keys, settings.audit_origin, every_events=every, every_seconds=3600)
    prev, seq = GENESIS_HASH, 0
    started = datetime.now(UTC) - timedelta(seconds=count // 1000)
    template = entries(1)[0]
    with UnitOfWork(factory) as uow:
        for chunk in range(0, count, 10_000):
            rows = []
            for i in range(chunk, min(chunk + 10_000, count)):
                seq += 1
                row = entry_row(replace(template, occurred_at=started + timedelta(milliseconds=i),
                                        child_id=f"child-{i % 977}", resource_id=f"record-{i}"))
                row["seq"], row["prev_hash"] = seq, prev
                row["hash"] = prev = link_hash(seq, prev, event_digest(event_values(row)))
                rows.append(row)
                if seq % every == 0:
                    uow.session.execute(insert(AuditEvent), rows)
                    rows = []
                    signer.write(uow.session, seq, prev)
            if rows:
                uow.session.execute(insert(AuditEvent), rows)
        uow.commit()
    engine.dispose()
    return settings


def timed(label: str, count: int, work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    rate = count / (time.perf_counter() - started)
    print(f"{label}: {rate:,.0f} events/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events to verify")
    parser.add_argument("--requests", type=int, default=2_000, help="requests per append measurement")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        ratios = [appends(name, url, directory / "keys", options.requests)
                  for name, url in databases(directory)]

        url = f"sqlite:///{directory / 'verify.sqlite3'}"
        started = time.perf_counter()
        settings = generate(url, directory / "keys", options.events)
        print(f"generated {options.events:,} chained events in {time.perf_counter() - started:.1f}s")
        engine, _, keys = open_storage(settings)
        trusted = list(keys.public_keys().values())

        def database() -> None:
            report = verify_database(engine, trusted, settings.audit_origin, stale_after=timedelta(days=1))
            assert report.intact and report.events == options.events, report

        def export() -> None:
            with (directory / "audit.jsonl").open("wb") as out:
                write_export(engine, out, "jsonl", ExportFilter(), origin=settings.audit_origin,
                             through=options.events)

        def exported() -> None:
            report = verify_export(directory / "audit.jsonl", trusted)
            assert report.intact and report.events == options.events, report

        from_db = timed("verify (SQLite database)", options.events, database)
        timed("export (JSON Lines)", options.events, export)
        from_file = timed("verify (export file, offline)", options.events, exported)
        engine.dispose()
    print(f"verify: {min(from_db, from_file):,.0f} events/s (target >= 200,000)")
    print(f"appends: hashed / bare = {min(ratios):.2f} (target >= 0.70)")
    print(f"ratio={min(ratios):.2f}")


if __name__ == "__main__":
    main()
