"""`hub audit export` and offline verification: the export file and the public key, nothing else."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from hub.audit import note
from hub.audit.entry import EVENT_COLUMNS
from hub.cli import app
from tests.integration.conftest import Storage


def run(storage: Storage | None, *args: str) -> tuple[int, str]:
    """The CLI; offline runs get an environment pointing at no database and no key directory."""
    env = storage.env() if storage else {"HUB_DATABASE_URL": "sqlite:////nonexistent/none.sqlite3",
                                         "HUB_KEY_DIR": "/nonexistent/keys"}
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.output


def exported(storage: Storage, tmp_path: Path, *filters: str) -> tuple[Path, Path]:
    """An export and the public keys, written as an operator would."""
    out, keys = tmp_path / "audit.jsonl", tmp_path / "keys.pem"
    code, output = run(storage, "audit", "export", "--output", str(out), *filters)
    assert code == 0, output
    assert run(storage, "keys", "public", "--output", str(keys))[0] == 0
    return out, keys


def lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def named(item: dict[str, Any]) -> dict[str, Any]:
    """An event line's values by column name, as the header names them."""
    return dict(zip(EVENT_COLUMNS, item["event"], strict=True))


def write(path: Path, items: list[dict[str, Any]]) -> None:
    path.write_bytes(b"".join(orjson.dumps(item) + b"\n" for item in items))


def verify_offline(export: Path, keys: Path) -> tuple[int, str]:
    return run(None, "audit", "verify", "--export", str(export), "--public-key", str(keys))


def test_an_unfiltered_export_verifies_offline_with_the_public_key_alone(storage: Storage,
                                                                         tmp_path: Path) -> None:
    storage.append(23)
    export, keys = exported(storage, tmp_path)
    items = lines(export)
    assert items[0]["type"] == "header" and items[0]["through_seq"] == 24  # 23 events and the export's own
    events = [item for item in items if item["type"] == "event"]
    assert [e["seq"] for e in events] == list(range(1, 25)) and named(events[-1])["action"] == "export"
    # The export is the operator's action, decided by policies/system.polar like any other.
    own = named(events[-1])
    assert (own["decision"], own["rule"]) == ("ALLOW", "operator_exports_audit_ledger") and own["policy_version"]
    assert own["client_id"].startswith("hub-operator:")
    assert items[0]["event_columns"] == list(EVENT_COLUMNS)
    assert {item["type"] for item in items} == {"header", "checkpoint", "event"}
    code, output = verify_offline(export, keys)
    assert code == 0 and "intact: 24 events" in output and "newest at size 24" in output


def test_an_export_filtered_to_one_child_proves_its_events_without_showing_the_others(
        storage: Storage, tmp_path: Path) -> None:
    storage.append(12, child_id="child-a")
    storage.append(3, per_transaction=1, child_id="child-b")
    storage.append(12, child_id="child-a")
    export, keys = exported(storage, tmp_path, "--child", "child-b")
    items = lines(export)
    events = [item for item in items if item["type"] == "event"]
    assert [named(e)["child_id"] for e in events] == ["child-b"] * 4  # and the export itself
    assert b"child-a" not in export.read_bytes()  # the others are digests only
    code, output = verify_offline(export, keys)
    assert code == 0 and "intact: 4 events and" in output and "omitted as digests" in output


def test_tampering_with_an_export_file_is_detected(storage: Storage, tmp_path: Path) -> None:
    storage.append(20)
    export, keys = exported(storage, tmp_path)
    items = lines(export)
    first_event = next(i for i, item in enumerate(items) if item["type"] == "event")

    def tampered(change) -> tuple[int, str]:  # type: ignore[no-untyped-def]
        copy = [dict(item) for item in items]
        change(copy)
        path = tmp_path / "tampered.jsonl"
        write(path, copy)
        return verify_offline(path, keys)

    def edit(copy: list[dict[str, Any]]) -> None:
        copy[first_event + 6]["event"] = [*copy[first_event + 6]["event"][:-2], "nothing to see", ["summary"]]

    def delete(copy: list[dict[str, Any]]) -> None:
        del copy[first_event + 6]

    def swap(copy: list[dict[str, Any]]) -> None:
        copy[first_event + 6], copy[first_event + 7] = copy[first_event + 7], copy[first_event + 6]

    def forge_checkpoint(copy: list[dict[str, Any]]) -> None:
        checkpoint = next(item for item in copy if item["type"] == "checkpoint" and item["size"] == 10)
        checkpoint["note"] = note.sign(note.Checkpoint(str(copy[0]["origin"]), 10, "ab" * 32),
                                       Ed25519PrivateKey.generate())

    def add_a_key(copy: list[dict[str, Any]]) -> None:
        copy[first_event + 6]["note"] = "an extra field a reader would see"

    for change, first_bad in [(edit, 7), (delete, 7), (swap, 7), (forge_checkpoint, 10), (add_a_key, 7)]:
        code, output = tampered(change)
        assert code == 1 and f"first bad sequence number {first_bad}\n" in output, (change.__name__, output)


def test_offline_verification_needs_the_public_key(storage: Storage, tmp_path: Path) -> None:
    storage.append(3)
    export, _ = exported(storage, tmp_path)
    assert run(None, "audit", "verify", "--export", str(export))[0] != 0
    stranger = tmp_path / "stranger.pem"
    from cryptography.hazmat.primitives import serialization
    stranger.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    code, output = verify_offline(export, stranger)
    assert code == 1 and "no trusted key" in output


def test_csv_export_for_reading(storage: Storage, tmp_path: Path) -> None:
    storage.append(6)
    out = tmp_path / "audit.csv"
    code, output = run(storage, "audit", "export", "--format", "csv", "--output", str(out), "--practitioner",
                       "nobody@example")
    assert code == 0 and "exported 0 events" in output
    code, _ = run(storage, "audit", "export", "--format", "csv", "--output", str(out))
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert code == 0 and [int(r["seq"]) for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["fields"] == "summary" and len(rows[0]["hash"]) == 64


def test_exporting_a_tampered_ledger_warns_and_fails(storage: Storage, tmp_path: Path) -> None:
    """The file is still written (an IG officer may need it), but the operator is told the ledger is broken."""
    from sqlalchemy import update

    from hub.storage.tables import AuditEvent
    from tests.integration.test_audit_tamper import as_attacker

    storage.append(12)
    with as_attacker(storage) as db:
        db.execute(update(AuditEvent).where(AuditEvent.seq == 4).values(reason="nothing happened"))
        db.commit()
    out = tmp_path / "audit.jsonl"
    code, output = run(storage, "audit", "export", "--output", str(out))
    assert code == 1 and out.exists(), output
    assert "the ledger does not verify" in output and "first bad sequence number 4" in output, output
