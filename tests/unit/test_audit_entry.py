from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hub.audit.entry import GENESIS_HASH, AuditEntry, Verdict, chain_hash, entry_row


def row(**overrides) -> dict:
    entry = AuditEntry(occurred_at=datetime(2026, 11, 27, 9, 30, tzinfo=UTC), request_id="r1", action="read",
                       resource_type="record", decision=Verdict.ALLOW, fields=("summary",))
    return {**entry_row(entry), **overrides}


def test_the_hash_covers_every_column_and_the_previous_hash() -> None:
    base = chain_hash(1, GENESIS_HASH, row())
    assert chain_hash(1, GENESIS_HASH, row()) == base
    assert chain_hash(2, GENESIS_HASH, row()) != base
    assert chain_hash(1, "1" * 64, row()) != base
    for column, value in [("decision", "DENY"), ("fields", ["summary", "detail"]), ("reason", "x"),
                          ("rule", "other"), ("child_id", "c")]:
        assert chain_hash(1, GENESIS_HASH, row(**{column: value})) != base, column


def test_a_moment_hashes_the_same_whatever_zone_the_database_returns() -> None:
    moment = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
    as_naive_utc = moment.replace(tzinfo=None)  # SQLite
    as_other_zone = moment.astimezone(timezone(timedelta(hours=1)))  # PostgreSQL with another TimeZone
    hashes = {chain_hash(1, GENESIS_HASH, row(occurred_at=m)) for m in (moment, as_naive_utc, as_other_zone)}
    assert len(hashes) == 1
