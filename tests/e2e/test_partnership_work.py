"""The partnership's work in a real browser, each page checked with axe-core and at 320px: a partnership manager
publishes a lesson (checking the answers first), a practitioner of an agency it names finds it among the lessons
sent to their agency and reads it; the manager drafts a new version of the arrangements, Lena, Colin and Iris
each sign it, and the public page then shows the new version. A DSL and another partnership's social worker
cannot open the manager's or the signatories' pages."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from hub.bootstrap import Hub
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner
from tests.conftest import LiveServer

PAULA = "paula.partnership@council.northbridge.example"
SAM = "sam.social@council.northbridge.example"
PAT = "pat.police@police.northbridge.example"
DEE = "dee.dsl@primary.northbridge.example"
SUE = "sue.social@council.southvale.example"
LENA = "lena.lead@council.northbridge.example"
COLIN = "colin.chief@police.northbridge.example"
IRIS = "iris.icb@icb.northbridge.example"
RECORD = """mutation($input: RecordSeriousIncidentInput!) { recordSeriousIncident(input: $input) {
  incident { id } errors { code message field } } }"""


def record_incident(hub: Hub, server: LiveServer) -> str:
    """Sam, of the local authority, records a serious incident through the API, as the council's system would."""
    with UnitOfWork(hub.session_factory) as uow:
        child = uow.session.scalar(select(t.Child.id).where(t.Child.given_name == "Amelia",
                                                            t.Child.family_name == "Hart"))
    with httpx.Client(base_url=server.url, timeout=30) as http:
        sam = as_practitioner(hub, http, SAM, "SERIOUS_INCIDENT_REVIEW", "SI-E2E-1")
        body = sam.gql(RECORD, {"input": {"childIds": [child], "kind": "SERIOUS_HARM",
                                          "awareAt": "2026-11-30T09:00:00+00:00",
                                          "description": "Admitted to hospital with injuries."}})
    recorded = body["data"]["recordSeriousIncident"]
    assert recorded["errors"] == [], body
    return str(recorded["incident"]["id"])


def test_a_manager_publishes_a_lesson_and_the_agency_it_names_reads_it(person: Any, portal_hub: Hub,
                                                                      portal_server: LiveServer) -> None:
    record_incident(portal_hub, portal_server)
    paula = person()
    paula.sign_in(PAULA)
    page = paula.page
    page.get_by_role("link", name="Lessons from reviews").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Lessons from reviews").is_visible()
    paula.check("70-lessons")
    page.get_by_role("link", name="Publish a lesson").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Publish a lesson").is_visible()
    paula.check("71-lesson-publish")
    page.get_by_role("button", name="Continue").click()  # nothing filled in: every question is asked again
    page.wait_for_load_state()
    assert "There is a problem" in paula.main_text() and "Enter a title for the lesson" in paula.main_text()
    paula.check("72-lesson-publish-errors")
    page.get_by_label("Title").fill("Ask the school what the child said")
    page.get_by_label("What was learned").fill("Agencies held pieces of what the child had told staff at school; "
                                               "asking the school first would have shown the whole picture.")
    page.get_by_label("Information sharing").check()
    page.get_by_label("Voice of the child").check()
    page.get_by_label("Northbridge Police").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check before you publish").is_visible()
    assert "Northbridge Police" in paula.main_text() and "Voice of the child" in paula.main_text()
    paula.check("73-lesson-check")
    page.get_by_role("button", name="Change what was learned").click()  # back to the form, answers kept
    page.wait_for_load_state()
    summary = page.get_by_label("What was learned")
    assert "the whole picture" in summary.input_value()
    summary.fill(summary.input_value() + " Amelia had told her teacher.")  # the review's child, by name
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Publish the lesson").click()
    page.wait_for_load_state()
    assert "must not identify the child: remove Amelia" in paula.main_text()  # refused by the service
    paula.check("73-lesson-names-a-child")
    page.get_by_label("What was learned").fill("Agencies held pieces of what the child had told staff at school; "
                                               "asking the school first would have shown the whole picture.")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Publish the lesson").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Ask the school what the child said").is_visible()
    assert "Lesson published" in paula.main_text()
    paula.check("74-lesson-published")

    pat = person()  # a police officer: the lesson was sent to his agency
    pat.sign_in(PAT)
    page = pat.page
    page.get_by_role("link", name="Lessons from reviews").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Publish a lesson").count() == 0  # the manager's, not his
    page.get_by_role("link", name="Lessons sent to your agency").click()
    page.wait_for_load_state()
    assert "sent to your agency" in pat.main_text()
    pat.check("75-lessons-for-your-agency")
    page.get_by_label("Words in the title or lesson").fill("whole picture")
    page.get_by_role("button", name="Search lessons").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Ask the school what the child said").click()
    page.wait_for_load_state()
    assert "asking the school first" in pat.main_text() and "Amelia" not in pat.main_text()
    pat.check("76-lesson")
    lesson_url = page.url
    response = page.goto("/portal/lessons/publish")
    assert response is not None and response.status == 403

    sue = person()  # another partnership's social worker: Northbridge's lesson is not hers to read
    sue.sign_in(SUE)
    response = sue.page.goto(lesson_url)
    assert response is not None and response.status == 404
    sue.page.goto("/portal/lessons?words=whole+picture")
    assert "No lessons match your search." in sue.main_text()


def test_the_manager_drafts_the_arrangements_and_the_three_lead_partners_sign_them(person: Any) -> None:
    paula = person()
    paula.sign_in(PAULA)
    page = paula.page
    page.get_by_role("link", name="Arrangements").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Safeguarding arrangements").is_visible()
    paula.check("80-arrangements")
    page.get_by_role("link", name="Draft a new version").click()
    page.wait_for_load_state()
    paula.check("81-arrangements-draft")
    area = page.get_by_label("Area covered")
    covered = area.input_value()
    area.fill("")
    page.get_by_role("button", name="Save the draft for signature").click()
    page.wait_for_load_state()
    assert "Say which area the arrangements cover." in paula.main_text()  # the service's check, on the form
    paula.check("81-arrangements-draft-error")
    page.get_by_label("Area covered").fill(covered)
    page.get_by_label("Yearly report").fill("Yearly report 2026-27: published in the portal for all partners.")
    page.get_by_role("button", name="Save the draft for signature").click()
    page.wait_for_load_state()
    assert "Draft saved" in paula.main_text() and "Not signed yet" in paula.main_text()
    assert page.get_by_role("button", name="Sign version").count() == 0  # the manager drafts; lead partners sign
    paula.check("82-arrangements-drafted")

    for number, email in enumerate((LENA, COLIN, IRIS)):
        signatory = person()
        signatory.sign_in(email)
        page = signatory.page
        assert page.url.endswith("/portal/partnership/arrangements")  # their home
        assert page.get_by_role("link", name="Draft a new version").count() == 0
        page.get_by_role("button", name="Sign version").click()
        page.wait_for_load_state()
        expected = "The arrangements are published" if email == IRIS else "You signed the draft"
        assert expected in signatory.main_text()
        signatory.check(f"8{3 + number}-arrangements-signed")
        response = page.goto("/portal/partnership/arrangements/draft")
        assert response is not None and response.status == 403

    visitor = person()
    visitor.page.goto("/portal/arrangements/NB")
    text = visitor.main_text()
    assert "Yearly report 2026-27: published in the portal for all partners." in text
    visitor.check("86-public-arrangements-new-version")


def test_a_dsl_and_another_partnerships_social_worker_cannot_open_the_managers_or_signatories_pages(
        person: Any) -> None:
    for email in (DEE, SUE):
        someone = person()
        someone.sign_in(email)
        page = someone.page
        assert page.get_by_role("link", name="Arrangements").count() == 0
        for path in ("/portal/lessons/publish", "/portal/partnership/arrangements",
                     "/portal/partnership/arrangements/draft"):
            response = page.goto(path)
            assert response is not None and response.status == 403, (email, path)
        someone.check("87-refused")
        response = page.goto("/portal/lessons")  # lessons are for every practitioner: their own partnership's
        assert response is not None and response.status == 200
        assert page.get_by_role("link", name="Publish a lesson").count() == 0
