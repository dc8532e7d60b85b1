"""Sharing, amending and ending records: owners only, versions never edited, every step audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner, audit_rows

SHARE = """mutation Share($input: ShareRecordInput!) { shareRecord(input: $input) {
  record { id version category tier summary detail status owner { name } }
  errors { code message field } } }"""
AMEND = """mutation Amend($input: AmendRecordInput!) { amendRecord(input: $input) {
  record { id version summary detail amendmentReason status }
  errors { code message field } } }"""
END = """mutation End($input: EndRecordInput!) { endRecord(input: $input) {
  record { id version status endDate amendmentReason } errors { code message field } } }"""


def share(caller, child_id: str, **overrides):
    record = {"childId": child_id, "category": "CHILD_IN_NEED", "tier": "FLAG",
              "summary": "Child in need plan agreed.", "detail": "Plan agreed with the family.",
              "startDate": "2026-11-01", **overrides}
    return caller.post(SHARE, {"input": record})


def versions(hub, record_key: str) -> list[tuple]:
    """(version, status, summary, reason) of every stored version of a record."""
    with UnitOfWork(hub.session_factory) as uow:
        rows = uow.session.scalars(select(t.RecordVersion).where(t.RecordVersion.record_key == record_key)
                                   .order_by(t.RecordVersion.version))
        return [(v.version, v.status, v.summary, v.reason) for v in rows]


def test_share_amend_and_end_keep_every_version_with_its_reason(hub, http, demo) -> None:
    child = demo.child("Noah", "Price")
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S17_ASSESSMENT")
    shared = share(sam, child)
    payload = shared.json()["data"]["shareRecord"]
    assert payload["errors"] == []
    record = payload["record"]
    assert (record["version"], record["owner"]["name"], record["status"]) == (
        1, "Northbridge Council Children's Services", "ACTIVE")
    [event] = audit_rows(hub, shared.headers["x-request-id"])
    assert (event["action"], event["resource_id"], event["decision"]) == ("share", record["id"], "ALLOW")

    amended = sam.gql(AMEND, {"input": {"recordId": record["id"], "reason": "Plan reviewed at CIN meeting.",
                                        "summary": "Child in need plan reviewed.", "expectedVersion": 1}})
    assert amended["data"]["amendRecord"]["record"]["version"] == 2
    stale = sam.gql(AMEND, {"input": {"recordId": record["id"], "reason": "again", "expectedVersion": 1}})
    assert stale["data"]["amendRecord"]["errors"][0]["code"] == "CONFLICT"
    ended = sam.gql(END, {"input": {"recordId": record["id"], "reason": "Step-down to early help.",
                                    "endDate": "2026-11-20"}})
    assert ended["data"]["endRecord"]["record"]["status"] == "ENDED"
    assert ended["data"]["endRecord"]["record"]["endDate"] == "2026-11-20"

    history = versions(hub, record["id"])
    assert history == [
        (1, "ACTIVE", "Child in need plan agreed.", None),
        (2, "ACTIVE", "Child in need plan reviewed.", "Plan reviewed at CIN meeting."),
        (3, "ENDED", "Child in need plan reviewed.", "Step-down to early help."),
    ]
    again = sam.gql(END, {"input": {"recordId": record["id"], "reason": "twice"}})
    assert again["data"]["endRecord"]["errors"][0]["code"] == "CONFLICT"


def test_only_the_owning_agency_may_amend(hub, http, demo) -> None:
    child = demo.child("Amelia", "Hart")
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    record_id = share(sam, child).json()["data"]["shareRecord"]["record"]["id"]
    # The school sees the flag of the council's record, but may not change it.
    dee = as_practitioner(hub, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING")
    response = dee.post(AMEND, {"input": {"recordId": record_id, "reason": "wrong", "summary": "x"}})
    assert response.json()["data"]["amendRecord"]["errors"][0]["code"] == "FORBIDDEN"
    assert audit_rows(hub, response.headers["x-request-id"])[0]["decision"] == "DENY"
    # An agency that cannot see it gets the same answer as for a record that does not exist.
    sue = as_practitioner(hub, http, "sue.social@council.southvale.example", "S47_ENQUIRY")
    hidden = sue.gql(AMEND, {"input": {"recordId": record_id, "reason": "x", "summary": "x"}})
    absent = sue.gql(AMEND, {"input": {"recordId": "no-such-record", "reason": "x", "summary": "x"}})
    assert hidden["data"]["amendRecord"]["errors"] == absent["data"]["amendRecord"]["errors"]
    assert hidden["data"]["amendRecord"]["errors"][0]["code"] == "NOT_FOUND"
    assert len(versions(hub, record_id)) == 1


def test_sharing_needs_a_child_the_agency_may_know(hub, http, demo) -> None:
    sophie = demo.child("Sophie", "Reed")  # Southvale
    pat = as_practitioner(hub, http, "pat.police@police.northbridge.example", "POLICE_INVESTIGATION")
    refused = share(pat, sophie, category="DOMESTIC_ABUSE_INCIDENT", tier="SUMMARY").json()
    absent = share(pat, "00000000-0000-0000-0000-000000000000").json()
    assert refused["data"]["shareRecord"]["errors"] == absent["data"]["shareRecord"]["errors"]
    assert refused["data"]["shareRecord"]["errors"][0]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"summary": "   "}, "summary"),
        ({"summary": "x" * 2001}, "summary"),
        ({"startDate": "2099-01-01"}, "startDate"),
        ({"startDate": "2026-10-01", "endDate": "2026-09-01"}, "endDate"),
    ],
)
def test_invalid_records_are_refused_field_by_field_and_nothing_is_written(hub, http, demo, overrides, field) -> None:
    child = demo.child("Noah", "Price")
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S17_ASSESSMENT")
    with UnitOfWork(hub.session_factory) as uow:
        before = uow.session.scalar(select(func.count()).select_from(t.RecordVersion))
    payload = share(sam, child, **overrides).json()["data"]["shareRecord"]
    assert payload["record"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID_INPUT", field)]
    with UnitOfWork(hub.session_factory) as uow:
        assert uow.session.scalar(select(func.count()).select_from(t.RecordVersion)) == before


def test_the_database_refuses_to_edit_or_delete_record_versions_and_audit_events(hub) -> None:
    for statement in ["UPDATE record_versions SET summary = 'rewritten'",
                      "DELETE FROM record_versions",
                      "UPDATE audit_events SET decision = 'ALLOW'",
                      "DELETE FROM audit_events"]:
        with UnitOfWork(hub.session_factory) as uow, pytest.raises(DBAPIError, match="append-only"):
            uow.session.execute(text(statement))
