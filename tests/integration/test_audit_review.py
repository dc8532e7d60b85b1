"""Information-governance officers review access through GraphQL: their agency's events, a child's full
access history, partners' accesses, and break-glass uses awaiting review. Metadata only, never content."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select

from hub.audit import ledger
from hub.audit.entry import AuditEntry, Verdict
from hub.bootstrap import Hub
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner, audit_rows, error_codes
from tests.integration.test_reading_records import CHILD_RECORDS

EVENT = ("id action resourceType resourceId childId ownerAgencyName purpose caseReference decision rule "
         "reason fields actor { email agencyName }")
PAGE = f"totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {EVENT} }} }}"
HISTORY = (f"query($c: ID!, $f: Int!, $a: String) {{ childAccessHistory(childId: $c, first: $f, after: $a) "
           f"{{ {PAGE} }} }}")
EVENTS = f"query {{ auditEvents(first: 100) {{ {PAGE} }} }}"
PARTNERS = f"query {{ partnerAccesses(first: 100) {{ {PAGE} }} }}"
QUEUE = f"query {{ breakGlassReviewQueue {{ {PAGE} }} }}"
REVIEW = """mutation($e: ID!, $o: BreakGlassOutcome!, $n: String!) {
  recordBreakGlassReview(input: {eventId: $e, outcome: $o, notes: $n}) {
    review { outcome notes reviewedBy event { id action } } errors { code message } } }"""
SAM, PAT, DEE, IAN = ("sam.social@council.northbridge.example", "pat.police@police.northbridge.example",
                      "dee.dsl@primary.northbridge.example", "ian.ig@council.northbridge.example")
COUNCIL = "Northbridge Council Children's Services"


def ids(hub: Hub) -> dict[str, str]:
    with UnitOfWork(hub.session_factory) as uow:
        s = uow.session
        return {
            "amelia": s.scalar(select(t.Child.id).where(t.Child.given_name == "Amelia")) or "",
            "council": s.scalar(select(t.Agency.id).where(t.Agency.kind == "LOCAL_AUTHORITY",
                                                          t.Agency.official_code == "E06000901")) or "",
            "police": s.scalar(select(t.Agency.id).where(t.Agency.kind == "POLICE")) or "",
        }


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


def test_an_ig_officer_answers_who_has_seen_this_childs_information(own_hub: Hub,
                                                                      own_http: httpx.Client) -> None:
    known = ids(own_hub)
    sam = as_practitioner(own_hub, own_http, SAM, "S47_ENQUIRY")
    dee = as_practitioner(own_hub, own_http, DEE, "EDUCATION_SAFEGUARDING", "DSL-2026-14")
    pat = as_practitioner(own_hub, own_http, PAT, "POLICE_INVESTIGATION")
    sam.gql(CHILD_RECORDS, {"id": known["amelia"]})
    dee.gql(CHILD_RECORDS, {"id": known["amelia"]})  # the school reads the flag of the council's plan
    pat.gql(CHILD_RECORDS, {"id": known["amelia"]})  # the police, involved, read the council's flag and summary
    ian = as_practitioner(own_hub, own_http, IAN, "AUDIT_REVIEW", "IG-SAR-2026-3")

    everything = nodes(ian.gql(EVENTS)["data"]["auditEvents"])
    assert everything and all(COUNCIL in (e["actor"]["agencyName"], e["ownerAgencyName"]) for e in everything)
    # Pat's reads of the police's own records are the police's business, not the council's.
    assert not any(e["actor"]["email"] == PAT and e["ownerAgencyName"] != COUNCIL for e in everything)
    assert [int(e["id"]) for e in everything] == sorted((int(e["id"]) for e in everything), reverse=True)

    history = ian.gql(HISTORY, {"c": known["amelia"], "f": 100})["data"]["childAccessHistory"]
    events = nodes(history)
    school_reads = [e for e in events if e["actor"]["email"] == DEE]
    assert school_reads, "the school's read of the council's record is in the council's history"
    assert all(e["ownerAgencyName"] == COUNCIL for e in school_reads)
    assert {(e["purpose"], e["caseReference"], e["rule"]) for e in school_reads} == {
        ("EDUCATION_SAFEGUARDING", "DSL-2026-14", "dsl_reads_flags_of_pupils_on_roll")}
    assert all("summary" not in e["fields"] for e in school_reads)  # it shows what was released, by name
    assert [int(e["id"]) for e in events] == sorted(int(e["id"]) for e in events)  # oldest first

    # Paging one at a time reaches every event: no cap.
    paged, after = [], None
    while True:
        page = ian.gql(HISTORY, {"c": known["amelia"], "f": 2, "a": after})["data"]["childAccessHistory"]
        paged += [e["id"] for e in nodes(page)]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert paged[:len(events)] == [e["id"] for e in events] and len(paged) == len(set(paged))
    # Reading a child's history is itself an access about the child: the later pages show Ian's own reads.
    whole = ian.gql(HISTORY, {"c": known["amelia"], "f": 100})["data"]["childAccessHistory"]
    later = nodes(whole)[len(events):]
    assert later and {(e["actor"]["email"], e["resourceType"]) for e in later} == {(IAN, "audit_events")}

    partners = nodes(ian.gql(PARTNERS)["data"]["partnerAccesses"])
    assert {e["actor"]["email"] for e in partners} == {DEE, PAT}
    assert {e["rule"] for e in partners if e["actor"]["email"] == PAT} == {"police_involved"}
    assert all(e["ownerAgencyName"] == COUNCIL for e in partners)
    # Metadata, never content: nothing of the records' text reaches the IG officer.
    assert "emotional abuse" not in ian.post(HISTORY, {"c": known["amelia"], "f": 100}).text
    # The IG officer's own queries are audited, with the rule that allowed them.
    review_rows = audit_rows(own_hub, ian.post(EVENTS).headers["x-request-id"])
    assert [(r["action"], r["decision"], r["rule"]) for r in review_rows] == [
        ("read", "ALLOW", "ig_officer_reads_own_agency_audit")]


def test_only_ig_officers_reviewing_access_may_read_the_ledger(own_hub: Hub, own_http: httpx.Client) -> None:
    known = ids(own_hub)
    for email, purpose in [(SAM, "AUDIT_REVIEW"), (SAM, "S47_ENQUIRY"), (IAN, "S47_ENQUIRY")]:
        caller = as_practitioner(own_hub, own_http, email, purpose)
        for query, variables in [(EVENTS, {}), (PARTNERS, {}), (QUEUE, {}),
                                 (HISTORY, {"c": known["amelia"], "f": 10})]:
            response = caller.post(query, variables)
            body = response.json()
            assert list(body["data"].values()) == [None], (email, purpose)
            assert error_codes(body) == ["FORBIDDEN"], (email, purpose)
            assert [r["decision"] for r in audit_rows(own_hub, response.headers["x-request-id"])] == ["DENY"]
    no_purpose = as_practitioner(own_hub, own_http, IAN, None).post(EVENTS).json()
    assert error_codes(no_purpose) == ["PURPOSE_REQUIRED"]


def test_break_glass_uses_wait_for_review_and_the_outcome_is_recorded(own_hub: Hub,
                                                                       own_http: httpx.Client) -> None:
    known = ids(own_hub)
    with UnitOfWork(own_hub.session_factory) as uow:  # what the break-glass door (issue 3) will append
        [seq] = ledger.append(uow.session, [AuditEntry(
            occurred_at=datetime.now(UTC), request_id="bg-1", action="break_glass", resource_type="child",
            resource_id=known["amelia"], child_id=known["amelia"], owner_agency_id=known["council"],
            actor_email=PAT, actor_agency_id=known["police"], decision=Verdict.ALLOW, purpose="EMERGENCY",
            reason="child at immediate risk: missing overnight")])
        uow.commit()
    ian = as_practitioner(own_hub, own_http, IAN, "AUDIT_REVIEW", "IG-BG-1")
    assert [e["id"] for e in nodes(ian.gql(QUEUE)["data"]["breakGlassReviewQueue"])] == [str(seq)]

    sam = as_practitioner(own_hub, own_http, SAM, "AUDIT_REVIEW")
    refused = sam.gql(REVIEW, {"e": str(seq), "o": "JUSTIFIED", "n": "ok"})["data"]["recordBreakGlassReview"]
    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    missing = ian.gql(REVIEW, {"e": "999999", "o": "JUSTIFIED", "n": "x"})["data"]["recordBreakGlassReview"]
    assert [e["code"] for e in missing["errors"]] == ["NOT_FOUND"]
    empty = ian.gql(REVIEW, {"e": str(seq), "o": "JUSTIFIED", "n": "  "})["data"]["recordBreakGlassReview"]
    assert [e["code"] for e in empty["errors"]] == ["INVALID_INPUT"]

    response = ian.post(REVIEW, {"e": str(seq), "o": "NOT_JUSTIFIED", "n": "No immediate risk was recorded."})
    review = response.json()["data"]["recordBreakGlassReview"]
    assert review["errors"] == [] and review["review"]["outcome"] == "NOT_JUSTIFIED"
    assert review["review"]["event"] == {"id": str(seq), "action": "break_glass"}
    [recorded] = audit_rows(own_hub, response.headers["x-request-id"])
    assert (recorded["action"], recorded["resource_id"], recorded["rule"]) == (
        "review_break_glass", str(seq), "ig_officer_reviews_break_glass")
    assert recorded["reason"] == "NOT_JUSTIFIED: No immediate risk was recorded."

    assert nodes(ian.gql(QUEUE)["data"]["breakGlassReviewQueue"]) == []
    again = ian.gql(REVIEW, {"e": str(seq), "o": "JUSTIFIED", "n": "again"})["data"]["recordBreakGlassReview"]
    assert [e["code"] for e in again["errors"]] == ["CONFLICT"]


def test_a_childs_access_history_for_an_unknown_child_is_an_error_not_an_empty_report(
        own_hub: Hub, own_http: httpx.Client) -> None:
    """A subject access request must not be answered "no one has looked" for a child the hub does not hold
    (a mistyped id, or the id of something else): that would be a false nothing."""
    known = ids(own_hub)
    ian = as_practitioner(own_hub, own_http, IAN, "AUDIT_REVIEW", "IG-SAR-2026-4")
    for not_a_child in ("8e0c5a55-0000-4000-8000-000000000000", known["council"], "amelia"):
        body = ian.gql(HISTORY, {"c": not_a_child, "f": 100})
        assert body["data"]["childAccessHistory"] is None, body
        assert error_codes(body) == ["NOT_FOUND"], body
    assert ian.gql(HISTORY, {"c": known["amelia"], "f": 100})["data"]["childAccessHistory"] is not None
