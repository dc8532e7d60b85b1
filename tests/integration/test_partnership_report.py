"""Partnership statistics through real HTTP: for partnership managers and scrutineers of their own partnership
only, de-identified, counted in SQL, counts from 1 to 4 shown as "<5"."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.storage import tables as t
from tests.conftest import BACKENDS
from tests.integration.test_information_requests import DECIDE, ask, payload
from tests.workflow import IAN, MIA, PAT, PAULA, SUE, london, world

REPORT = """query($p: ID!) { partnershipReport(partnershipId: $p) { partnershipName
  timeliness { rating answeredOnTime answeredLate overdueUnanswered awaiting }
  decisionsByReason { label count } encompassAcknowledgements { label count }
  breakGlassByAgencyKind { label count } } }"""


@pytest.fixture(scope="module", params=BACKENDS)
def w(request, tmp_path_factory):
    with world(request, tmp_path_factory, london(2026, 6, 15, 9, 0)) as it:
        yield it


def partnership(w, code: str) -> str:
    [row] = w.rows(select(t.Partnership).where(t.Partnership.code == code))
    return row.id


def test_managers_see_their_own_partnership_de_identified_with_small_numbers_suppressed(w) -> None:
    mia, pat, police = w.caller(MIA, "MASH_TRIAGE"), w.caller(PAT, "MASH_TRIAGE"), w.agency("Northbridge Police")
    children = [row.id for row in w.rows(select(t.Child).where(
        t.Child.partnership_id == partnership(w, "NB"), t.Child.mother_id.is_(None)).limit(9))]
    requests = [payload(ask(w, mia, child, [police], ["MISSING_EPISODE"]), "createInformationRequest")
                ["informationRequest"]["id"] for child in children]
    # Six answered in time (NOT_HELD), two answered late (one SHARED), one left to run over.
    w.clock.set(london(2026, 6, 15, 10, 0))
    for request_id in requests[:6]:
        assert payload(pat.post(DECIDE, {"input": {"requestId": request_id, "decision": "DECLINE",
                                                   "reasonCodes": ["NOT_HELD"], "rationale": "No police record."}}),
                       "decideInformationRequest")["errors"] == []
    w.clock.set(london(2026, 6, 15, 15, 0))
    for request_id, decision, reason in ((requests[6], "DECLINE", "NOT_HELD"), (requests[7], "SHARE_ALL", "SHARED")):
        assert payload(pat.post(DECIDE, {"input": {"requestId": request_id, "decision": decision,
                                                   "reasonCodes": [reason], "rationale": "Answered after the time."}}),
                       "decideInformationRequest")["errors"] == []
    paula = w.caller(PAULA, "PARTNERSHIP_ASSURANCE", "ANNUAL-REPORT-2026")
    response = paula.post(REPORT, {"p": partnership(w, "NB")})
    report = response.json()["data"]["partnershipReport"]
    assert report["partnershipName"] == "Northbridge Safeguarding Children Partnership"
    red = next(row for row in report["timeliness"] if row["rating"] == "RED")
    assert red == {"rating": "RED", "answeredOnTime": "6", "answeredLate": "<5", "overdueUnanswered": "<5",
                   "awaiting": "0"}
    reasons = {cell["label"]: cell["count"] for cell in report["decisionsByReason"]}
    assert (reasons["NOT_HELD"], reasons["SHARED"], reasons["MORE_DETRIMENTAL_TO_CHILD"]) == ("7", "<5", "0")
    assert {cell["label"] for cell in report["encompassAcknowledgements"]} == {
        "ACKNOWLEDGED_BEFORE_SCHOOL_DAY", "ACKNOWLEDGED_LATE", "UNACKNOWLEDGED_PAST_DUE", "AWAITING"}
    # Nothing identifies a child: no ids, names or NHS numbers anywhere in the answer.
    text = response.text
    assert not any(child in text for child in children) and "Amelia" not in text
    [event] = w.audit(response.headers["x-request-id"])
    assert (event["action"], event["rule"]) == ("read", "partnership_assurance_reads_own_partnership")
    # Another partnership, no partnership, or another role: null, the same answer, each refusal audited.
    assert paula.gql(REPORT, {"p": partnership(w, "SV")}) == {"data": {"partnershipReport": None}}
    assert paula.gql(REPORT, {"p": "no-such-partnership"}) == {"data": {"partnershipReport": None}}
    for email, purpose in ((SUE, "S47_ENQUIRY"), (IAN, "AUDIT_REVIEW"), (MIA, "MASH_TRIAGE"),
                           (PAULA, "S47_ENQUIRY")):
        assert w.caller(email, purpose).gql(REPORT, {"p": partnership(w, "NB")}) == {
            "data": {"partnershipReport": None}}, email
