"""Information requests in a real browser: the MASH asks the school, and Dee answers with a recorded
decision; Dee asks the MASH about a pupil, the MASH shares, and the answer and the shared plan reach her."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from hub.bootstrap import Hub
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner
from tests.conftest import LiveServer
from tests.e2e.test_dsl_portal import child_id
from tests.portal import DEE

MIA = "mia.mash@council.northbridge.example"
CREATE = """mutation($input: CreateInformationRequestInput!) { createInformationRequest(input: $input) {
  informationRequest { id } errors { code field message } } }"""
DECIDE = """mutation($input: DecideInformationRequestInput!) { decideInformationRequest(input: $input) {
  informationRequest { id } errors { code field message } } }"""


def agency_id(hub: Hub, code: str) -> str:
    with UnitOfWork(hub.session_factory) as uow:
        found = uow.session.scalar(select(t.Agency.id).where(t.Agency.official_code == code))
    assert found
    return found


def mash(hub: Hub, server: LiveServer, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        body = as_practitioner(hub, http, MIA, "MASH_TRIAGE", "MASH-2026-0871").gql(query, variables)
    payload: dict[str, Any] = next(iter(body["data"].values()))
    assert payload["errors"] == [], body
    return payload


def test_the_mash_asks_the_school_and_the_dsl_records_a_decision(person: Any, portal_hub: Hub,
                                                                   portal_server: LiveServer) -> None:
    amelia = child_id(portal_hub, "Amelia", "Hart")
    asked = mash(portal_hub, portal_server, CREATE, {"input": {
        "childId": amelia, "targetAgencyIds": [agency_id(portal_hub, "190001")],
        "categories": ["ATTENDANCE_CONCERN", "SCHOOL_CONCERN"],
        "justification": "Referral from a neighbour; we need the school's view of Amelia this term.",
        "consent": {"status": "NOT_SOUGHT", "reason": "Asking could alert the father."}, "rating": "AMBER"}})
    request_id = asked["informationRequest"]["id"]

    dee = person()
    dee.sign_in(DEE)
    page = dee.page
    row = page.locator("tbody tr", has=page.locator(f"a[href='/portal/requests/{request_id}']")).first
    assert "To answer" in row.inner_text() and "Amber" in row.inner_text()
    row.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Request for information about Amelia Hart").is_visible()
    dee.check("14-dsl-request-to-answer")
    page.get_by_role("button", name="Record decision").click()  # nothing chosen
    page.wait_for_load_state()
    assert "Select whether your school shares the information" in page.locator(".govuk-error-summary").inner_text()
    dee.check("15-dsl-request-errors")
    page.get_by_label("Share all of it").check()
    page.get_by_label("Your rationale").fill("Attendance and our concerns are relevant to the MASH's triage.")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your decision has been recorded").is_visible()
    with UnitOfWork(portal_hub.session_factory) as uow:
        decided = uow.session.execute(select(t.RequestTarget.decision, t.RequestTarget.shared_categories).where(
            t.RequestTarget.request_id == request_id)).one()
    assert decided.decision == "SHARE_ALL" and set(decided.shared_categories) == {"ATTENDANCE_CONCERN",
                                                                                  "SCHOOL_CONCERN"}


def test_the_dsl_asks_the_mash_and_reads_what_it_shares(person: Any, portal_hub: Hub,
                                                         portal_server: LiveServer) -> None:
    amelia = child_id(portal_hub, "Amelia", "Hart")
    dee = person()
    dee.sign_in(DEE)
    page = dee.page
    page.goto(f"/portal/children/{amelia}")
    assert "emotional abuse" not in dee.main_text()  # the council's plan: its flag only, for now
    page.get_by_role("button", name="Ask for information").click()
    page.wait_for_load_state()
    dee.check("16-dsl-ask-for-information")
    page.get_by_label("Child protection plan", exact=True).check()
    page.get_by_label("Why do you need it?").fill("Amelia disclosed worries about home; we need to know the "
                                                  "plan to support her in school.")
    page.get_by_label("Amber").check()
    page.get_by_label("Not sought").check()
    page.get_by_label("Why consent was not given or sought (if it was not)").fill("Asking could alert the father.")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your request has been sent").is_visible()
    request_id = page.url.split("/portal/requests/")[1].split("?")[0]
    assert "Waiting" in page.locator(".govuk-summary-card").inner_text()
    dee.check("17-dsl-request-sent")

    mash(portal_hub, portal_server, DECIDE, {"input": {
        "requestId": request_id, "decision": "SHARE_ALL", "reasonCodes": ["SHARED"],
        "rationale": "The school needs the plan to support Amelia day to day."}})
    page.goto(f"/portal/requests/{request_id}")
    answer = page.locator(".govuk-summary-card").inner_text()
    assert "Answered" in answer and "The school needs the plan" in answer and "Mia Mash" in answer
    dee.check("18-dsl-request-answered")
    page.get_by_role("link", name="open the chronology").click()
    page.wait_for_load_state()
    assert "emotional abuse" in dee.main_text()  # granted: the plan's summary and detail are readable now
