"""The audit chain's canonical bytes (format hub-audit/1)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

from hub.audit.entry import (
    EVENT_COLUMNS,
    FORMAT,
    GENESIS_HASH,
    AuditEntry,
    Verdict,
    chain_hash,
    entry_row,
    event_bytes,
    event_values,
)


def entry(**overrides: object) -> AuditEntry:
    values: dict[str, object] = dict(
        occurred_at=datetime(2026, 11, 2, 9, 30, 0, 123456, tzinfo=UTC), request_id="req-1", action="read",
        resource_type="record", decision=Verdict.ALLOW, fields=("summary", "detail"), reason="a reason",
    )
    values.update(overrides)
    return AuditEntry(**values)  # type: ignore[arg-type]


def test_event_bytes_are_the_standard_librarys_compact_json_array() -> None:
    awkward = "Zoë \"quoted\" \\ back\nslash \t tab \x01 control \u2028 emoji \U0001f600"
    values = event_values(entry_row(entry(reason=awkward, operation="query Q")))
    expected = json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode()
    assert event_bytes(values) == expected
    assert len(values) == len(EVENT_COLUMNS) and values[0] == "2026-11-02T09:30:00.123456Z"
    assert values[-1] == ["summary", "detail"]


def test_the_hash_follows_the_documented_formula() -> None:
    row = entry_row(entry())
    digest = hashlib.sha256(event_bytes(event_values(row))).hexdigest()
    expected = hashlib.sha256(f"{FORMAT} 7 {GENESIS_HASH} {digest}".encode()).hexdigest()
    assert chain_hash(7, GENESIS_HASH, row) == expected


def test_every_column_and_the_position_change_the_hash() -> None:
    base = entry_row(entry())
    reference = chain_hash(5, GENESIS_HASH, base)
    assert chain_hash(6, GENESIS_HASH, base) != reference
    assert chain_hash(5, "1" * 64, base) != reference
    for name in EVENT_COLUMNS:
        changed = dict(base)
        if name == "occurred_at":
            changed[name] = base[name] + timedelta(microseconds=1)
        elif name == "fields":
            changed[name] = ["summary"]
        else:
            changed[name] = (base[name] or "") + "x"
        assert chain_hash(5, GENESIS_HASH, changed) != reference, name
    # A missing value and an empty one are different events.
    assert chain_hash(5, GENESIS_HASH, {**base, "operation": ""}) != chain_hash(5, GENESIS_HASH, base)


def test_rows_are_stored_in_utc_with_text_every_backend_keeps() -> None:
    local = datetime(2026, 11, 2, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    row = entry_row(entry(occurred_at=local, case_reference="CASE\x00-1", reason="lone \ud800 surrogate"))
    assert row["occurred_at"] == datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    assert row["case_reference"] == "CASE\ufffd-1"
    row["reason"].encode()  # encodable, so hashable and storable
    assert row["decision"] == "ALLOW" and type(row["decision"]) is str
