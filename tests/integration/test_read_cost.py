"""What an audited read costs the database, counted, so a regression fails here rather than in a benchmark;
and the shortcuts that keep it cheap (owner alerts remembered per process, audit appends group-committed)
still leave every read audited and every owner told. No timings: the machine is shared."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from hub.access import accounting
from hub.audit import ledger
from hub.audit.entry import AuditEntry, Verdict
from hub.services.owner_alerts import AlertsSeen, _remember_on_commit
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner, audit_rows
from tests.integration.conftest import Storage
from tests.integration.test_audit_tamper import verify
from tests.integration.test_find_only_related import BY_DETAILS, BY_NHS, details
from tests.integration.test_reading_records import CHILD_RECORDS

# Transaction control is not a statement of the read's.
_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def counted(engine: Any) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(_CONTROL):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_child_with_records_read_runs_at_most_four_statements(hub, http, demo) -> None:
    """The actor, the child with the actor's relationships, the page of records, the audit insert. (The
    chain head is read under the chain's lock through the driver, one round trip more: hub.audit.ledger.)"""
    amelia = demo.child("Amelia", "Hart")
    dee = as_practitioner(hub, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING")
    first = dee.gql(CHILD_RECORDS, {"id": amelia})  # the day's first read alerts the owners
    with counted(hub.engine) as statements:
        again = dee.gql(CHILD_RECORDS, {"id": amelia})
    assert again == first and again["data"]["child"]["records"]["edges"]
    assert len(statements) <= 4, "\n\n".join(statements)
    assert sum(s.lstrip().upper().startswith("INSERT INTO AUDIT_EVENTS") for s in statements) == 1


@pytest.mark.parametrize("read", ["a child's records", "NHS-number lookup", "FIND"])
def test_a_warm_read_builds_no_statement_afresh(hub, http, demo, monkeypatch, read: str) -> None:
    """Every statement of a warm read, the sealed values' data key and the FIND's probe count included, was
    built once (hub.storage.statements), so the door knows its shape already: a statement built per request
    costs a walk of its expression at every read (hub.access.accounting)."""
    amelia = demo.child("Amelia", "Hart")
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")  # sees detail
    query, variables, found = {
        "a child's records": (CHILD_RECORDS, {"id": amelia},
                              lambda data: any(e["node"]["detail"] for e in data["child"]["records"]["edges"])),
        "NHS-number lookup": (BY_NHS, {"n": demo.nhs_number(amelia)},
                              lambda data: data["findChildByNhsNumber"]["childId"] == amelia),
        "FIND": (BY_DETAILS, {"input": details(hub, amelia)},
                 lambda data: [match["childId"] for match in data["findChildren"]] == [amelia]),
    }[read]
    for _ in range(2):
        sam.gql(query, variables)
    built: list[str] = []
    work_out = accounting._shape._work

    def counting(statement: Any) -> Any:
        built.append(str(statement))
        return work_out(statement)

    monkeypatch.setattr(accounting._shape, "_work", counting)
    assert found(sam.gql(query, variables)["data"])  # sealed detail, the match
    assert built == [], "\n\n".join(built)


def test_a_worklist_page_reads_its_childrens_data_keys_in_one_statement(hub, http, demo) -> None:
    """A page of records about many children opens each child's sealed detail with that child's data key: the
    keys are read together when the first is needed, not one round trip per child."""
    mia = as_practitioner(hub, http, "mia.mash@council.northbridge.example", "MASH_TRIAGE")
    worklist = "{ records(filter: {tiers: [FLAG]}, first: 20) { edges { node { id detail } } } }"
    mia.gql(worklist)  # the day's owner alerts
    with counted(hub.engine) as statements:
        response = mia.post(worklist)
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    opened = {event["child_id"] for event in audit_rows(hub, response.headers["x-request-id"])
              if event["resource_type"] == "record" and "detail" in event["fields"]}
    assert len(opened) >= 2, opened  # sealed details of several children were opened
    assert sum("FROM child_data_keys" in statement for statement in statements) == 1, "\n\n".join(statements)


def test_the_owner_is_alerted_once_a_day_and_every_read_is_audited(hub, http, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    dee = as_practitioner(hub, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING")
    request_ids = [dee.post(CHILD_RECORDS, {"id": amelia}).headers["x-request-id"] for _ in range(3)]
    with UnitOfWork(hub.session_factory) as uow:
        alerts = uow.session.execute(select(t.Notification.recipient_agency_id, func.count()).where(
            t.Notification.kind == "RECORD_ACCESSED", t.Notification.child_id == amelia,
            t.Notification.actor_agency_id == demo.agency("Northbridge Primary School"),
        ).group_by(t.Notification.recipient_agency_id)).all()
        audited = [uow.session.scalar(select(func.count()).select_from(t.AuditEvent).where(
            t.AuditEvent.request_id == rid, t.AuditEvent.action == "read", t.AuditEvent.resource_type == "record"))
            for rid in request_ids]
    assert alerts and all(count == 1 for _, count in alerts)  # each owner told once today
    assert audited[0] >= 1 and audited == [audited[0]] * 3  # every read, each record of it, audited alike


def test_an_alert_is_remembered_only_once_its_transaction_commits(hub) -> None:
    seen = AlertsSeen()
    with UnitOfWork(hub.session_factory) as uow:
        _remember_on_commit(uow.session, seen, "2026-12-01", "rolled-back")
        uow.session.execute(select(1))
    assert "rolled-back" not in seen  # the unit of work rolled back: the next read must still alert
    with UnitOfWork(hub.session_factory) as uow:
        with uow.session.begin_nested():
            _remember_on_commit(uow.session, seen, "2026-12-01", "committed")
        assert "committed" not in seen  # a savepoint's release is not the request's commit
        uow.commit()
    assert "committed" in seen
    seen.remember("2026-12-02", {"tomorrow"})
    assert "committed" not in seen and "tomorrow" in seen  # keys hold their day: a new day starts afresh
    seen.enabled = False
    assert "tomorrow" not in seen


def _entry(request_id: str, n: int) -> AuditEntry:
    return AuditEntry(occurred_at=datetime.now(UTC), request_id=request_id, action="read", resource_type="record",
                      resource_id=f"record-{n}", child_id="child-1", decision=Verdict.ALLOW, fields=("summary",))


def test_concurrent_reads_group_commit_into_one_valid_chain(storage: Storage) -> None:
    """Sixteen threads, each a read-only transaction ending with its events: every event lands once, in a
    valid chain with its checkpoints, and each caller gets back the sequence numbers of its own events."""
    threads, rounds, per_read = 16, 5, 3
    start = threading.Barrier(threads)
    results: dict[str, list[int]] = {}
    failures: list[BaseException] = []

    def reader(number: int) -> None:
        try:
            start.wait()
            for round_number in range(rounds):
                rid = f"req-{number}-{round_number}"
                with UnitOfWork(storage.factory) as uow:
                    uow.session.execute(select(func.count()).select_from(t.Child))  # the read
                    results[rid] = ledger.append_and_commit(uow.session, [_entry(rid, n) for n in range(per_read)])
        except BaseException as error:
            failures.append(error)

    workers = [threading.Thread(target=reader, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert not failures, failures
    total = threads * rounds * per_read
    with storage.engine.connect() as connection:
        stored = dict(connection.execute(select(t.AuditEvent.seq, t.AuditEvent.request_id)).all())
    assert sorted(stored) == list(range(1, total + 1))
    assert all(len(seqs) == per_read and {stored[seq] for seq in seqs} == {rid} for rid, seqs in results.items())
    code, output = verify(storage)
    assert code == 0 and f"intact: {total} events" in output


def test_a_lone_read_appends_its_events_in_its_own_transaction(storage: Storage) -> None:
    """With no other read waiting, a read's events are appended in the read's own transaction: one commit on
    the read's connection, no second transaction on another (a checkout, a ping, a BEGIN, the read's COMMIT)."""
    engine = storage.engine
    with UnitOfWork(storage.factory) as uow:  # the group commit is watching before the read begins
        ledger.group_commit(uow.session.get_bind())  # type: ignore[arg-type]
    commits: list[int] = []
    checkouts: list[int] = []
    event.listen(engine, "commit", lambda connection: commits.append(id(connection.connection.dbapi_connection)))
    event.listen(engine.pool, "checkout", lambda dbapi_connection, *_: checkouts.append(id(dbapi_connection)))
    with UnitOfWork(storage.factory) as uow:
        uow.session.execute(select(func.count()).select_from(t.Child))  # the read
        seqs = ledger.append_and_commit(uow.session, [_entry("req-lone", n) for n in range(2)])
    assert len(seqs) == 2
    assert len(checkouts) == 1 and commits == checkouts, (commits, checkouts)
    code, output = verify(storage)
    assert code == 0 and "intact: 2 events" in output


def test_a_read_whose_transaction_fails_to_end_leaves_no_events_waiting(storage: Storage) -> None:
    """A read that waits for a batch ends its own transaction first; when that fails, the request fails and
    its events leave the queue, so the next batch does not record an access that returned nothing."""
    committer = ledger.GroupCommit()
    committer._leading = True  # a batch is being written by another request

    class LostConnection(Exception):
        pass

    with UnitOfWork(storage.factory) as uow:
        uow.session.execute(select(func.count()).select_from(t.Child))

        def lost() -> None:
            raise LostConnection

        uow.session.commit = lost  # type: ignore[method-assign]
        with pytest.raises(LostConnection):
            committer.append(uow.session, [_entry("req-lost", 0)])
    assert committer._waiting == []


def test_a_transaction_that_wrote_appends_its_events_in_itself(storage: Storage) -> None:
    """A write and its audit commit together or not at all: when the append fails, the write is undone."""
    with UnitOfWork(storage.factory) as uow:
        uow.session.execute(select(1))
        ledger.group_commit(uow.session.get_bind())  # type: ignore[arg-type]  # watching from here on
    fail = ("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'no'); END"
            if storage.engine.dialect.name == "sqlite" else None)
    with storage.engine.begin() as connection:
        if fail:
            connection.execute(text(fail))
        else:
            connection.execute(text("CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$ "
                                    "BEGIN RAISE EXCEPTION 'no'; END $$"))
            connection.execute(text("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_events "
                                    "FOR EACH ROW EXECUTE FUNCTION fail_audit()"))
    with UnitOfWork(storage.factory) as uow:
        uow.session.execute(text("CREATE TABLE written (id INTEGER)"
                                 if storage.engine.dialect.name == "sqlite" else "CREATE TABLE written (id int)"))
        uow.session.execute(text("INSERT INTO written VALUES (1)"))
        try:
            ledger.append_and_commit(uow.session, [_entry("req-w", 0)])
        except Exception:  # noqa: S110 - the failure is the point; what it left behind is checked below
            pass
        else:
            raise AssertionError("the append should have failed")
    with storage.engine.connect() as connection:
        written = connection.execute(text(
            "SELECT count(*) FROM sqlite_master WHERE name = 'written'" if storage.engine.dialect.name == "sqlite"
            else "SELECT count(*) FROM pg_tables WHERE tablename = 'written'")).scalar()
    assert written == 0
