"""`make soak` at CI size: two `hub serve` replicas on PostgreSQL, one killed with SIGKILL under load;
every request that returned data has its audit events, and the chain verifies whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bench.soak import soak
from hub.audit.coverage import Coverage


def test_killing_a_replica_under_load_loses_nothing_and_leaves_nothing_unaudited(
        database_url: str, key_dir: Path, tmp_path: Path) -> None:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("replicas share a PostgreSQL database")
    # The session's shared database also holds events stamped by tests' moved clocks: hold the chain to
    # its signing interval in events only (the tamper tests check the time rule on databases of their own).
    outcome = soak(database_url, key_dir, tmp_path, requests=120, seconds=30, concurrency=4,
                   coverage=Coverage(every_seconds=10**9))
    print(outcome.report())
    assert outcome.killed_at, "the replica was never killed"
    assert len(outcome.answered) > outcome.killed_at, "the surviving replica stopped answering"
    assert not outcome.unaudited, outcome.unaudited[:5]
    assert outcome.chain.startswith("intact"), outcome.chain
