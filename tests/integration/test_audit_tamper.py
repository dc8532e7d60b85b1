"""An attacker with DBA rights drops the append-only triggers and rewrites the ledger; `hub audit verify`
names the first event that is not as recorded. On SQLite and PostgreSQL, each on a database of its own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, insert, select, text, update
from typer.testing import CliRunner

from hub.audit import ledger as chain
from hub.audit import note
from hub.audit.entry import GENESIS_HASH, AuditEntry, Verdict, chain_hash
from hub.cli import app
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
