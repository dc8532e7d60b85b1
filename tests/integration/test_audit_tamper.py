"""An attacker with DBA rights drops the append-only triggers and rewrites the ledger; `hub audit verify`
names the first event that is not as recorded. On SQLite and PostgreSQL, each on a database of its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, insert, select, text, update
from typer.testing import CliRunner

from hub.audit import ledger as chain
from hub.audit import note
from hub.audit.entry import GENESIS_HASH, AuditEntry, Verdict, chain_hash
from hub.cli import app
from hub.settings import Settings
from hub.storage.tables import AuditCheckpoint, AuditEvent
from hub.storage.unit_of_work import UnitOfWork
from tests.integration.conftest import Storage

EVENTS = 30  # checkpoints at 5, 10, ..., 30


def verify(storage: Storage, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit", "verify", *args], env=storage.env())
    return result.exit_code, result.output


def as_attacker(storage: Storage) -> Connection:
    """A connection that has dropped the triggers that make the ledger append-only."""
    connection = storage.engine.connect()
    connection.begin()
    if connection.dialect.name == "postgresql":
        for table in ("audit_events", "audit_checkpoints"):
            connection.execute(text(f"DROP TRIGGER {table}_append_only ON {table}"))
    else:
        for table in ("audit_events", "audit_checkpoints"):
            for change in ("update", "delete"):
                connection.execute(text(f"DROP TRIGGER {table}_no_{change}"))
    return connection


def renumber(connection: Connection, from_seq: int, by: int) -> None:
    """Shift events from ``from_seq`` on by ``by``, in two steps so the primary key never collides."""
    connection.execute(update(AuditEvent).where(AuditEvent.seq >= from_seq).values(seq=-AuditEvent.seq))
    connection.execute(update(AuditEvent).where(AuditEvent.seq < 0).values(seq=-AuditEvent.seq + by))


def stored_row(connection: Connection, seq: int) -> dict[str, object]:
    row = connection.execute(select(AuditEvent).where(AuditEvent.seq == seq)).one()
    return dict(row._mapping)


@pytest.fixture
def ledger(storage: Storage) -> Storage:
    storage.append(EVENTS)
    code, output = verify(storage)
    assert code == 0 and f"intact: {EVENTS} events, 6 signed checkpoints" in output, output
    return storage


def test_an_edited_event(ledger: Storage) -> None:
    with as_attacker(ledger) as db:
        db.execute(update(AuditEvent).where(AuditEvent.seq == 7).values(reason="nothing happened"))
        db.commit()
    assert verify(ledger)[0] == 1
    assert "first bad sequence number 7\n" in verify(ledger)[1]


def test_a_deleted_event(ledger: Storage) -> None:
    with as_attacker(ledger) as db:
        db.execute(AuditEvent.__table__.delete().where(AuditEvent.seq == 12))
        db.commit()
    code, output = verify(ledger)
    assert code == 1 and "first bad sequence number 12\n" in output and "deleted" in output


def test_an_inserted_event_with_a_valid_hash(ledger: Storage) -> None:
    with as_attacker(ledger) as db:
        before = stored_row(db, 8)
        renumber(db, 9, by=1)
        forged = {k: v for k, v in before.items() if k not in {"seq", "prev_hash", "hash"}}
        forged.update(reason="an access that never happened", request_id="forged")
        db.execute(insert(AuditEvent).values(seq=9, prev_hash=before["hash"],
                                             hash=chain_hash(9, str(before["hash"]), forged), **forged))
        db.commit()
    code, output = verify(ledger)
    assert code == 1 and "first bad sequence number 9\n" in output and "inserted" in output


def test_reordered_events(ledger: Storage) -> None:
    with as_attacker(ledger) as db:
        db.execute(update(AuditEvent).where(AuditEvent.seq == 17).values(seq=-17))
        db.execute(update(AuditEvent).where(AuditEvent.seq == 18).values(seq=17))
        db.execute(update(AuditEvent).where(AuditEvent.seq == -17).values(seq=18))
        db.commit()
    code, output = verify(ledger)
    assert code == 1 and "first bad sequence number 17\n" in output


def test_a_rewritten_and_rehashed_stretch_is_caught_by_the_signed_checkpoint(ledger: Storage) -> None:
    with as_attacker(ledger) as db:
        prev = str(stored_row(db, 6)["hash"])
        for seq in range(7, EVENTS + 1):  # the attacker knows the public algorithm, not the signing key
            row = {k: v for k, v in stored_row(db, seq).items() if k not in {"seq", "prev_hash", "hash"}}
            if seq == 7:
                row["reason"] = "rewritten"
            digest = chain_hash(seq, prev, row)
            db.execute(update(AuditEvent).where(AuditEvent.seq == seq).values(prev_hash=prev, hash=digest,
                                                                               reason=row["reason"]))
            prev = digest
        db.commit()
    code, output = verify(ledger)
    assert code == 1 and "first bad sequence number 6\n" in output and "size 10" in output


def test_a_forged_checkpoint(ledger: Storage) -> None:
    attacker_key = Ed25519PrivateKey.generate()
    with as_attacker(ledger) as db:
        root = str(stored_row(db, 15)["hash"])
        forged = note.sign(note.Checkpoint(ledger.settings.audit_origin, 15, root), attacker_key)
        db.execute(update(AuditCheckpoint).where(AuditCheckpoint.size == 15).values(note=forged))
        db.commit()
    code, output = verify(ledger)
    assert code == 1 and "first bad sequence number 15\n" in output and "forged" in output


def test_a_deleted_tail_before_the_newest_checkpoint(ledger: Storage) -> None:
    with as_attacker(ledger) as db:
        db.execute(AuditEvent.__table__.delete().where(AuditEvent.seq > 27))
        db.commit()
    code, output = verify(ledger)
    assert code == 1 and "first bad sequence number 28\n" in output


def test_a_deleted_tail_with_its_checkpoint_leaves_a_staleness_warning(ledger: Storage) -> None:
    """The limit of checkpoints: cut after the newest one, the log looks whole. Only its age can warn."""
    with as_attacker(ledger) as db:
        db.execute(AuditEvent.__table__.delete().where(AuditEvent.seq > 25))
        db.execute(AuditCheckpoint.__table__.delete().where(AuditCheckpoint.size > 25))
        db.commit()
    code, output = verify(ledger, "--stale-after", "0")  # any age is too old
    assert code == 0 and "intact: 25 events" in output and "older than" in output
    code, output = verify(ledger, "--stale-after", "100000")
    assert code == 0 and "older than" not in output


def test_unsigned_events_after_the_newest_checkpoint_are_reported(storage: Storage) -> None:
    storage.append(7)  # one checkpoint at 5
    code, output = verify(storage)
    assert code == 0 and "2 event(s) after the newest checkpoint (size 5)" in output


def test_the_hub_cannot_update_or_delete_audit_rows(ledger: Storage) -> None:
    for statement in (update(AuditEvent).where(AuditEvent.seq == 1).values(reason="x"),
                      AuditEvent.__table__.delete().where(AuditEvent.seq == 1),
                      update(AuditCheckpoint).where(AuditCheckpoint.size == 5).values(note="x")):
        with ledger.engine.connect() as connection, pytest.raises(Exception, match="append-only"):
            connection.execute(statement)
    with ledger.engine.connect() as connection:
        first = connection.execute(select(AuditEvent.prev_hash).where(AuditEvent.seq == 1)).scalar_one()
    assert first == GENESIS_HASH
    assert verify(ledger)[0] == 0


def test_awkward_text_verifies_as_written(storage: Storage) -> None:
    """SQLite writes the event bytes itself when verifying; where its JSON differs from Python's (non-ASCII
    field names are stored escaped), the verifier falls back to Python's bytes, which define the format."""
    awkward = "Zoë \"quoted\" \\ back\nslash \t tab \x01 \x7f control \u2028 emoji \U0001f600 NUL\x00"
    with UnitOfWork(storage.factory) as uow:
        chain.append(uow.session, [AuditEntry(
            occurred_at=datetime.now(UTC), request_id="awkward", action="read", resource_type="record",
            decision=Verdict.DENY, reason=awkward, case_reference="Åsa's case",
            fields=("détail", "summary"))])
        uow.commit()
    storage.append(4)
    code, output = verify(storage)
    assert code == 0 and "intact: 5 events" in output, output


def rewrite_from(db: Connection, first: int, reason: str = "rewritten") -> None:
    """Re-hash every event from ``first`` on, as an attacker who knows the public algorithm would."""
    prev = str(stored_row(db, first - 1)["hash"]) if first > 1 else GENESIS_HASH
    last = db.execute(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()
    for seq in range(first, last + 1):
        row = {k: v for k, v in stored_row(db, seq).items() if k not in {"seq", "prev_hash", "hash"}}
        if seq == first:
            row["reason"] = reason
        digest = chain_hash(seq, prev, row)
        db.execute(update(AuditEvent).where(AuditEvent.seq == seq).values(prev_hash=prev, hash=digest,
                                                                           reason=row["reason"]))
        prev = digest


def test_a_log_rewritten_whole_with_its_checkpoints_deleted_fails(ledger: Storage) -> None:
    with as_attacker(ledger) as db:
        db.execute(AuditCheckpoint.__table__.delete())
        rewrite_from(db, 1)
        db.commit()
    code, output = verify(ledger)
    assert code == 1 and "first bad sequence number 1\n" in output and "no signed checkpoint" in output, output


def test_events_past_a_deleted_checkpoint_are_a_failure_not_a_warning(ledger: Storage) -> None:
    """Checkpoints after 10 deleted, events 11..30 rewritten: 20 events where a checkpoint was due every 5."""
    with as_attacker(ledger) as db:
        db.execute(AuditCheckpoint.__table__.delete().where(AuditCheckpoint.size > 10))
        rewrite_from(db, 11)
        db.commit()
    code, output = verify(ledger)
    assert code == 1 and "first bad sequence number 11\n" in output and "checkpoint was due" in output, output


def test_a_trusted_checkpoint_kept_by_the_operator_shows_a_cut_back_log(ledger: Storage, tmp_path: Path) -> None:
    with ledger.engine.connect() as connection:
        kept = connection.execute(select(AuditCheckpoint.note).where(AuditCheckpoint.size == 30)).scalar_one()
    (tmp_path / "kept.note").write_text(kept)
    with as_attacker(ledger) as db:  # cut back to the checkpoint at 25: the log itself looks whole
        db.execute(AuditEvent.__table__.delete().where(AuditEvent.seq > 25))
        db.execute(AuditCheckpoint.__table__.delete().where(AuditCheckpoint.size > 25))
        db.commit()
    assert verify(ledger)[0] == 0
    code, output = verify(ledger, "--trusted-checkpoint", str(tmp_path / "kept.note"))
    assert code == 1 and "first bad sequence number 26\n" in output and "deleted" in output, output


def test_a_trusted_checkpoint_shows_a_rewritten_stretch(ledger: Storage, tmp_path: Path) -> None:
    with ledger.engine.connect() as connection:
        kept = connection.execute(select(AuditCheckpoint.note).where(AuditCheckpoint.size == 30)).scalar_one()
    (tmp_path / "kept.note").write_text(kept)
    with as_attacker(ledger) as db:  # the last stretch rewritten and its checkpoint dropped
        db.execute(AuditCheckpoint.__table__.delete().where(AuditCheckpoint.size > 25))
        rewrite_from(db, 27)
        db.commit()
    code, output = verify(ledger, "--trusted-checkpoint", str(tmp_path / "kept.note"))
    assert code == 1 and "first bad sequence number 26\n" in output and "size 30" in output, output


def test_a_trusted_checkpoint_signed_by_another_key_cannot_vouch(ledger: Storage, tmp_path: Path) -> None:
    forged = note.sign(note.Checkpoint(ledger.settings.audit_origin, 99, "ab" * 32), Ed25519PrivateKey.generate())
    (tmp_path / "forged.note").write_text(forged)
    code, output = verify(ledger, "--trusted-checkpoint", str(tmp_path / "forged.note"))
    assert code == 2 and "forged.note" in output and "no trusted key" in output, output


def test_checkpoints_published_outside_the_database_show_a_rollback(own_settings: Settings,
                                                                   tmp_path: Path) -> None:
    published = tmp_path / "published"
    storage = Storage(replace(own_settings, checkpoint_publish_dir=published))
    try:
        storage.append(EVENTS)
        assert "\n30\n" in (published / "checkpoint").read_text()
        env = {**storage.env(), "HUB_CHECKPOINT_PUBLISH_DIR": str(published)}
        with as_attacker(storage) as db:  # a restore of an older backup, say, or a cut tail
            db.execute(AuditEvent.__table__.delete().where(AuditEvent.seq > 20))
            db.execute(AuditCheckpoint.__table__.delete().where(AuditCheckpoint.size > 20))
            db.commit()
        assert verify(storage)[0] == 0  # without the published copy, the cut is invisible
        result = CliRunner().invoke(app, ["audit", "verify"], env=env)
        assert result.exit_code == 1 and "first bad sequence number 21\n" in result.output, result.output
    finally:
        storage.engine.dispose()


def test_a_rolled_back_checkpoint_is_never_published(own_settings: Settings, tmp_path: Path) -> None:
    published = tmp_path / "published"
    storage = Storage(replace(own_settings, checkpoint_publish_dir=published))
    try:
        storage.append(5)
        with UnitOfWork(storage.factory) as uow:  # a checkpoint due at 10, in a transaction that fails
            chain.append(uow.session, [AuditEntry(occurred_at=datetime.now(UTC), request_id="r", action="read",
                                                  resource_type="record", decision=Verdict.ALLOW)] * 5)
        assert "\n5\n" in (published / "checkpoint").read_text()
        assert verify(storage)[0] == 0
    finally:
        storage.engine.dispose()


def test_a_blob_in_an_audit_column_is_a_verdict_not_a_traceback(ledger: Storage) -> None:
    with as_attacker(ledger) as db:
        first_bad = 1 if db.dialect.name == "postgresql" else 9  # the new type holds every row as bytes
        if db.dialect.name == "postgresql":  # a DBA who changes the column's type first
            db.execute(text("ALTER TABLE audit_events ALTER COLUMN reason TYPE bytea USING reason::bytea"))
            db.execute(text("UPDATE audit_events SET reason = '\\x00ff'::bytea WHERE seq = 9"))
        else:
            db.execute(text("UPDATE audit_events SET reason = x'00ff' WHERE seq = 9"))
        db.commit()
    code, output = verify(ledger)
    assert code == 1 and f"first bad sequence number {first_bad}\n" in output and "malformed" in output, output
    assert "Traceback" not in output


def test_a_malformed_sequence_number_is_a_verdict(ledger: Storage) -> None:
    with as_attacker(ledger) as db:
        if db.dialect.name == "postgresql":
            pytest.skip("PostgreSQL's types hold: a sequence number is always a number there")
        db.execute(text("UPDATE audit_events SET prev_hash = x'00ff' WHERE seq = 14"))
        db.commit()
    code, output = verify(ledger)
    assert code == 1 and "first bad sequence number 14\n" in output and "Traceback" not in output, output
