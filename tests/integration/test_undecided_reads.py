"""The gate's last check: a practitioner's request that loads a child's rows and never asks the policy about
that child returns nothing, and the ledger says so. Each test plants the path a maintainer might write by
mistake (a resolver that reads and forgets to decide) and watches it fail closed through real HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import bindparam, func, select, text, update

from hub.access.accounting import UnaccountableReadError, UndecidedReadError
from hub.access.request import RequestScope, open_request
from hub.domain.child import ChildView
from hub.door import Door
from hub.portal import dsl as portal_dsl
from hub.services import children, records
from hub.services.children import to_view
from hub.storage import queries
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner, audit_rows
from tests.integration.test_portal_deny_by_default import signed_in

# Deb, the primary's deputy DSL: a portal user no other test signs in as, so her one-time codes are her own.
DEB = "deb.deputy@primary.northbridge.example"
CHILD = "query($id: ID!) { child(id: $id) { givenName familyName postcode } }"
RECORDS = "query($id: ID!) { child(id: $id) { givenName records(first: 5) { edges { node { summary } } } } }"


def enter_as_sam(request: RequestScope) -> Door:
    """Sam, the council's social worker, through the door of ``request``, as the GraphQL endpoint would."""
    sam = request.identify(queries.practitioner_by_email, "sam.social@council.northbridge.example")
    assert sam is not None
    actor = request.identify(queries.load_actor, sam.id)
    assert actor is not None
    return request.enter(actor, purpose="S47_ENQUIRY", case_reference="CASE-1")


def test_a_child_read_without_a_decision_returns_nothing(hub, http, demo, monkeypatch) -> None:
    amelia = demo.child("Amelia", "Hart")
    # Sue, another partnership's social worker, has no relationship with Amelia: the forgetful resolver would
    # show her everything.
    sue = as_practitioner(hub, http, "sue.social@council.southvale.example", "S47_ENQUIRY")

    def forgetful_read_child(door, child_id):  # loads the row, releases it, never asks the policy
        child = door.query(queries.child, child_id)
        return to_view(child) if child else None

    monkeypatch.setattr(children, "read_child", forgetful_read_child)
    response = sue.post(CHILD, {"id": amelia})

    assert response.status_code == 500
    body = response.json()
    assert body.get("data") is None and "Amelia" not in response.text and "Hart" not in response.text
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_ERROR"
    events = audit_rows(hub, response.headers["x-request-id"])
    assert [(e["action"], e["child_id"], e["decision"]) for e in events] == [("read", amelia, "DENY")]
    assert "forgot to ask the policy" in events[0]["reason"]


def test_records_read_without_a_decision_return_nothing(hub, http, demo, monkeypatch) -> None:
    amelia = demo.child("Amelia", "Hart")
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    decided = sam.gql(RECORDS, {"id": amelia})  # Sam may read Amelia's identity: the child itself is decided
    assert decided["data"]["child"]["givenName"] == "Amelia"
    other = demo.child("Noah", "Price")

    def leaky_list_records(door, child_id, **_):  # reads another child's records through the door, undecided
        rows = door.scalars(select(t.RecordVersion).where(t.RecordVersion.child_id == other)).all()
        assert rows, "the plant must load something to prove anything"
        return records.RecordPage((), (), False, False, 0)

    monkeypatch.setattr(records, "list_records", leaky_list_records)
    response = sam.post(RECORDS, {"id": amelia})

    assert response.status_code == 500 and response.json().get("data") is None
    events = audit_rows(hub, response.headers["x-request-id"])
    assert [(e["child_id"], e["decision"]) for e in events] == [(other, "DENY")]  # Amelia's read is not claimed


def failed_closed(hub, response: httpx.Response, withheld: str | None = None) -> list[dict]:
    """Assert the request failed closed (a 500, no data, nothing of ``withheld``); its audit events."""
    assert response.status_code == 500 and response.json().get("data") is None
    if withheld is not None:
        assert withheld not in response.text
    return audit_rows(hub, response.headers["x-request-id"])


def test_the_request_scope_refuses_to_commit_an_undecided_read(hub, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    with open_request(hub.gateway, request_id="undecided-scope") as request:
        door = enter_as_sam(request)
        assert door.get(t.Child, amelia) is not None
        with pytest.raises(UndecidedReadError):
            request.commit()
    assert [e["decision"] for e in audit_rows(hub, "undecided-scope")] == ["DENY"]


def test_asking_the_policy_is_enough_whatever_it_answers(hub, http, demo) -> None:
    """A refusal is a decision: a hidden child read and refused is accounted for, and answers as missing."""
    amelia = demo.child("Amelia", "Hart")
    sue = as_practitioner(hub, http, "sue.social@council.southvale.example", "S47_ENQUIRY")
    body = sue.gql(CHILD, {"id": amelia})
    assert body["data"] == {"child": None}


def test_columns_of_a_child_read_without_a_decision_return_nothing(hub, http, demo, monkeypatch) -> None:
    """Columns carry the child's id, so the door counts whose they are like rows, and refuses them undecided."""
    amelia = demo.child("Amelia", "Hart")
    sue = as_practitioner(hub, http, "sue.social@council.southvale.example", "S47_ENQUIRY")

    def forgetful_read_child(door, child_id):
        child_id, given, family = door.execute(
            select(t.Child.id, t.Child.given_name, t.Child.family_name).where(t.Child.id == child_id)).one()
        return ChildView(child_id, None, given, family, None, None, None, False)

    monkeypatch.setattr(children, "read_child", forgetful_read_child)
    events = failed_closed(hub, sue.post(CHILD, {"id": amelia}), withheld="Amelia")
    assert [(e["child_id"], e["decision"]) for e in events] == [(amelia, "DENY")]


def test_columns_of_child_data_without_the_childs_id_are_refused(hub, http, demo, monkeypatch) -> None:
    """Whose data a column holds cannot be told without the child's id: such a statement is refused before it
    runs, and the request fails closed with the refusal on the ledger."""
    amelia = demo.child("Amelia", "Hart")
    sue = as_practitioner(hub, http, "sue.social@council.southvale.example", "S47_ENQUIRY")

    def forgetful_read_child(door, child_id):
        given = door.scalar(select(t.Child.given_name).where(t.Child.id == child_id))
        return ChildView(child_id, None, given, "", None, None, None, False)

    monkeypatch.setattr(children, "read_child", forgetful_read_child)
    events = failed_closed(hub, sue.post(CHILD, {"id": amelia}), withheld="Amelia")
    assert [(e["resource_type"], e["resource_id"], e["decision"]) for e in events] == [
        ("statement", "children", "DENY")]


def test_a_statement_built_once_is_judged_at_every_execution(hub, http, demo, monkeypatch) -> None:
    """The door works out a statement's shape once (statements are built once per process): the same object
    executed again, by another request about another child, is refused or counted again, not waved through."""
    amelia, noah = demo.child("Amelia", "Hart"), demo.child("Noah", "Price")
    sue = as_practitioner(hub, http, "sue.social@council.southvale.example", "S47_ENQUIRY")
    without_id = select(t.Child.given_name).where(t.Child.id == bindparam("child_id"))
    with_id = select(t.Child.id, t.Child.given_name).where(t.Child.id == bindparam("child_id"))

    for statement, refused in ((without_id, True), (with_id, False)):
        def forgetful_read_child(door, child_id, statement=statement):
            given = door.execute(statement, {"child_id": child_id}).all()[0][-1]
            return ChildView(child_id, None, given, "", None, None, None, False)

        monkeypatch.setattr(children, "read_child", forgetful_read_child)
        for child in (amelia, noah, amelia):
            events = failed_closed(hub, sue.post(CHILD, {"id": child}))
            expected = ("statement", "children") if refused else ("child", child)
            assert [(e["resource_type"], e["resource_id"] if refused else e["child_id"], e["decision"])
                    for e in events] == [(*expected, "DENY")]


@pytest.mark.parametrize("reach", ["connection", "text"])
def test_child_data_read_past_the_session_is_refused(hub, http, demo, monkeypatch, reach) -> None:
    """A helper handed the session could run a statement on its connection, or textual SQL, where the door's
    listeners cannot count whose rows come back: such a read is refused before it runs (hub.access.core_reads),
    and the request fails closed with the refusal on the ledger."""
    amelia = demo.child("Amelia", "Hart")
    sue = as_practitioner(hub, http, "sue.social@council.southvale.example", "S47_ENQUIRY")
    children_table = t.Child.__table__

    def past_the_session(session, child_id):
        if reach == "connection":
            return session.connection().execute(
                select(children_table.c.id, children_table.c.given_name).where(children_table.c.id == child_id)
            ).one()
        return session.execute(text("SELECT id, given_name FROM children WHERE id = :id"), {"id": child_id}).one()

    def forgetful_read_child(door, child_id):
        _, given = door.query(past_the_session, child_id)
        return ChildView(child_id, None, given, "", None, None, None, False)

    monkeypatch.setattr(children, "read_child", forgetful_read_child)
    events = failed_closed(hub, sue.post(CHILD, {"id": amelia}), withheld="Amelia")
    reached = "children" if reach == "connection" else "textual SQL"
    assert [(e["resource_type"], e["resource_id"], e["decision"]) for e in events] == [
        ("statement", reached, "DENY")]


def test_child_data_written_past_the_session_is_refused(hub, demo) -> None:
    """A write on the session's connection skips ``Door.change`` (decide, write, record): refused before it
    runs, and the request cannot commit. Only the session's own flush writes past its listeners."""
    amelia = demo.child("Amelia", "Hart")
    children_table = t.Child.__table__
    stored = select(children_table.c.postcode).where(children_table.c.id == amelia)
    with hub.engine.connect() as connection:
        before = connection.scalar(stored)
    with open_request(hub.gateway, request_id="undecided-write") as request:
        door = enter_as_sam(request)
        with pytest.raises(UnaccountableReadError, match="writes children"):
            door.query(lambda session: session.connection().execute(
                update(children_table).where(children_table.c.id == amelia).values(postcode="ZZ1 1ZZ")))
    with hub.engine.connect() as connection:
        assert connection.scalar(stored) == before


def test_counts_name_nobody_and_pass(hub, demo) -> None:
    with open_request(hub.gateway, request_id="undecided-count") as request:
        door = enter_as_sam(request)
        assert door.scalar(select(func.count()).select_from(t.Child)) > 0
        request.commit()  # nothing to account for: no error


def test_a_portal_page_that_reads_without_a_decision_shows_nothing(hub, server, monkeypatch) -> None:
    """Signed in to the portal, the same: Deb, a deputy DSL, would see Wren, a child on no roll of hers, through the
    forgetful page; she gets the error page, and the ledger has the undecided read. (The check is per child:
    here the page reads nothing else of Wren's, because a decision about her records would count for her.)"""
    wren = new_child_in_area(hub)

    def forgetful_read_child(door, child_id):
        child = door.query(queries.child, child_id)
        return to_view(child) if child else None

    with httpx.Client(base_url=server.url, timeout=30, follow_redirects=True) as portal:
        signed_in(portal, DEB)
        assert "/portal/sign-in" not in str(portal.get("/portal/pupils").url), "Deb is signed in"
        assert portal.get(f"/portal/children/{wren}").status_code == 404  # as it should be
        monkeypatch.setattr(portal_dsl, "read_child", forgetful_read_child)
        monkeypatch.setattr(portal_dsl, "list_records", lambda *_, **__: records.RecordPage((), (), False, False, 0))
        response = portal.get(f"/portal/children/{wren}")
    assert response.status_code == 500
    assert "Wren" not in response.text and "Unseen" not in response.text
    with UnitOfWork(hub.session_factory) as uow:  # the portal's answer names no request id: find its events
        last = uow.session.scalar(select(t.AuditEvent.request_id).where(
            t.AuditEvent.operation == f"portal GET /portal/children/{wren}").order_by(t.AuditEvent.seq.desc()))
    assert last is not None
    events = audit_rows(hub, last)
    assert [(e["child_id"], e["decision"]) for e in events] == [(wren, "DENY")]


def new_child_in_area(hub) -> str:
    """Wren Unseen, a Northbridge child nobody has a relationship with but the area's own services."""
    with UnitOfWork(hub.session_factory) as uow:
        area = uow.session.scalar(select(t.Child.partnership_id).where(t.Child.given_name == "Amelia",
                                                                          t.Child.family_name == "Hart"))
        child = t.Child(id=t.new_id(), given_name="Wren", family_name="Unseen", date_of_birth=date(2017, 2, 3),
                        partnership_id=area, created_at=datetime.now(UTC))
        uow.session.add(child)
        uow.commit()
        return child.id


def test_a_decided_identity_does_not_pass_undecided_records_of_the_same_child(hub, http, demo, monkeypatch) -> None:
    """Dee may read who Amelia is (on her school's roll), and the police intelligence about her is withheld
    from her: a records resolver that forgot the policy would list it. Deciding her identity does not account
    for her records."""
    amelia = demo.child("Amelia", "Hart")
    dee = as_practitioner(hub, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING")

    def forgetful_list_records(door, child_id, **_):
        rows = door.scalars(select(t.RecordVersion).where(t.RecordVersion.child_id == child_id)).all()
        assert "POLICE_INTELLIGENCE" in {row.category for row in rows}
        return records.RecordPage((), (), False, False, len(rows))

    monkeypatch.setattr(records, "list_records", forgetful_list_records)
    response = dee.post(RECORDS, {"id": amelia})

    assert response.status_code == 500 and response.json().get("data") is None and "Amelia" not in response.text
    events = audit_rows(hub, response.headers["x-request-id"])
    assert [(e["child_id"], e["decision"]) for e in events] == [(amelia, "DENY")]
