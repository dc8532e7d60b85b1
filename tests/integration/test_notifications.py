"""Inboxes, acknowledgement by the recipient only, Operation Encompass routing and escalation, and the
notification subscription over graphql-transport-ws, through real HTTP and a real websocket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from sqlalchemy import select, update
from websockets.sync.client import ClientConnection, connect

from hub.services import notification_stream
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import practitioner_token
from tests.conftest import BACKENDS
from tests.integration.test_information_requests import ACK, ENCOMPASS, INBOX, RECORDS, payload
from tests.workflow import DAN, DEB, DEE, LOU, MAX, MIA, PAT, SAM, london, world

SHARE = """mutation($input: ShareRecordInput!) { shareRecord(input: $input) { record { id } errors { code } } }"""
SUBSCRIBE = "subscription { notificationReceived { id kind recordId childId dueAt doNotApproachParents } }"


@pytest.fixture(scope="module", params=BACKENDS)
def w(request, tmp_path_factory):
    with world(request, tmp_path_factory, london(2026, 6, 1, 19, 0)) as it:
        yield it


def notices(caller, **filters) -> list[dict]:
    body = caller.gql(INBOX, {"f": filters or None})
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["notifications"]["edges"]]


def incident(w, child: str, **extra) -> dict:
    pat = w.caller(PAT, "POLICE_INVESTIGATION", "NB-26-0601-9")
    return payload(pat.post(ENCOMPASS, {"input": {
        "childId": child, "policeReference": "NB-26-0601-9", "occurredAt": london(2026, 6, 1, 18, 30).isoformat(),
        "location": "Outside the family home", "childPresent": False,
        "circumstances": "Argument in the street between the child's parents.", **extra}}),
        "notifyDomesticAbuseIncident")


def test_only_the_recipient_acknowledges_others_find_nothing(w) -> None:
    amelia = w.child("Amelia", "Hart")
    reported = incident(w, amelia)
    assert reported["errors"] == []
    [notification_id] = reported["notificationIds"]
    # Not the recipient: the same answer as for an id that does not exist, and the refusal audited.
    for email, purpose in ((DAN, "EDUCATION_SAFEGUARDING"), (MIA, "MASH_TRIAGE"), (PAT, "POLICE_INVESTIGATION")):
        caller = w.caller(email, purpose)
        response = caller.post(ACK, {"id": notification_id})
        mine = response.json()["data"]["acknowledgeNotification"]
        missing = caller.gql(ACK, {"id": "no-such-notification"})["data"]["acknowledgeNotification"]
        assert mine == missing == {"notification": None, "errors": [
            {"code": "NOT_FOUND", "message": "No notification with this id."}]}, email
        [refusal] = w.audit(response.headers["x-request-id"])
        assert (refusal["action"], refusal["decision"], refusal["rule"]) == ("acknowledge", "DENY", "default_deny")
        assert not [n for n in notices(caller) if n["id"] == notification_id]
    # Addressed to the DSL role at the primary: the deputy DSL does not hold it; Dee does.
    assert not [n for n in notices(w.caller(DEB, "EDUCATION_SAFEGUARDING")) if n["id"] == notification_id]
    dee = w.caller(DEE, "EDUCATION_SAFEGUARDING")
    response = dee.post(ACK, {"id": notification_id})
    assert response.json()["data"]["acknowledgeNotification"]["notification"]["acknowledgedAt"]
    [event] = w.audit(response.headers["x-request-id"])
    assert (event["action"], event["rule"]) == ("acknowledge", "recipient_acknowledges_notification")
    assert [n["id"] for n in notices(dee, unreadOnly=True) if n["id"] == notification_id] == []
    # Without a purpose the inbox is refused, like any access to child data.
    assert w.caller(DEE, None).post(INBOX, {}).json()["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED"


def test_a_child_on_no_roll_is_notified_to_the_local_authority_and_unacknowledged_notices_escalate(w) -> None:
    w.clock.set(london(2026, 6, 1, 20, 0))
    leo = w.child("Leo", "Walsh")
    with UnitOfWork(w.hub.session_factory) as uow:  # Leo leaves the primary's roll: now home educated
        uow.session.execute(update(t.AgencyRecordLink).where(t.AgencyRecordLink.child_id == leo,
                                                             t.AgencyRecordLink.kind == "ROLL")
                            .values(closed_on=datetime(2026, 5, 1).date()))
        uow.commit()
    reported = incident(w, leo, doNotApproachParents=True)
    [notification_id] = reported["notificationIds"]
    [notice] = [n for n in notices(w.caller(MIA, "MASH_TRIAGE")) if n["id"] == notification_id]
    assert notice["recipientRole"] == "MASH_PRACTITIONER" and notice["doNotApproachParents"]
    assert datetime.fromisoformat(notice["dueAt"]) == london(2026, 6, 2, 8, 30)
    # Nobody acknowledges it by 08:30: the worker escalates to the council's MASH lead and the force's.
    worker = w.worker()
    w.clock.set(london(2026, 6, 2, 8, 29))
    worker.run_until_idle()
    assert not [n for n in notices(w.caller(LOU, "MASH_TRIAGE")) if n["kind"] == "ENCOMPASS_UNACKNOWLEDGED"]
    w.clock.set(london(2026, 6, 2, 8, 31))
    worker.run_until_idle()
    worker.close()
    for email in (LOU, MAX):
        [escalated] = [n for n in notices(w.caller(email, "MASH_TRIAGE")) if n["kind"] == "ENCOMPASS_UNACKNOWLEDGED"
                       and n["childId"] == leo]
        assert escalated["recipientRole"] == "MASH_LEAD" and escalated["doNotApproachParents"], email
        assert "DO NOT APPROACH PARENTS" in escalated["summary"]


def test_shared_incidents_notify_only_when_the_police_share_them(w) -> None:
    w.clock.set(london(2026, 6, 3, 10, 0))
    noah = w.child("Noah", "Price")  # on the academy's roll
    share = {"childId": noah, "category": "DOMESTIC_ABUSE_INCIDENT", "tier": "SUMMARY", "startDate": "2026-06-02",
             "summary": "Domestic abuse incident at the foster home; Noah present."}
    police_record = w.caller(PAT, "POLICE_INVESTIGATION").gql(SHARE, {"input": share})["data"]["shareRecord"]
    council_record = w.caller(SAM, "S47_ENQUIRY").gql(SHARE, {"input": share})["data"]["shareRecord"]
    dan = w.caller(DAN, "EDUCATION_SAFEGUARDING")
    told = {n["recordId"] for n in notices(dan, kinds=["DOMESTIC_ABUSE_INCIDENT"])}
    assert police_record["record"]["id"] in told and council_record["record"]["id"] not in told
    # And what makes the summary readable to the academy's DSL is that notification.
    readable = {edge["node"]["id"]: edge["node"]["summary"]
                for edge in dan.gql(RECORDS, {"id": noah})["data"]["child"]["records"]["edges"]}
    assert readable[police_record["record"]["id"]].startswith("Domestic abuse incident at the foster home")
    assert readable.get(council_record["record"]["id"]) is None


@contextmanager
def subscribed_as_dee(w) -> Iterator[ClientConnection]:
    """A graphql-transport-ws connection for Dee, acknowledged, with ``SUBSCRIBE`` sent as operation "1"."""
    token = practitioner_token(w.hub, DEE)
    with connect(f"ws://127.0.0.1:{w.http.base_url.port}/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send(json.dumps({"type": "connection_init", "payload": {
            "authorization": f"Bearer {token}", "purpose": "EDUCATION_SAFEGUARDING", "caseReference": "DSL-1"}}))
        assert json.loads(socket.recv(timeout=10))["type"] == "connection_ack"
        socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        yield socket


def test_a_subscriber_receives_new_notifications_over_graphql_transport_ws_each_audited(w) -> None:
    w.clock.set(london(2026, 6, 4, 21, 0))
    amelia = w.child("Amelia", "Hart")
    with subscribed_as_dee(w) as socket:
        socket.send(json.dumps({"id": "2", "type": "subscribe", "payload": {"query": "{ me { name } }"}}))
        refused = json.loads(socket.recv(timeout=10))
        assert refused["id"] == "2" and refused["type"] in {"error", "next"}  # queries belong to POST /graphql
        reported = incident(w, amelia, doNotApproachParents=True)
        message = json.loads(socket.recv(timeout=15))
        while message.get("id") != "1":
            message = json.loads(socket.recv(timeout=15))
        assert message["type"] == "next", message
        delivered = message["payload"]["data"]["notificationReceived"]
        assert delivered["id"] in reported["notificationIds"], (delivered, reported)
        assert delivered["doNotApproachParents"]
        assert delivered["kind"] == "DOMESTIC_ABUSE_INCIDENT"
    deliveries = w.rows(select(t.AuditEvent).where(t.AuditEvent.resource_id == delivered["id"],
                                                   t.AuditEvent.action == "read"))
    assert [(e.actor_email, e.operation, e.rule) for e in deliveries] == [
        (DEE, "subscription notificationReceived", "recipient_reads_notification")]


def test_a_notification_written_while_the_subscription_starts_is_delivered(w, monkeypatch) -> None:
    """A busy replica may take a moment to start a subscriber's stream. What was in the inbox before they asked
    counts as delivered; a notification written after they asked, even before the stream's first look, is new
    and is sent (it was once counted as already delivered, and never sent)."""
    w.clock.set(london(2026, 6, 8, 21, 0))
    amelia = w.child("Amelia", "Hart")
    reported: dict = {}
    start = notification_stream.InboxStream._start

    def slow_start(self, asked_at):
        w.clock.set(london(2026, 6, 8, 21, 0, 1))  # a second later, while the stream waits for its first look
        reported.update(incident(w, amelia))
        return start(self, asked_at)

    monkeypatch.setattr(notification_stream.InboxStream, "_start", slow_start)
    with subscribed_as_dee(w) as socket:
        message = json.loads(socket.recv(timeout=15))
    assert message["type"] == "next", message
    assert message["payload"]["data"]["notificationReceived"]["id"] in reported["notificationIds"]


def test_a_websocket_without_valid_credentials_is_closed_and_audited(w) -> None:
    port = w.http.base_url.port
    with connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send(json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer not.a.token"}}))
        with pytest.raises(Exception) as closed:
            socket.recv(timeout=10)
    assert getattr(closed.value, "rcvd", None) is not None and closed.value.rcvd.code == 4403
    refusals = w.rows(select(t.AuditEvent).where(t.AuditEvent.resource_type == "graphql_subscription"))
    assert refusals and refusals[-1].decision == "DENY"
    # And a subscription sent over POST is refused: subscriptions are served on the websocket only.
    response = w.caller(DEE, "EDUCATION_SAFEGUARDING").post(SUBSCRIBE)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "OPERATION_NOT_ALLOWED"
    assert w.audit(response.headers["x-request-id"])[0]["decision"] == "DENY"
