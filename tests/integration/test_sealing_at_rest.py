"""Sensitive fields are sealed at rest: a dump shows none of them, a ciphertext moved to another row does
not open, rotation re-wraps every data key, and shredding a child's key leaves their fields unreadable and
the audit chain intact."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from hub.bootstrap import Hub
from hub.cli import app
from hub.storage import sealing
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner
from tests.integration.test_reading_records import CHILD_RECORDS

# Demo text that only ever appears in sealed columns: details, and summaries of RESTRICTED records.
SEALED_TEXT = [
    "Initial child protection conference", "Operation LARCH", "Confidential sexual health consultation",
    "Live investigation concerning an adult", "Sexual health clinic contact",
    "Clinician's notes of the contact",
    "Mother and Leo moved to a refuge",
]


def dump(hub: Hub) -> bytes:
    """Everything the database holds, as an attacker who copied it would read it."""
    url = make_url(hub.settings.database_url)
    if url.get_backend_name() == "sqlite":
        hub.engine.dispose()  # let SQLite checkpoint the WAL into the file; read both anyway
        database = Path(str(url.database))
        return b"".join(p.read_bytes() for p in (database, Path(f"{database}-wal")) if p.exists())
    if shutil.which("pg_dump"):
        command = ["pg_dump", "--data-only", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
                   "-U", url.username or "postgres", str(url.database)]
        return subprocess.run(command, check=True, capture_output=True, timeout=120).stdout
    with hub.engine.connect() as connection:  # no pg_dump: every row of every table as text
        tables = connection.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).all()
        return "\n".join(str(row) for table in tables
                         for row in connection.scalars(text(f'SELECT t::text FROM "{table}" t'))).encode()  # noqa: S608


def test_a_dump_of_the_seeded_database_holds_no_sealed_plaintext(hub: Hub) -> None:
    with UnitOfWork(hub.session_factory) as uow:
        leo = uow.session.scalar(select(t.Child).where(t.Child.given_name == "Leo"))
        assert leo is not None and sealing.is_sealed(leo.postcode)
        details = uow.session.scalars(
            select(t.RecordVersion.detail).where(t.RecordVersion.detail.is_not(None)))
        assert all(sealing.is_sealed(detail) for detail in details)
    everything = dump(hub)
    assert b"Northbridge Council" in everything  # the dump is real: unsealed columns show
    for plaintext in SEALED_TEXT:
        assert plaintext.encode() not in everything, plaintext


def test_a_ciphertext_moved_to_another_row_does_not_open(own_hub: Hub) -> None:
    with UnitOfWork(own_hub.session_factory) as uow:
        versions = uow.session.scalars(
            select(t.RecordVersion).where(t.RecordVersion.detail.is_not(None))).all()
        source = versions[0]
        same_child = next(v for v in versions if v.child_id == source.child_id and v.id != source.id)
        other_child = next(v for v in versions if v.child_id != source.child_id)
        moves = [(source.detail, target.id) for target in (same_child, other_child)]
    with own_hub.engine.connect() as attacker:  # with DBA rights: the append-only triggers dropped
        if attacker.dialect.name == "postgresql":
            attacker.execute(text("DROP TRIGGER record_versions_append_only ON record_versions"))
        else:
            attacker.execute(text("DROP TRIGGER record_versions_no_update"))
        for ciphertext, target_id in moves:
            attacker.execute(
                update(t.RecordVersion).where(t.RecordVersion.id == target_id).values(detail=ciphertext))
        attacker.commit()
    for _, target_id in moves:
        with UnitOfWork(own_hub.session_factory) as uow:
            row = uow.session.get(t.RecordVersion, target_id)
            assert row is not None
            with pytest.raises(sealing.SealError):
                sealing.open_record(row)


def test_the_hub_refuses_to_store_an_unsealed_detail(own_hub: Hub) -> None:
    with UnitOfWork(own_hub.session_factory) as uow:
        row = uow.session.scalars(select(t.RecordVersion)).first()
        assert row is not None
        copy = t.RecordVersion(**{c.name: getattr(row, c.name) for c in t.RecordVersion.__table__.columns})
        copy.id, copy.version, copy.detail = t.new_id(), row.version + 1, "plain text"
        uow.session.add(copy)
        with pytest.raises(sealing.SealError, match="must be sealed"):
            uow.session.flush()


def opened_everything(hub: Hub) -> dict[str, tuple[str, str | None]]:
    with UnitOfWork(hub.session_factory) as uow:
        return {row.id: (sealing.open_record(row).summary, sealing.open_record(row).detail)
                for row in uow.session.scalars(select(t.RecordVersion))}


def test_rotation_rewraps_every_data_key_and_everything_still_opens(own_hub: Hub, tmp_path: Path) -> None:
    before = opened_everything(own_hub)
    old_kek = own_hub.keys.current_kek()[0]
    env = {"HUB_DATABASE_URL": own_hub.settings.database_url, "HUB_KEY_DIR": str(own_hub.settings.key_dir)}
    result = CliRunner().invoke(app, ["keys", "rotate"], env=env)
    assert result.exit_code == 0, result.output
    new_kek = own_hub.keys.current_kek()[0]
    assert new_kek != old_kek
    with UnitOfWork(own_hub.session_factory) as uow:
        assert set(uow.session.scalars(select(t.ChildDataKey.kek_id))) == {new_kek}
    # Every data key now opens under the new key alone.
    (own_hub.settings.key_dir / "kek" / f"{old_kek}.key").rename(tmp_path / "old.key")
    own_hub.keys._keks.clear()
    assert opened_everything(own_hub) == before
    assert "[shredded]" not in str(before)
    assert CliRunner().invoke(app, ["audit", "verify"], env=env).exit_code == 0


def test_shredding_a_childs_key_makes_their_sealed_fields_unreadable_and_the_chain_still_verifies(
        own_hub: Hub, own_http: httpx.Client) -> None:
    with UnitOfWork(own_hub.session_factory) as uow:
        amelia = uow.session.scalar(select(t.Child.id).where(t.Child.given_name == "Amelia"))
        leo = uow.session.scalar(select(t.Child.id).where(t.Child.given_name == "Leo"))
    sam = as_practitioner(own_hub, own_http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    before = {e["node"]["category"]: e["node"]
              for e in sam.gql(CHILD_RECORDS, {"id": amelia})["data"]["child"]["records"]["edges"]}
    assert "conference" in before["CHILD_PROTECTION_PLAN"]["detail"]
    env = {"HUB_DATABASE_URL": own_hub.settings.database_url, "HUB_KEY_DIR": str(own_hub.settings.key_dir)}
    for child in (amelia, leo):
        result = CliRunner().invoke(
            app, ["keys", "shred", "--child", child, "--reason", "erasure ED-1", "--yes"], env=env)
        assert result.exit_code == 0 and "shredded 1 data key" in result.output, result.output
    records = {e["node"]["category"]: e["node"]
               for e in sam.gql(CHILD_RECORDS, {"id": amelia})["data"]["child"]["records"]["edges"]}
    assert records["CHILD_PROTECTION_PLAN"]["detail"] == "[shredded]"
    assert records["CHILD_PROTECTION_PLAN"]["summary"].startswith("Child protection plan")  # FLAG: not sealed
    assert sam.gql(CHILD_RECORDS, {"id": leo})["data"]["child"]["postcode"] is None
    police = as_practitioner(own_hub, own_http, "pat.police@police.northbridge.example",
                             "POLICE_INVESTIGATION")
    edges = police.gql(CHILD_RECORDS, {"id": amelia})["data"]["child"]["records"]["edges"]
    intel = next(e["node"] for e in edges if e["node"]["category"] == "POLICE_INTELLIGENCE")
    assert intel["summary"] == intel["detail"] == "[shredded]"
    with UnitOfWork(own_hub.session_factory) as uow:
        noah = uow.session.scalar(select(t.Child.id).where(t.Child.given_name == "Noah"))
    others = sam.gql(CHILD_RECORDS, {"id": noah})["data"]["child"]["records"]["edges"]
    assert all(e["node"]["detail"] != "[shredded]" for e in others)  # other children are untouched
    verified = CliRunner().invoke(app, ["audit", "verify"], env=env)
    assert verified.exit_code == 0 and "intact" in verified.output
    with UnitOfWork(own_hub.session_factory) as uow:
        shreds = uow.session.scalars(select(t.AuditEvent).where(t.AuditEvent.action == "shred")).all()
        assert {e.child_id for e in shreds} == {amelia, leo}
