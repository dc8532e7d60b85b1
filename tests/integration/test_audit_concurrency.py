"""Several OS processes append to one chain at once, through the real ledger: the chain stays gapless and
valid, with its checkpoints. SQLite serialises writers with BEGIN IMMEDIATE, PostgreSQL with an advisory
lock."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from itertools import pairwise

from sqlalchemy import func, select

from hub.settings import Settings
from hub.storage.tables import AuditCheckpoint, AuditEvent
from tests.integration.conftest import Storage
from tests.integration.test_audit_tamper import verify

PROCESSES = 4
TRANSACTIONS = 15
PER_TRANSACTION = 3


def _writer(settings: Settings, child_id: str) -> None:
    storage = Storage(settings)
    try:
        storage.append(TRANSACTIONS * PER_TRANSACTION, PER_TRANSACTION, child_id=child_id)
    finally:
        storage.engine.dispose()


def test_concurrent_appends_from_several_processes_keep_one_valid_chain(storage: Storage) -> None:
    settings = replace(storage.settings, checkpoint_every_events=7)
    context = multiprocessing.get_context("spawn")  # fresh interpreters: no inherited connections
    workers = [context.Process(target=_writer, args=(settings, f"child-{n}")) for n in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
        assert worker.exitcode == 0
    total = PROCESSES * TRANSACTIONS * PER_TRANSACTION
    with storage.engine.connect() as connection:
        seqs = list(connection.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
        per_child = dict(connection.execute(
            select(AuditEvent.child_id, func.count()).group_by(AuditEvent.child_id)).all())
        sizes = list(connection.scalars(select(AuditCheckpoint.size).order_by(AuditCheckpoint.size)))
    assert seqs == list(range(1, total + 1))
    assert per_child == {f"child-{n}": TRANSACTIONS * PER_TRANSACTION for n in range(PROCESSES)}
    # One checkpoint once 7 events have followed the last, at the end of the batch that reached 7.
    assert sizes[0] == PER_TRANSACTION
    assert all(7 <= b - a < 7 + PER_TRANSACTION for a, b in pairwise(sizes))
    storage.settings = settings  # verify with the signing interval the writers used
    code, output = verify(storage)
    assert code == 0 and f"intact: {total} events" in output
