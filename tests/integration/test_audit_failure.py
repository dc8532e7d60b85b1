"""A real fault in the audit write (a trigger that makes every insert into audit_events fail): the request
answers 503 with no data, and a mutation leaves nothing behind. Deny by default: an access that could not
be recorded did not happen."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select, text

from hub.bootstrap import Hub
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner
from tests.integration.test_reading_records import CHILD_RECORDS

SHARE = """mutation Share($input: ShareRecordInput!) { shareRecord(input: $input) {
  record { id summary } errors { code } } }"""


def break_the_audit_write(hub: Hub) -> None:
    with hub.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("CREATE FUNCTION hub_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ "
                                    "BEGIN RAISE EXCEPTION 'injected audit failure'; END $$"))
            connection.execute(text("CREATE TRIGGER hub_test_fail BEFORE INSERT ON audit_events "
                                    "FOR EACH ROW EXECUTE FUNCTION hub_test_fail()"))
        else:
            connection.execute(text("CREATE TRIGGER hub_test_fail BEFORE INSERT ON audit_events BEGIN "
                                    "SELECT RAISE(ABORT, 'injected audit failure'); END"))


def mend_the_audit_write(hub: Hub) -> None:
    with hub.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER hub_test_fail ON audit_events"))
            connection.execute(text("DROP FUNCTION hub_test_fail()"))
        else:
            connection.execute(text("DROP TRIGGER hub_test_fail"))


def counts(hub: Hub) -> tuple[int, int]:
    with UnitOfWork(hub.session_factory) as uow:
        return (uow.session.scalar(select(func.count()).select_from(t.RecordVersion)) or 0,
                uow.session.scalar(select(func.count()).select_from(t.AuditEvent)) or 0)


def test_no_audit_no_data_and_no_write(own_hub: Hub, own_http: httpx.Client) -> None:
    with UnitOfWork(own_hub.session_factory) as uow:
        amelia = uow.session.scalar(select(t.Child.id).where(t.Child.given_name == "Amelia"))
    sam = as_practitioner(own_hub, own_http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    assert sam.gql(CHILD_RECORDS, {"id": amelia})["data"]["child"]["givenName"] == "Amelia"
    share = {"input": {"childId": amelia, "category": "CHILD_IN_NEED", "tier": "DETAIL",
                       "summary": "Child in need plan agreed.", "detail": "Narrative.",
                       "startDate": "2026-11-01"}}
    before = counts(own_hub)
    break_the_audit_write(own_hub)
    try:
        read = sam.post(CHILD_RECORDS, {"id": amelia})
        write = sam.post(SHARE, share)
        after = counts(own_hub)
    finally:
        mend_the_audit_write(own_hub)
    for response in (read, write):
        assert response.status_code == 503
        assert response.json()["data"] is None
        assert response.json()["errors"][0]["extensions"]["code"] == "AUDIT_UNAVAILABLE"
        assert "Amelia" not in response.text and "Narrative" not in response.text
    assert after == before  # no record shared, no event half-written
    assert sam.gql(SHARE, share)["data"]["shareRecord"]["errors"] == []  # and it works again once mended
    assert counts(own_hub)[0] == before[0] + 1
