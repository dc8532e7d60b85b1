"""Issue 5's own scenario, through real HTTP as the demo practitioners, on a hub of its own whose clock the test
moves: a Red request to police and health, a partial share and a decline, exactly the shared categories
readable, an overdue request escalated by the worker, an Operation Encompass notice on the Friday night before
a bank holiday, the owners told of every partner access, and every step in the audit ledger."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from hub.storage import tables as t
from tests.conftest import BACKENDS
from tests.workflow import DEE, HANA, MAX, MIA, NIA, PAT, SAM, london, world

CREATE = """mutation($input: CreateInformationRequestInput!) { createInformationRequest(input: $input) {
  informationRequest { id status rating dueAt purpose caseReference lawfulBasis categories
    consent { status reason overrideApprovedBy } targets { agency { name } status }
    ratingHistory { rating reason dueAt } }
  errors { code field message suggestion } } }"""
DECIDE = """mutation($input: DecideInformationRequestInput!) { decideInformationRequest(input: $input) {
  informationRequest { id status targets { agency { name } status decision reasonCodes rationale sharedCategories
    decidedBy grantsExpireAt } }
  errors { code field message } } }"""
OUTCOME = """mutation($input: RecordInformationRequestOutcomeInput!) { recordInformationRequestOutcome(input: $input) {
  informationRequest { status outcome } errors { code field message } } }"""
REQUEST = """query($id: ID!) { informationRequest(id: $id) { id status child { givenName } requestingAgency { name }
  targets { agency { name } decision rationale } } }"""
RECORDS = """query($id: ID!) { child(id: $id) { records(first: 50) { edges { node {
  id category tier summary detail owner { name } confidentialNotice } } } } }"""
INBOX = """query($f: NotificationFilter) { notifications(filter: $f, first: 100) { totalCount unreadCount edges { node {
  id kind summary childId recordId requestId dueAt doNotApproachParents recipientRole senderAgencyName
  acknowledgedAt } } } }"""
ENCOMPASS = """mutation($input: NotifyDomesticAbuseIncidentInput!) { notifyDomesticAbuseIncident(input: $input) {
  record { id category tier summary } notificationIds errors { code field message } } }"""
ACK = """mutation($id: ID!) { acknowledgeNotification(input: {notificationId: $id}) {
  notification { id acknowledgedAt } errors { code message } } }"""


@pytest.fixture(scope="module", params=BACKENDS)
def w(request, tmp_path_factory):
    with world(request, tmp_path_factory, london(2026, 5, 21, 10, 0)) as it:
        yield it


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def records(body: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    return {edge["node"]["category"]: edge["node"] for edge in body["data"]["child"]["records"]["edges"]}


def inbox(caller, **filters: Any) -> list[dict[str, Any]]:
    body = caller.gql(INBOX, {"f": filters or None})
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["notifications"]["edges"]]


def payload(response, name: str) -> dict[str, Any]:
    body = response.json()
    assert "errors" not in body, body
    return body["data"][name]


def ask(w, caller, child: str, targets: list[str], categories: list[str], rating: str = "RED", **extra: Any):
    return caller.post(CREATE, {"input": {
        "childId": child, "targetAgencyIds": targets, "categories": categories, "rating": rating,
        "justification": "Referral from school: bruising and a disclosure about home; strategy discussion today.",
        "consent": {"status": "NOT_SOUGHT", "reason": "Seeking consent could place the child at risk of harm."},
        **extra}})


def test_the_mash_scenario_of_the_issue(w) -> None:
    amelia = w.child("Amelia", "Hart")
    police, nhs = w.agency("Northbridge Police"), w.agency("Northbridge NHS")
    primary = w.agency("Northbridge Primary")
    mia, pat, hana = w.caller(MIA, "MASH_TRIAGE"), w.caller(PAT, "MASH_TRIAGE"), w.caller(HANA, "MASH_TRIAGE")

    # Mia sends a Red request to police and health at 10:00; Red runs on the clock: due at 14:00.
    before = records(mia.gql(RECORDS, {"id": amelia}))
    assert before["DOMESTIC_ABUSE_INCIDENT"]["summary"] and before["DOMESTIC_ABUSE_INCIDENT"]["detail"] is None
    response = ask(w, mia, amelia, [police, nhs], ["DOMESTIC_ABUSE_INCIDENT", "POLICE_INTELLIGENCE", "HEALTH_CONCERN"],
                   referrerAgencyId=primary)
    created = payload(response, "createInformationRequest")
    assert created["errors"] == []
    request = created["informationRequest"]
    assert (request["status"], request["rating"], request["purpose"]) == ("AWAITING_RESPONSES", "RED", "MASH_TRIAGE")
    assert moment(request["dueAt"]) == london(2026, 5, 21, 14, 0)
    assert request["caseReference"] == "MASH-2026-0521" and "Sch 1 para 18" in request["lawfulBasis"]
    assert request["consent"]["status"] == "NOT_SOUGHT"
    assert [h["rating"] for h in request["ratingHistory"]] == ["RED"]
    [asked] = [e for e in w.audit(response.headers["x-request-id"]) if e["action"] == "request"]
    assert (asked["decision"], asked["rule"], asked["purpose"]) == (
        "ALLOW", "case_practitioner_asks_about_child_they_know", "MASH_TRIAGE")
    request_id = request["id"]
    # Each agency asked has it at its front door: the police MASH lead, the trust's safeguarding team.
    for email in (MAX, NIA):
        received = [n for n in inbox(w.caller(email, "MASH_TRIAGE")) if n["kind"] == "REQUEST_RECEIVED"]
        assert [n["requestId"] for n in received] == [request_id], email
        assert moment(received[0]["dueAt"]) == london(2026, 5, 21, 14, 0)

    # Pat shares part at 11:00: the incident, not the intelligence (a live investigation), no health records.
    w.clock.set(london(2026, 5, 21, 11, 0))
    response = pat.post(DECIDE, {"input": {
        "requestId": request_id, "decision": "SHARE_PART", "sharedCategories": ["DOMESTIC_ABUSE_INCIDENT"],
        "reasonCodes": ["SHARED", "WOULD_PREJUDICE_INVESTIGATION", "NOT_HELD"],
        "rationale": "The incident log is shared; intelligence would prejudice Operation LARCH; no health records."}})
    decided = payload(response, "decideInformationRequest")
    assert decided["errors"] == []
    [police_answer] = decided["informationRequest"]["targets"]  # the police see their own decision only
    assert (police_answer["decision"], police_answer["sharedCategories"]) == ("SHARE_PART", ["DOMESTIC_ABUSE_INCIDENT"])
    assert moment(police_answer["grantsExpireAt"]) == london(2026, 5, 21, 11, 0) + timedelta(days=30)
    events = w.audit(response.headers["x-request-id"])
    assert [(e["action"], e["rule"]) for e in events if e["action"] in {"decide", "grant"}] == [
        ("decide", "asked_agency_decides_in_a_decision_role"), ("grant", "asked_agency_decides_in_a_decision_role")]

    # Hana declines at 11:30: sharing would be more detrimental to the child than not sharing.
    w.clock.set(london(2026, 5, 21, 11, 30))
    declined = payload(hana.post(DECIDE, {"input": {
        "requestId": request_id, "decision": "DECLINE", "reasonCodes": ["MORE_DETRIMENTAL_TO_CHILD"],
        "rationale": "Disclosing the clinic notes now would alert the father and put the child at greater risk."}}),
        "decideInformationRequest")
    assert declined["errors"] == []
    seen_by_mia = mia.gql(REQUEST, {"id": request_id})["data"]["informationRequest"]
    assert seen_by_mia["status"] == "RESPONDED" and seen_by_mia["child"]["givenName"] == "Amelia"
    assert {t_["agency"]["name"]: t_["decision"] for t_ in seen_by_mia["targets"]} == {
        "Northbridge Police": "SHARE_PART", "Northbridge NHS Foundation Trust": "DECLINE"}
    # The rationales and the justification read in full by Mia, and are sealed at rest with Amelia's data key.
    assert {t_["rationale"] for t_ in seen_by_mia["targets"]} >= {
        "Disclosing the clinic notes now would alert the father and put the child at greater risk."}
    stored_request = w.rows(select(t.InformationRequest.justification).where(t.InformationRequest.id == request_id))
    stored_answers = w.rows(select(t.RequestTarget.rationale).where(t.RequestTarget.request_id == request_id))
    assert len(stored_request + stored_answers) == 3
    assert all(value.startswith("sealed:") for value in stored_request + stored_answers)
    assert {n["kind"] for n in inbox(mia)} >= {"REQUEST_ANSWERED"}
    assert len([n for n in inbox(mia) if n["kind"] == "REQUEST_ANSWERED" and n["requestId"] == request_id]) == 2

    # Mia now reads exactly the category shared, in full, and nothing more of any partner's records.
    after = records(mia.gql(RECORDS, {"id": amelia}))
    council = "Northbridge Council Children's Services"
    in_full = {category for category, node in after.items() if node["owner"]["name"] != council and node["detail"]}
    assert in_full == {"DOMESTIC_ABUSE_INCIDENT"}
    assert after["DOMESTIC_ABUSE_INCIDENT"]["detail"].startswith("Officers attended at 22:40")
    assert "HEALTH_CONCERN" not in after and "POLICE_INTELLIGENCE" not in after
    assert after[None]["confidentialNotice"].startswith("Confidential information is held by Northbridge Police")

    # The outcome goes back to both agencies (to the practitioners who decided) and to the referring school.
    outcome = payload(mia.post(OUTCOME, {"input": {"requestId": request_id, "outcome": "S47_ENQUIRY",
                                                   "note": "Strategy discussion held; section 47 enquiry started."}}),
                      "recordInformationRequestOutcome")
    assert outcome == {"informationRequest": {"status": "CLOSED", "outcome": "S47_ENQUIRY"}, "errors": []}
    for email, purpose in ((PAT, "MASH_TRIAGE"), (HANA, "MASH_TRIAGE"), (DEE, "EDUCATION_SAFEGUARDING")):
        fed_back = [n for n in inbox(w.caller(email, purpose)) if n["kind"] == "REQUEST_OUTCOME"]
        assert [n["requestId"] for n in fed_back] == [request_id], email
        assert "S47_ENQUIRY" in fed_back[0]["summary"]

    # An overdue request escalates to the MASH lead of the agency that did not answer (the worker, its clock
    # moved on): "due soon" an hour before, "overdue" at the due time, each exactly once.
    w.clock.set(london(2026, 5, 21, 12, 0))
    late = payload(ask(w, mia, amelia, [police], ["MISSING_EPISODE"]), "createInformationRequest")
    late_id = late["informationRequest"]["id"]
    assert moment(late["informationRequest"]["dueAt"]) == london(2026, 5, 21, 16, 0)
    worker = w.worker()
    w.clock.set(london(2026, 5, 21, 15, 5))
    worker.run_until_idle()
    max_ = w.caller(MAX, "MASH_TRIAGE")
    assert [n["requestId"] for n in inbox(max_) if n["kind"] == "REQUEST_DUE_SOON"] == [late_id]
    assert not [n for n in inbox(max_) if n["kind"] == "REQUEST_OVERDUE"]
    w.clock.set(london(2026, 5, 21, 16, 1))
    worker.run_until_idle()
    worker.run_until_idle()
    overdue = [n for n in inbox(max_) if n["kind"] == "REQUEST_OVERDUE"]
    assert [(n["requestId"], n["recipientRole"]) for n in overdue] == [(late_id, "MASH_LEAD")]
    assert [n["requestId"] for n in inbox(mia) if n["kind"] == "REQUEST_OVERDUE"] == [late_id]
    escalations = w.rows(select(t.AuditEvent).where(t.AuditEvent.action == "escalate",
                                                    t.AuditEvent.resource_id == late_id))
    assert [(e.rule, e.client_id, e.purpose) for e in escalations] == [
        ("overdue_request_escalates_to_mash_lead", "hub-worker:test-worker", "MASH_TRIAGE")]
    worker.close()

    # 22:00 on Friday 22 May 2026, before the Spring bank holiday: Pat reports a domestic abuse incident.
    w.clock.set(london(2026, 5, 22, 22, 0))
    investigating = w.caller(PAT, "POLICE_INVESTIGATION", "NB-26-0522-117")
    response = investigating.post(ENCOMPASS, {"input": {
        "childId": amelia, "policeReference": "NB-26-0522-117", "occurredAt": london(2026, 5, 22, 21, 10).isoformat(),
        "location": "The family home", "childPresent": True, "childLocation": "in her bedroom upstairs",
        "childSpokenTo": True, "childAccount": "She said she heard shouting and hid under the bed.",
        "circumstances": "Verbal argument escalated; father arrested for assault on mother.",
        "doNotApproachParents": True, "detail": "Officers attended at 21:25 after a 999 call from the mother."}})
    reported = payload(response, "notifyDomesticAbuseIncident")
    assert reported["errors"] == [] and len(reported["notificationIds"]) == 1
    record = reported["record"]
    actions = [e["action"] for e in w.audit(response.headers["x-request-id"])]
    assert "share" in actions and "notify_incident" in actions
    # Dee, the DSL of Amelia's school, has it, due before school starts on Tuesday (Monday is a bank holiday).
    dee = w.caller(DEE, "EDUCATION_SAFEGUARDING", "DSL-2026-14")
    [notice] = [n for n in inbox(dee, unreadOnly=True, kinds=["DOMESTIC_ABUSE_INCIDENT"])
                if n["recordId"] == record["id"]]
    assert moment(notice["dueAt"]) == london(2026, 5, 26, 8, 30)
    assert notice["doNotApproachParents"] and "DO NOT APPROACH PARENTS" in notice["summary"]
    assert (notice["recipientRole"], notice["senderAgencyName"]) == ("DSL", "Northbridge Police")
    # She reads the notice (the record's summary) but not the police narrative, and acknowledges it.
    incident = next(node for node in mia_free(dee.gql(RECORDS, {"id": amelia})) if node["id"] == record["id"])
    assert "heard shouting" in incident["summary"] and "DO NOT APPROACH PARENTS" in incident["summary"]
    assert incident["detail"] is None
    acknowledged = dee.gql(ACK, {"id": notice["id"]})["data"]["acknowledgeNotification"]
    assert acknowledged["errors"] == [] and acknowledged["notification"]["acknowledgedAt"]

    # The owners' inboxes show each partner access: the police's (its front door, the MASH lead) shows the
    # council's and the school's reads; the council's allocated worker (Sam), addressed by name, shows the
    # police and the school reading the council's plan.
    w.caller(PAT, "MASH_TRIAGE").gql(RECORDS, {"id": amelia})
    accesses = {(n["senderAgencyName"], n["childId"]) for n in inbox(max_, kinds=["RECORD_ACCESSED"])}
    assert {("Northbridge Council Children's Services", amelia), ("Northbridge Primary School", amelia)} <= accesses
    sam_alerts = inbox(w.caller(SAM, "S47_ENQUIRY"), kinds=["RECORD_ACCESSED"])
    assert {(n["senderAgencyName"], n["recipientRole"]) for n in sam_alerts} == {
        ("Northbridge Police", None), ("Northbridge Primary School", None)}

    # Every step is in the audit ledger.
    actions = {e.action for e in w.rows(select(t.AuditEvent).where(t.AuditEvent.child_id == amelia))}
    assert {"request", "decide", "grant", "record_outcome", "read", "share", "notify_incident", "acknowledge",
            "escalate", "remind"} <= actions


def mia_free(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in body["data"]["child"]["records"]["edges"]]


def errors_of(response, name: str) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload(response, name)["errors"]]


def test_requests_outside_the_partnership_or_malformed_are_refused_clearly_and_audited(w) -> None:
    noah = w.child("Noah", "Price")
    police, southvale = w.agency("Northbridge Police"), w.agency("Southvale Council")
    council = w.agency("Northbridge Council")
    mia = w.caller(MIA, "MASH_TRIAGE")
    response = ask(w, mia, noah, [police, southvale], ["MISSING_EPISODE"])
    [error] = payload(response, "createInformationRequest")["errors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", "targetAgencyIds")
    assert "Southvale Council Children's Services is not part of the safeguarding partnership" in error["message"]
    [refusal] = w.audit(response.headers["x-request-id"])
    assert (refusal["action"], refusal["decision"]) == ("request", "DENY") and "not part of" in refusal["reason"]
    for targets, extra, field in [
            ([], {}, "targetAgencyIds"), ([council], {}, "targetAgencyIds"),
            (["no-such-agency"], {}, "targetAgencyIds"),
            ([police], {"categories": []}, "categories"), ([police], {"justification": "  "}, "justification"),
            ([police], {"consent": {"status": "REFUSED"}}, "consent.reason"),
            ([police], {"consent": {"status": "GIVEN", "overrideApprovedBy": "Team manager"}},
             "consent.overrideApprovedBy"),
            ([police], {"referrerAgencyId": "nope"}, "referrerAgencyId")]:
        response = ask(w, mia, noah, targets, extra.pop("categories", ["MISSING_EPISODE"]), **extra)
        assert errors_of(response, "createInformationRequest") == [("INVALID_INPUT", field)], (targets, extra)
    # Nothing half-written: no request about Noah exists.
    assert w.rows(select(t.InformationRequest).where(t.InformationRequest.child_id == noah)) == []
    # A child the requester may not know is not found, the same answer as no child at all.
    sophie = w.child("Sophie", "Reed")
    unknown = errors_of(ask(w, mia, sophie, [police], ["MISSING_EPISODE"]), "createInformationRequest")
    absent = errors_of(ask(w, mia, "no-such-child", [police], ["MISSING_EPISODE"]), "createInformationRequest")
    assert unknown == absent == [("NOT_FOUND", None)]


def test_a_refused_consent_overridden_names_who_approved_it(w) -> None:
    w.clock.set(london(2026, 5, 22, 22, 0))
    noah = w.child("Noah", "Price")
    created = payload(ask(w, w.caller(SAM, "S47_ENQUIRY"), noah, [w.agency("Northbridge Police")],
                          ["MISSING_EPISODE"], rating="GREEN",
                          consent={"status": "REFUSED", "reason": "Carers refused: they fear a placement move.",
                                   "overrideApprovedBy": "Rita Reeve, team manager"}),
                      "createInformationRequest")
    assert created["errors"] == []
    assert created["informationRequest"]["consent"] == {
        "status": "REFUSED", "reason": "Carers refused: they fear a placement move.",
        "overrideApprovedBy": "Rita Reeve, team manager"}
    # Green: 72 working hours (nine working days) from Friday night; the bank holiday Monday does not count.
    assert moment(created["informationRequest"]["dueAt"]) == london(2026, 6, 5, 17, 0)


def test_only_the_agencies_asked_answer_in_a_decision_role_and_only_once(w) -> None:
    w.clock.set(london(2026, 6, 1, 9, 0))
    noah = w.child("Noah", "Price")
    police = w.agency("Northbridge Police")
    request_id = payload(ask(w, w.caller(MIA, "MASH_TRIAGE"), noah, [police], ["MISSING_EPISODE"]),
                         "createInformationRequest")["informationRequest"]["id"]
    decision = {"requestId": request_id, "decision": "SHARE_ALL", "reasonCodes": ["SHARED"],
                "rationale": "Missing episode relevant to the strategy discussion."}
    # The requesting agency may read its request but not answer it: told so.
    assert errors_of(w.caller(MIA, "MASH_TRIAGE").post(DECIDE, {"input": decision}), "decideInformationRequest") == [
        ("FORBIDDEN", None)]
    # Another agency, a role that does not decide, or an unknown id: nothing to find.
    for email, purpose in ((HANA, "MASH_TRIAGE"), ("ula.urgent@nhs.northbridge.example", "UNSCHEDULED_CARE"),
                           ("sue.social@council.southvale.example", "S47_ENQUIRY")):
        answer = errors_of(w.caller(email, purpose).post(DECIDE, {"input": decision}), "decideInformationRequest")
        missing = errors_of(w.caller(email, purpose).post(DECIDE, {"input": {**decision, "requestId": "nope"}}),
                            "decideInformationRequest")
        assert answer == missing == [("NOT_FOUND", None)], email
        assert w.caller(email, purpose).gql(REQUEST, {"id": request_id})["data"]["informationRequest"] is None
    pat = w.caller(PAT, "MASH_TRIAGE")
    # Decisions must be consistent: each mistake names its field, and nothing is written.
    for change, field in [({"decision": "SHARE_PART", "sharedCategories": ["MISSING_EPISODE"]}, "sharedCategories"),
                          ({"decision": "SHARE_PART", "sharedCategories": ["EXCLUSION"],
                            "reasonCodes": ["SHARED", "NOT_HELD"]}, "sharedCategories"),
                          ({"decision": "DECLINE", "reasonCodes": ["SHARED"]}, "reasonCodes"),
                          ({"decision": "DECLINE", "reasonCodes": ["CONSENT_REFUSED_NO_OVERRIDE"]}, "reasonCodes"),
                          ({"reasonCodes": ["SHARED", "NOT_HELD"]}, "reasonCodes"),
                          ({"rationale": "ok"}, "rationale"), ({"grantHours": 0}, "grantHours")]:
        assert errors_of(pat.post(DECIDE, {"input": {**decision, **change}}), "decideInformationRequest") == [
            ("INVALID_INPUT", field)], change
    assert payload(pat.post(DECIDE, {"input": decision}), "decideInformationRequest")["errors"] == []
    again = pat.post(DECIDE, {"input": {**decision, "decision": "DECLINE", "reasonCodes": ["NOT_HELD"]}})
    assert errors_of(again, "decideInformationRequest") == [("CONFLICT", None)]
    assert [e["decision"] for e in w.audit(again.headers["x-request-id"])] == ["DENY"]


RERATE = """mutation($input: ChangeInformationRequestRatingInput!) { changeInformationRequestRating(input: $input) {
  informationRequest { rating dueAt ratingHistory { rating reason dueAt changedBy } } errors { code field } } }"""


def test_changing_the_rating_needs_a_reason_recomputes_the_due_time_and_keeps_the_history(w) -> None:
    w.clock.set(london(2026, 5, 22, 16, 30))  # 16:30 on the Friday before the Spring bank holiday
    noah = w.child("Noah", "Price")
    nhs = w.agency("Northbridge NHS")
    mia = w.caller(MIA, "MASH_TRIAGE")
    created = payload(ask(w, mia, noah, [nhs], ["UNSCHEDULED_CARE_ATTENDANCE"], rating="GREEN"),
                      "createInformationRequest")["informationRequest"]
    # Green: 72 working hours; Monday 25 May is a bank holiday.
    assert moment(created["dueAt"]) == london(2026, 6, 5, 16, 30)
    request_id = created["id"]
    refused = mia.post(RERATE, {"input": {"requestId": request_id, "rating": "AMBER", "reason": " "}})
    assert errors_of(refused, "changeInformationRequestRating") == [("INVALID_INPUT", "reason")]
    assert errors_of(w.caller(NIA, "MASH_TRIAGE").post(RERATE, {"input": {
        "requestId": request_id, "rating": "RED", "reason": "Not ours to change"}}),
        "changeInformationRequestRating") == [("FORBIDDEN", None)]
    w.clock.set(london(2026, 5, 22, 16, 45))
    changed = payload(mia.post(RERATE, {"input": {"requestId": request_id, "rating": "AMBER",
                                                  "reason": "New disclosure by the child at school."}}),
                      "changeInformationRequestRating")["informationRequest"]
    # Amber: 24 working hours from 16:45 on Friday: 15 minutes on Friday, then Tuesday to Thursday 16:45.
    assert moment(changed["dueAt"]) == london(2026, 5, 28, 16, 45)
    assert [(h["rating"], h["reason"]) for h in changed["ratingHistory"]] == [
        ("GREEN", "Rated when the request was made."), ("AMBER", "New disclosure by the child at school.")]
    told = [n for n in inbox(w.caller(NIA, "MASH_TRIAGE")) if n["kind"] == "REQUEST_RATING_CHANGED"
            and n["requestId"] == request_id]
    assert len(told) == 1 and moment(told[0]["dueAt"]) == london(2026, 5, 28, 16, 45)
    with_timers = w.rows(select(t.Job).where(t.Job.kind == "REQUEST_OVERDUE", t.Job.status == "PENDING"))
    assert london(2026, 5, 28, 16, 45) in {_aware(job.run_at) for job in with_timers}


def _aware(moment_: datetime) -> datetime:
    from datetime import UTC

    return moment_ if moment_.tzinfo else moment_.replace(tzinfo=UTC)
