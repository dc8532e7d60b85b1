"""The partnership's own work end to end, through real HTTP on SQLite and PostgreSQL, in the order the issue's
"done when" tells it: arrangements published with all three lead partners' signatures; a serious incident
recorded with its 5-working-day countdown (and the worker's warning), notified; a rapid review collecting the
police's and health's summaries through notifications and recording its decision; a lesson published and
reaching the agencies it names; a child death notified, reported by two agencies and analysed by the panel;
the scrutineer's statistics with no child's identity; every step on the audit ledger with its rule."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from hub.storage import tables as t
from tests.conftest import BACKENDS
from tests.workflow import DEE, HANA, MAX, PAULA, SAM, london, world

LENA = "lena.lead@council.northbridge.example"
COLIN = "colin.chief@police.northbridge.example"
IRIS = "iris.icb@icb.northbridge.example"
SID = "sid.scrutineer@council.northbridge.example"
RITA = "rita.reviewer@icb.northbridge.example"
CARA = "cara.cdop@icb.northbridge.example"
SOL = "sol.state@education.gov.example"
NINA = "nina.panel@panel.gov.example"

def operation(field: str, selection: str) -> str:
    """A mutation of ``field`` with its input (of the type the field's name gives) and the payload's selection."""
    input_type = field[0].upper() + field[1:] + "Input"
    return f"mutation($input: {input_type}!) {{ {field}(input: $input) {{ {selection} }} }}"


ARRANGEMENT = """arrangement { id version status awaitingSignatureFrom signatures { partner signedBy }
  leadPartners { partner agency { name } lead delegate } relevantAgencies { agency { name } participation } }
  errors { code message field }"""
DRAFT = operation("draftPartnershipArrangements", ARRANGEMENT)
SIGN = operation("signPartnershipArrangements", ARRANGEMENT)
READ_ARRANGEMENTS = "query($p: ID!) { partnershipArrangements(partnershipId: $p) { version status scrutineer } }"
INCIDENT = """incident { id status kind childIds children { ageYears sex } description rapidReviewId
  notification { dueAt workingDaysLeft overdue metOnTime } } errors { code message field }"""
RECORD = operation("recordSeriousIncident", INCIDENT)
NOTIFY = operation("notifySeriousIncident", INCIDENT)
REVIEW = """review { id status due { dueAt workingDaysLeft metOnTime } reviewers decision reasons localReviewStatus
  localReviewDueOn agencySummaries { agency { name } status summary submittedBy } } errors { code message field }"""
START = operation("startRapidReview", REVIEW)
SUBMIT = operation("submitAgencySummary", REVIEW)
DECIDE = operation("recordRapidReviewDecision", REVIEW)
READ_INCIDENT = "query($id: ID!) { seriousIncident(id: $id) { id childIds description children { ageYears } } }"
LESSON = "mutation($input: PublishLessonInput!) { publishLesson(input: $input) { lesson { id title themes " \
         "agencies { name } } errors { code message field } } }"
LESSONS = "query($f: LessonFilter) { lessons(filter: $f) { totalCount edges { node { title partnershipName } } } }"
INBOX = "query($k: [NotificationKind!]) { notifications(filter: {kinds: $k}) { edges { node { kind summary } } } }"
DEATH = """childDeath { id caseNumber ageBand sex unexpected jointAgencyResponse circumstances status
  reports { agency { name } status involvement } analysis { category modifiability factors { domain contribution } } }
  errors { code message field }"""
NOTIFY_DEATH = operation("notifyChildDeath", DEATH)
REPORT = operation("submitChildDeathReport", DEATH)
ANALYSE = operation("recordChildDeathAnalysis", DEATH)
STATISTICS = """query($c: ID!) { childDeathStatistics(cdopId: $c) { childPopulation partnerships
  total { count ratePer100k } byCategory { label count ratePer100k } byModifiability { label count } } }"""
EXPORT = "query($c: ID!) { nationalChildDeathExport(cdopId: $c) }"
PANELS = "{ childDeathOverviewPanels { id name } }"
REPORT_QUERY = """query($p: ID!) { partnershipReport(partnershipId: $p) { reviewTimeliness { label count }
  timeliness { rating answeredOnTime } csv } }"""


@pytest.fixture(scope="module", params=BACKENDS)
def w(request, tmp_path_factory):
    with world(request, tmp_path_factory, london(2026, 6, 15, 10, 0)) as it:
        yield it


def data(response, field: str) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"][field]


def ok(response, field: str) -> dict[str, Any]:
    payload = data(response, field)
    assert payload["errors"] == [], payload
    return payload


def rules(w, response) -> list[tuple[str, str, str]]:
    return [(e["action"], e["decision"], e["rule"]) for e in w.audit(response.headers["x-request-id"])]


def northbridge(w) -> str:
    [row] = w.rows(select(t.Partnership).where(t.Partnership.code == "NB"))
    return row.id


def test_the_partnership_publishes_its_arrangements_with_all_three_signatures(w) -> None:
    paula = w.caller(PAULA, "PARTNERSHIP_ASSURANCE", "ARRANGEMENTS-2027")
    council, police, icb = w.agency("Northbridge Council"), w.agency("Northbridge Police"), w.agency("Northbridge Int")
    school = w.agency("Northbridge Primary")
    draft = {"partnershipId": northbridge(w), "areaCovered": "Northbridge and Eastmoor.",
             "resourcing": "Equal shares from the three lead partners.", "independentScrutiny": "Twice a year.",
             "scrutineer": "Sid Scrutineer", "relevantAgencies": [{"agencyId": school, "participation": "Education."}],
             "leadPartners": [
                 {"partner": "LOCAL_AUTHORITY", "agencyId": council, "lead": "Chief Executive", "delegate": "DCS"},
                 {"partner": "POLICE", "agencyId": police, "lead": "Chief Constable", "delegate": "DCS PP"},
                 {"partner": "INTEGRATED_CARE_BOARD", "agencyId": icb, "lead": "Chief Executive", "delegate": "CNO"}]}
    # The ICB lead partner must be a health body: a school is refused, with the field at fault.
    wrong = {**draft, "leadPartners": [*draft["leadPartners"][:2], {**draft["leadPartners"][2], "agencyId": school}]}
    refused = data(paula.post(DRAFT, {"input": wrong}), "draftPartnershipArrangements")
    assert refused["errors"][0]["field"] == "leadPartners"
    response = paula.post(DRAFT, {"input": draft})
    arrangement = ok(response, "draftPartnershipArrangements")["arrangement"]
    assert (arrangement["version"], arrangement["status"]) == (2, "DRAFT")  # the demo published version 1
    assert rules(w, response)[-1] == ("draft", "ALLOW", "partnership_manager_drafts_arrangements")
    signing = {"input": {"arrangementId": arrangement["id"]}}
    # A social worker is not a signatory; the scrutineer reads the draft but cannot sign it.
    assert data(w.caller(SAM, "PARTNERSHIP_ASSURANCE").post(SIGN, signing),
                "signPartnershipArrangements")["errors"][0]["code"] in {"NOT_FOUND", "FORBIDDEN"}
    sid = w.caller(SID, "PARTNERSHIP_ASSURANCE", "SCRUTINY-2027")
    assert [v["status"] for v in data(sid.post(READ_ARRANGEMENTS, {"p": northbridge(w)}), "partnershipArrangements")
            ] == ["DRAFT", "PUBLISHED"]
    assert data(sid.post(SIGN, signing), "signPartnershipArrangements")["errors"][0]["code"] == \
        "FORBIDDEN"
    for email, waiting in ((LENA, ["POLICE", "INTEGRATED_CARE_BOARD"]), (COLIN, ["INTEGRATED_CARE_BOARD"]),
                           (IRIS, [])):
        response = w.caller(email, "PARTNERSHIP_ASSURANCE", "ARRANGEMENTS-2027").post(SIGN, signing)
        signed = ok(response, "signPartnershipArrangements")["arrangement"]
        assert signed["awaitingSignatureFrom"] == waiting
        assert rules(w, response)[-1] == ("sign", "ALLOW", "lead_partner_signs_arrangements")
    assert signed["status"] == "PUBLISHED"
    assert [s["partner"] for s in signed["signatures"]] == ["LOCAL_AUTHORITY", "POLICE", "INTEGRATED_CARE_BOARD"]
    # Signing twice is a conflict; anyone reads what is published (a DSL, for her own purpose), not the drafts.
    again = w.caller(LENA, "PARTNERSHIP_ASSURANCE").post(SIGN, signing)
    assert data(again, "signPartnershipArrangements")["errors"][0]["code"] == "CONFLICT"
    dee = w.caller(DEE, "EDUCATION_SAFEGUARDING", "DSL-2026-14")
    assert data(dee.post(READ_ARRANGEMENTS, {"p": northbridge(w)}), "partnershipArrangements") == [
        {"version": 2, "status": "PUBLISHED", "scrutineer": "Sid Scrutineer"}]
    # The public page, without signing in: the new version, and the reading on the ledger as anyone's.
    page = w.http.get("/portal/arrangements/NB", headers={"X-Request-Id": "public-arrangements-test-1"})
    assert page.status_code == 200 and "Version 2, published" in page.text and "Signed in as" not in page.text
    [event] = w.audit("public-arrangements-test-1")
    assert (event["client_id"], event["action"], event["decision"], event["rule"], event["resource_id"]) == (
        "public", "read", "ALLOW", "anyone_reads_published_arrangements", arrangement["id"])
    missing = w.http.get("/portal/arrangements/SV", headers={"X-Request-Id": "public-arrangements-test-2"})
    assert missing.status_code == 404
    assert [(e["decision"], e["reason"]) for e in w.audit("public-arrangements-test-2")] == [
        ("DENY", "nothing published for 'SV'")]


def test_the_secretary_of_states_representative_sets_the_intervention_status(w) -> None:
    query = """mutation($input: SetPartnershipInterventionInput!) { setPartnershipIntervention(input: $input) {
        intervention { status reason setBy } errors { code } } }"""
    variables = {"input": {"partnershipId": northbridge(w), "status": "UNDER_REVIEW",
                           "reason": "The yearly report was not published on time."}}
    response = w.caller(SOL, "PARTNERSHIP_ASSURANCE", "DFE-2026-7").post(query, variables)
    assert ok(response, "setPartnershipIntervention")["intervention"] == {
        "status": "UNDER_REVIEW", "reason": "The yearly report was not published on time.", "setBy": "Sol State"}
    assert rules(w, response) == [("set_intervention", "ALLOW", "secretary_of_state_sets_intervention_status")]
    refused = w.caller(PAULA, "PARTNERSHIP_ASSURANCE").post(query, variables)
    assert data(refused, "setPartnershipIntervention")["errors"] == [{"code": "NOT_FOUND"}]


@pytest.fixture(scope="module")
def child(w) -> dict[str, Any]:
    """A synthetic Northbridge pupil of the primary school, known to the NHS trust."""
    primary = w.agency("Northbridge Primary")
    links = w.rows(select(t.AgencyRecordLink).where(t.AgencyRecordLink.agency_id == primary,
                                                    t.AgencyRecordLink.kind == "ROLL"))
    names = {"Amelia", "Leo"}
    for link in links:
        [row] = w.rows(select(t.Child).where(t.Child.id == link.child_id))
        if row.given_name not in names and row.date_of_birth is not None:
            return {"id": row.id, "given": row.given_name, "family": row.family_name, "nhs": row.nhs_number}
    raise AssertionError("no demo pupil")


@pytest.fixture(scope="module")
def incident(w, child) -> dict[str, Any]:
    sam = w.caller(SAM, "SERIOUS_INCIDENT_REVIEW", "SI-2026-03")
    response = sam.post(RECORD, {"input": {"childIds": [child["id"]], "kind": "SERIOUS_HARM",
                                           "awareAt": london(2026, 6, 15, 8, 30).isoformat(),
                                           "description": f"{child['given']} was admitted with injuries."}})
    recorded = ok(response, "recordSeriousIncident")["incident"]
    assert rules(w, response) == [("record_incident", "ALLOW", "local_authority_records_serious_incident")]
    return recorded


def test_the_local_authority_sees_the_five_working_day_countdown_and_is_warned_before_it_runs_out(
        w, child, incident) -> None:
    assert incident["notification"] == {"dueAt": "2026-06-22T16:00:00+00:00", "workingDaysLeft": 5,
                                        "overdue": False, "metOnTime": None}
    assert incident["childIds"] == [child["id"]] and incident["status"] == "AWARE"
    # Five children are one too many for one notification.
    too_many = w.caller(SAM, "SERIOUS_INCIDENT_REVIEW").post(RECORD, {"input": {
        "childIds": ["a", "b", "c", "d", "e"], "kind": "DEATH", "awareAt": london(2026, 6, 15, 8).isoformat(),
        "description": "Five children in one incident."}})
    assert data(too_many, "recordSeriousIncident")["errors"][0]["field"] == "childIds"
    # The police do not record serious incidents: the local authority does.
    police = w.caller(MAX, "SERIOUS_INCIDENT_REVIEW").post(RECORD, {"input": {
        "childIds": [child["id"]], "kind": "DEATH", "awareAt": london(2026, 6, 15, 8).isoformat(),
        "description": "An incident the police saw."}})
    assert data(police, "recordSeriousIncident")["errors"][0]["code"] == "NOT_FOUND"
    # On the morning of the last working day the worker warns whoever recorded it.
    w.clock.set(london(2026, 6, 22, 9, 5))
    assert w.worker().run_until_idle() >= 1
    sam = w.caller(SAM, "SERIOUS_INCIDENT_REVIEW", "SI-2026-03")
    seen = data(sam.post(READ_INCIDENT.replace("children { ageYears }", "notification { workingDaysLeft }"),
                         {"id": incident["id"]}), "seriousIncident")
    assert seen["notification"] == {"workingDaysLeft": 0}
    inbox = data(w.caller(SAM, "S47_ENQUIRY").post(INBOX, {"k": ["SERIOUS_INCIDENT_NOTIFICATION_DUE"]}),
                 "notifications")
    assert [e["node"]["kind"] for e in inbox["edges"]] == ["SERIOUS_INCIDENT_NOTIFICATION_DUE"]
    response = sam.post(NOTIFY, {"input": {"incidentId": incident["id"]}})
    notified = ok(response, "notifySeriousIncident")["incident"]
    assert notified["status"] == "NOTIFIED" and notified["notification"]["metOnTime"] is True
    assert rules(w, response) == [("notify", "ALLOW", "local_authority_notifies_national_panel")]


@pytest.fixture(scope="module")
def review(w, incident) -> dict[str, Any]:
    w.clock.set(london(2026, 6, 22, 11, 0))
    [rita] = w.rows(select(t.Practitioner).where(t.Practitioner.email == RITA))
    paula = w.caller(PAULA, "SERIOUS_INCIDENT_REVIEW", "RR-2026-03")
    response = paula.post(START, {"input": {"incidentId": incident["id"], "reviewerIds": [rita.id], "agencyIds": [
        w.agency("Northbridge Police"), w.agency("Northbridge NHS")]}})
    started = ok(response, "startRapidReview")["review"]
    assert rules(w, response) == [("start_review", "ALLOW", "partnership_manager_starts_rapid_review")]
    return started


def test_a_rapid_review_collects_summaries_from_police_and_health_and_records_its_decision(
        w, child, incident, review) -> None:
    assert review["due"] == {"dueAt": "2026-07-13T16:00:00+00:00", "workingDaysLeft": 15, "metOnTime": None}
    assert [s["status"] for s in review["agencySummaries"]] == ["REQUESTED", "REQUESTED"]
    # Each agency asked hears of it at its front door (the police's MASH lead, the trust's safeguarding team).
    for email, purpose in ((MAX, "MASH_TRIAGE"), (HANA, "HEALTH_SAFEGUARDING")):
        inbox = data(w.caller(email, purpose).post(INBOX, {"k": ["AGENCY_SUMMARY_REQUESTED"]}), "notifications")
        assert len(inbox["edges"]) == 1, email
    max_, hana = (w.caller(email, "SERIOUS_INCIDENT_REVIEW", "RR-2026-03") for email in (MAX, HANA))
    # The agencies asked know which child: they must look at their own records.
    assert data(max_.post(READ_INCIDENT, {"id": incident["id"]}), "seriousIncident")["childIds"] == [child["id"]]
    for caller, text in ((max_, "Two call-outs to the home in 2026; no referral made after the second."),
                         (hana, "Health visitor contact missed twice; the GP was not told of the call-outs.")):
        response = caller.post(SUBMIT, {"input": {"reviewId": review["id"], "summary": text}})
        submitted = ok(response, "submitAgencySummary")["review"]
        assert rules(w, response) == [("submit_summary", "ALLOW", "asked_agency_submits_agency_summary")]
    # An agency asked reads its own summary, never another's.
    assert [s["summary"] is not None for s in submitted["agencySummaries"]] == [True, False] or \
        [s["summary"] is not None for s in submitted["agencySummaries"]] == [False, True]
    # The reviewer reads every summary submitted, and the incident without the child's identity.
    rita = w.caller(RITA, "SERIOUS_INCIDENT_REVIEW", "RR-2026-03")
    seen = data(rita.post(READ_INCIDENT, {"id": incident["id"]}), "seriousIncident")
    assert seen["childIds"] == [] and seen["children"][0]["ageYears"] is not None
    response = rita.post(DECIDE, {"input": {"reviewId": review["id"], "decision": "LOCAL_REVIEW",
                                            "reasons": "Learning about information sharing between police and "
                                                       "health; a local review will examine it."}})
    decided = ok(response, "recordRapidReviewDecision")["review"]
    assert (decided["status"], decided["decision"], decided["localReviewStatus"]) == (
        "DECIDED", "LOCAL_REVIEW", "IN_PROGRESS")
    assert decided["localReviewDueOn"] == "2026-12-22" and decided["due"]["metOnTime"] is True
    assert all(s["summary"] for s in decided["agencySummaries"])
    assert rules(w, response) == [("decide", "ALLOW", "assigned_reviewer_records_review_decision")]
    # Nobody else decides: not the partnership manager, not an agency asked.
    for caller in (w.caller(PAULA, "SERIOUS_INCIDENT_REVIEW"), max_):
        refused = data(caller.post(DECIDE, {"input": {"reviewId": review["id"], "decision": "NO_FURTHER_REVIEW",
                                                      "reasons": "An attempt to decide for the reviewers."}}),
                       "recordRapidReviewDecision")
        assert refused["errors"][0]["code"] == "FORBIDDEN"


def test_a_lesson_is_published_de_identified_and_reaches_the_agencies_it_names(w, child, incident, review) -> None:
    paula = w.caller(PAULA, "SERIOUS_INCIDENT_REVIEW", "RR-2026-03")
    police, primary = w.agency("Northbridge Police"), w.agency("Northbridge Primary")
    lesson = {"incidentId": incident["id"], "title": "Tell the school after a second call-out",
              "summary": f"When {child['given']} was seen twice, nobody told the school.",
              "themes": ["INFORMATION_SHARING"],
              "agencyIds": [police, primary]}
    refused = data(paula.post(LESSON, {"input": lesson}), "publishLesson")
    assert refused["errors"][0]["field"] == "summary" and child["given"] in refused["errors"][0]["message"]
    lesson["summary"] = "After a second call-out to a home, police tell the child's school through Encompass."
    response = paula.post(LESSON, {"input": lesson})
    published = ok(response, "publishLesson")["lesson"]
    assert {a["name"] for a in published["agencies"]} == {"Northbridge Police", "Northbridge Primary School"}
    assert rules(w, response) == [("publish_lesson", "ALLOW", "partnership_manager_publishes_lesson")]
    # The school's DSL is sent it, and finds it by searching, as any practitioner of the partnership can.
    dee = w.caller(DEE, "EDUCATION_SAFEGUARDING", "DSL-2026-14")
    inbox = data(dee.post(INBOX, {"k": ["LESSON_PUBLISHED"]}), "notifications")
    assert [e["node"]["summary"] for e in inbox["edges"]] == [
        "A lesson for your agency from a practice review: Tell the school after a second call-out"]
    found = data(dee.post(LESSONS, {"f": {"text": "call-out", "theme": "INFORMATION_SHARING"}}), "lessons")
    assert found["totalCount"] == 1
    # Southvale's social worker does not see Northbridge's lessons; the national panel sees every partnership's.
    assert data(w.caller("sue.social@council.southvale.example", "S47_ENQUIRY").post(LESSONS, {}),
                "lessons")["totalCount"] == 0
    nina = w.caller(NINA, "SERIOUS_INCIDENT_REVIEW", "PANEL-2026")
    national = data(nina.post(LESSONS, {}), "lessons")
    assert national["edges"][0]["node"]["partnershipName"] == "Northbridge Safeguarding Children Partnership"
    # The panel sees the incidents notified to it, across partnerships, without the children's identities.
    incidents = data(nina.post("{ seriousIncidents { totalCount edges { node { id childIds status } } } }"),
                     "seriousIncidents")
    assert incidents["totalCount"] == 1
    assert incidents["edges"][0]["node"] == {"id": incident["id"], "childIds": [], "status": "NOTIFIED"}


@pytest.fixture(scope="module")
def death(w, child) -> dict[str, Any]:
    w.clock.set(london(2026, 6, 23, 10, 0))
    hana = w.caller(HANA, "CHILD_DEATH_REVIEW", "CDR-NOTIFY")
    response = hana.post(NOTIFY_DEATH, {"input": {
        "childId": child["id"], "dateOfDeath": "2026-06-21", "unexpected": True, "placeOfDeath": "hospital",
        "circumstances": f"{child['given']} {child['family']} was brought to the emergency department."}})
    notified = ok(response, "notifyChildDeath")["childDeath"]
    assert rules(w, response) == [("notify_child_death", "ALLOW", "any_agency_notifies_child_death")]
    return notified


def test_a_child_death_is_notified_reported_by_two_agencies_and_analysed_de_identified(w, child, death) -> None:
    assert death["jointAgencyResponse"] is True and death["status"] == "AWAITING_REPORTS"
    asked = {r["agency"]["name"] for r in death["reports"]}
    assert {"Northbridge NHS Foundation Trust", "Northbridge Primary School"} <= asked
    for email, purpose, text in ((HANA, "CHILD_DEATH_REVIEW", f"{child['given']} was under the health visitor."),
                                 (DEE, "CHILD_DEATH_REVIEW", f"{child['given']}'s attendance fell in spring.")):
        response = w.caller(email, purpose, "CDR-REPORT").post(REPORT, {"input": {
            "childDeathId": death["id"], "involvement": text}})
        ok(response, "submitChildDeathReport")
        assert rules(w, response) == [("report", "ALLOW", "asked_agency_submits_reporting_form")]
    cara = w.caller(CARA, "CHILD_DEATH_REVIEW", "CDOP-2026-06")
    response = cara.post(ANALYSE, {"input": {
        "childDeathId": death["id"], "category": "TRAUMA_AND_OTHER_EXTERNAL_FACTORS",
        "learning": "Agencies should share call-outs with health visitors.", "factors": [
            {"domain": "CHILD", "contribution": "NONE_IDENTIFIED"},
            {"domain": "SOCIAL_ENVIRONMENT", "contribution": "MAY_HAVE_CONTRIBUTED", "factors": "Domestic abuse."},
            {"domain": "SERVICE_DELIVERY", "contribution": "MAY_HAVE_CONTRIBUTED", "factors": "No referral."}]}})
    analysed = ok(response, "recordChildDeathAnalysis")["childDeath"]
    assert rules(w, response) == [("analyse", "ALLOW", "cdop_member_records_panel_analysis")]
    assert analysed["analysis"]["modifiability"] == "MODIFIABLE_FACTORS_IDENTIFIED"
    text = response.text
    for identity in (child["given"], child["family"], child["id"], child["nhs"]):
        assert identity not in text, identity
    assert "[the child]" in analysed["circumstances"]
    # The panel's statistics and the national export: de-identified, small numbers suppressed.
    [panel] = data(cara.post(PANELS), "childDeathOverviewPanels")
    stats = data(cara.post(STATISTICS, {"c": panel["id"]}), "childDeathStatistics")
    # The demo's panel analysed 12 deaths earlier in the year: 13 in all, 15.5 per 100,000 of 83,900 children.
    assert stats["childPopulation"] == 48_200 + 35_700 and stats["total"] == {"count": "13", "ratePer100k": "15.5"}
    by_category = {cell["label"]: cell for cell in stats["byCategory"]}
    assert by_category["TRAUMA_AND_OTHER_EXTERNAL_FACTORS"] == {
        "label": "TRAUMA_AND_OTHER_EXTERNAL_FACTORS", "count": "<5", "ratePer100k": "<5"}
    export = data(cara.post(EXPORT, {"c": panel["id"]}), "nationalChildDeathExport")
    lines = export.splitlines()
    assert lines[0] == "# hub-cdop-export/1" and lines[1].startswith("case_number,cdop_code,partnership_code")
    [ours] = [line for line in lines if line.startswith(death["caseNumber"] + ",")]
    assert ",3,TRAUMA_AND_OTHER_EXTERNAL_FACTORS,NONE_IDENTIFIED,MAY_HAVE_CONTRIBUTED," in ours
    assert len(lines) == 2 + 13
    for identity in (child["given"], child["family"], child["id"], child["nhs"]):
        assert identity not in export
    # Not a CDOP member: no statistics, no export, no case.
    for email, purpose in ((HANA, "CHILD_DEATH_REVIEW"), (SID, "PARTNERSHIP_ASSURANCE")):
        caller = w.caller(email, purpose)
        assert data(caller.post(STATISTICS, {"c": panel["id"]}), "childDeathStatistics") is None
        assert data(caller.post(EXPORT, {"c": panel["id"]}), "nationalChildDeathExport") is None


def test_the_scrutineer_sees_the_statistics_and_no_childs_identity(w, child, incident, review, death) -> None:
    sid = w.caller(SID, "PARTNERSHIP_ASSURANCE", "SCRUTINY-2027")
    response = sid.post(REPORT_QUERY, {"p": northbridge(w)})
    report = data(response, "partnershipReport")
    cells = {c["label"]: c["count"] for c in report["reviewTimeliness"]}
    assert cells["NOTIFIED_ON_TIME"] == "<5" and cells["RAPID_REVIEW_ON_TIME"] == "<5"
    assert cells["LOCAL_REVIEW_IN_PROGRESS"] == "<5" and cells["NOTIFIED_LATE"] == "0"
    assert report["csv"].splitlines()[0] == "section,label,count,rate_per_100000"
    assert "review_timeliness,NOTIFIED_ON_TIME,<5," in report["csv"]
    for identity in (child["given"], child["family"], child["id"], child["nhs"]):
        assert identity not in response.text
    assert rules(w, response) == [("read", "ALLOW", "partnership_assurance_reads_own_partnership")]
    # Nothing else of the review or the child is the scrutineer's to read.
    assert data(sid.post(READ_INCIDENT, {"id": incident["id"]}), "seriousIncident") is None
    assert data(sid.post("query($id: ID!) { rapidReview(id: $id) { status } }", {"id": review["id"]}),
                "rapidReview") is None
    assert data(sid.post("query($id: ID!) { child(id: $id) { givenName } }", {"id": child["id"]}), "child") is None
    assert data(sid.post("query($id: ID!) { childDeath(id: $id) { caseNumber } }", {"id": death["id"]}),
                "childDeath") is None


def test_free_text_about_the_children_is_sealed_at_rest(w, incident, review, death) -> None:
    from hub.storage import partnership_tables as pt

    stored = [*(row.description for row in w.rows(select(pt.SeriousIncident))),
              *(row.summary for row in w.rows(select(pt.ReviewSummary)) if row.summary),
              *(row.circumstances for row in w.rows(select(pt.ChildDeath))),
              *(row.involvement for row in w.rows(select(pt.ChildDeathReport)) if row.involvement)]
    assert len(stored) >= 5 and all(text.startswith("sealed:") for text in stored)


def test_a_review_not_yours_looks_exactly_like_no_review(w, review) -> None:
    sue = w.caller("sue.social@council.southvale.example", "SERIOUS_INCIDENT_REVIEW")
    for mutation, extra in ((SUBMIT, {"summary": "A summary from an agency nobody asked."}),
                            (DECIDE, {"decision": "NO_FURTHER_REVIEW", "reasons": "Reasons from an outsider here."})):
        field = "submitAgencySummary" if mutation is SUBMIT else "recordRapidReviewDecision"
        real = data(sue.post(mutation, {"input": {"reviewId": review["id"], **extra}}), field)
        absent = data(sue.post(mutation, {"input": {"reviewId": "00000000-0000-0000-0000-000000000000", **extra}}),
                      field)
        assert real == absent and real["errors"][0]["code"] == "NOT_FOUND", (real, absent)
