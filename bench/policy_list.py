"""A MASH practitioner's worklist: 100 children's FLAG records, over a database of 100,000 children.

Compares, in the same run, the hub's policy-filtered list (the policy compiled to SQL, each row redacted and
its release audited, as ``Query.records`` does) with a bare SQL query returning the same rows. Prints the
number of policy evaluations, the time per listed row of each, and last `ratio=<hub/bare>`.

Run: `.venv/bin/python bench/policy_list.py [--children 100000]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import exists, insert, select

from hub.bootstrap import Hub, bootstrap
from hub.demo import nhs_numbers, seed
from hub.domain.record import Tier
from hub.door import Door
from hub.migrate import upgrade
from hub.services.records import RecordFilter, list_records_across_children
from hub.settings import Settings
from hub.storage import queries
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork

PAGE = 100


def populate(hub: Hub, children: int) -> None:
    """Bulk-load synthetic children with council flags, police incidents and school rolls."""
    rng = random.Random(7)
    with UnitOfWork(hub.session_factory) as uow:
        session = uow.session
        agencies = {a.official_code: a.id for a in session.scalars(select(t.Agency))}
        northbridge = session.scalar(select(t.Partnership.id).where(t.Partnership.code == "NB"))
        author = session.scalar(select(t.Practitioner.id))
        numbers = nhs_numbers()
        for _ in range(1000):
            next(numbers)  # past the demo's
        now = datetime(2026, 11, 2, tzinfo=UTC)
        child_rows, link_rows, record_rows = [], [], []
        for i in range(children):
            child_id = t.new_id()
            child_rows.append({"id": child_id, "nhs_number": next(numbers), "given_name": f"Child{i}",
                               "family_name": "Bench", "date_of_birth": date(2015, 1, 1), "sex": "female",
                               "postcode": "NB1 1AA", "partnership_id": northbridge, "created_at": now})
            link_rows.append({"id": t.new_id(), "agency_id": agencies["190001"], "child_id": child_id,
                              "local_id": f"BENCH-{i}", "kind": "ROLL", "opened_on": date(2022, 9, 1)})
            for owner, category, tier in (("E06000901", "CHILD_IN_NEED", "FLAG"),
                                          ("NB01", "DOMESTIC_ABUSE_INCIDENT", "SUMMARY")):
                if rng.random() < 0.6:
                    record_rows.append({
                        "id": t.new_id(), "record_key": t.new_id(), "version": 1, "child_id": child_id,
                        "owner_agency_id": agencies[owner], "category": category, "tier": tier,
                        "status": "ACTIVE", "summary": "Synthetic.", "detail": "Synthetic detail.",
                        "start_date": date(2026, 1, 1) + timedelta(days=rng.randrange(300)),
                        "lawful_basis": "bench", "created_by": author, "created_at": now})
        for table, rows in ((t.Child, child_rows), (t.AgencyRecordLink, link_rows), (t.RecordVersion, record_rows)):
            for start in range(0, len(rows), 5000):
                session.execute(insert(table), rows[start:start + 5000])
        uow.commit()


def hub_worklist(hub: Hub, practitioner_id: str) -> tuple[float, float, int]:
    """One worklist page, as the API serves it; returns (seconds to list and redact, seconds including the
    audit append and commit, rows)."""
    with UnitOfWork(hub.session_factory) as uow:
        actor = queries.load_actor(uow.session, practitioner_id)
        assert actor is not None
        started = time.perf_counter()
        door = Door(uow, hub.policy, hub.reference, actor, request_id="bench", purpose_code="MASH_TRIAGE",
                    case_reference="BENCH-1")
        page = list_records_across_children(door, RecordFilter(tiers=(Tier.FLAG,)), first=PAGE)
        listed = time.perf_counter() - started
        door.commit()
        return listed, time.perf_counter() - started, len(page.views)


def bare_worklist(hub: Hub, partnership_ids: frozenset[str]) -> tuple[float, int]:
    """The same rows by a hand-written query: current FLAG records of children in the area, newest first."""
    with UnitOfWork(hub.session_factory) as uow:
        started = time.perf_counter()
        # Correlated, so the planner walks the newest-first index and stops after a page (a plain join lets
        # SQLite scan the area's children and sort, which is ten times slower: a baseline must be the best
        # hand-written query, not a strawman).
        in_area = exists().where(t.Child.id == t.RecordVersion.child_id,
                                 t.Child.partnership_id.in_(partnership_ids))
        rows = uow.session.execute(
            queries.current_versions()
            .where(in_area, t.RecordVersion.tier == "FLAG", t.RecordVersion.status == "ACTIVE")
            .order_by(t.RecordVersion.start_date.desc(), t.RecordVersion.record_key).limit(PAGE)
        ).scalars().all()
        return time.perf_counter() - started, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        upgrade(url)
        hub = bootstrap(replace(Settings.from_env({}), database_url=url, key_dir=Path(directory) / "keys"))
        with UnitOfWork(hub.session_factory) as uow:
            seed(uow.session, children=0)
            uow.commit()
        loading = time.perf_counter()
        populate(hub, args.children)
        print(f"loaded {args.children:,} children in {time.perf_counter() - loading:.0f}s")
        with UnitOfWork(hub.session_factory) as uow:
            mia = queries.practitioner_by_email(uow.session, "mia.mash@council.northbridge.example")
            assert mia is not None
            actor = queries.load_actor(uow.session, mia.id)
            assert actor is not None
        mia_id = actor.practitioner_id
        before = hub.policy.evaluations
        _, cold, rows = hub_worklist(hub, mia_id)
        print(f"first request: {rows} rows in {cold * 1000:.0f} ms, {hub.policy.evaluations - before} policy "
              "evaluations (the policy enumerated once for this actor's facts)")
        before = hub.policy.evaluations
        listed, audited, bare = [], [], []
        for _ in range(args.rounds):
            list_seconds, audited_seconds, rows = hub_worklist(hub, mia_id)
            listed.append(list_seconds / rows)
            audited.append(audited_seconds / rows)
            seconds, bare_rows = bare_worklist(hub, actor.partnership_ids)
            assert bare_rows == rows == PAGE
            bare.append(seconds / bare_rows)
        print(f"later requests: {hub.policy.evaluations - before} policy evaluations in {args.rounds} requests")
        listed_row, audited_row, bare_row = (statistics.median(x) for x in (listed, audited, bare))
        print(f"per listed row: bare SQL {bare_row * 1e6:.0f} us; hub filtered by policy and redacted "
              f"{listed_row * 1e6:.0f} us (ratio {listed_row / bare_row:.2f}); with each release audited "
              f"and committed {audited_row * 1e6:.0f} us (ratio {audited_row / bare_row:.2f})")
        hub.dispose()
    # The whole path, audit included: what a practitioner waits for.
    print(f"ratio={audited_row / bare_row:.2f}")


if __name__ == "__main__":
    main()
