"""An IG officer in a real browser: finds a school DSL's access to the council's records in the audit
search, reads a child's full access history and partners' accesses, and reviews a break-glass use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from hub.audit.verify import verify_export
from hub.bootstrap import Hub
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner
from tests.conftest import LiveServer
from tests.e2e.test_dsl_portal import child_id
from tests.portal import DEE, IAN

SAM = "sam.social@council.northbridge.example"
DECLARE = """mutation($c: ID!, $r: String!) { declareEmergency(input: {childId: $c, reason: $r}) {
  emergencyAccess { expiresAt } errors { code message } } }"""


def test_an_ig_officer_finds_a_dsls_access_and_reviews_a_break_glass_use(
        person: Any, portal_hub: Hub, portal_server: LiveServer) -> None:
    amelia = child_id(portal_hub, "Amelia", "Hart")
    dee = person()
    dee.sign_in(DEE)
    dee.page.goto("/portal/pupils")  # reads the flags of the council's plans for two pages of pupils
    dee.page.get_by_role("link", name="Next page").click()
    dee.page.wait_for_load_state()
    assert "after=" in dee.page.url
    dee.page.goto(f"/portal/children/{amelia}?case=NBP-DSL-2026-077")  # reads the flag of the council's plan
    with httpx.Client(base_url=portal_server.url, timeout=30) as http:
        sam = as_practitioner(portal_hub, http, SAM, "EMERGENCY", "OOH-2026-311")
        body = sam.gql(DECLARE, {"c": amelia, "r": "Child found alone at night; checking for a plan."})
        assert not body["data"]["declareEmergency"]["errors"], body

    ian = person()
    ian.sign_in(IAN)
    page = ian.page
    assert page.url.endswith("/portal/audit")
    ian.check("20-ig-audit-search")
    page.get_by_label("Practitioner's e-mail address").fill(DEE)
    page.get_by_label("Your review reference").fill("IG-SAR-2026-9")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    rows = page.locator("table.hub-events tbody tr")
    assert rows.count() > 0
    texts = rows.all_inner_texts()
    assert all(DEE in text for text in texts)
    assert any("Case NBP-DSL-2026-077" in text and "Northbridge Council" in text for text in texts)
    ian.check("21-ig-audit-search-results")
    assert page.locator("table.hub-events tbody tr").count() == 25  # a page of them, and the next one follows
    page.get_by_role("link", name="Next page").click()
    page.wait_for_load_state()
    assert "after=" in page.url and page.locator("table.hub-events tbody tr").count() > 0
    assert all(DEE in text for text in page.locator("table.hub-events tbody tr").all_inner_texts())
    assert "page 2 of" in page.locator("#result-count").inner_text()
    page.get_by_role("link", name="Previous page").click()  # back exactly to the first page
    page.wait_for_load_state()
    assert "page 1 of" in page.locator("#result-count").inner_text()
    assert page.locator("table.hub-events tbody tr").all_inner_texts() == texts

    page.locator("table.hub-events a", has_text="Child's access history").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Amelia Hart").is_visible()
    ian.check("22-ig-child-history")
    history = page.locator("table.hub-events").inner_text()
    for _ in range(20):  # oldest first: Sam's emergency comes after the browser tests' earlier reads
        following = page.get_by_role("link", name="Next page")
        if SAM in history or following.count() == 0:
            break
        following.click()
        page.wait_for_load_state()
        history += page.locator("table.hub-events").inner_text()
    assert DEE in history and SAM in history

    page.get_by_role("link", name="Partners' access").click()
    page.get_by_role("button", name="Show accesses").click()
    page.wait_for_load_state()
    assert DEE in page.locator("table.hub-events").inner_text()
    by_agency = page.locator("table", has_text="By agency").inner_text()
    assert "Northbridge Primary School" in by_agency  # partners' accesses grouped by agency
    ian.check("23-ig-partners-access")

    page.get_by_role("link", name="Break-glass reviews").click()
    page.wait_for_load_state()
    card = page.locator(".govuk-summary-card", has_text=SAM).first
    assert "Child found alone at night" in card.inner_text()
    assert "Sam Social" in card.inner_text() and "Amelia Hart, born 14 March 2017" in card.inner_text()
    assert "What was seen" in card.inner_text()
    ian.check("24-ig-break-glass-queue")
    card.get_by_role("button", name="Record review").click()  # nothing chosen: the error summary says so
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    ian.check("25-ig-break-glass-errors")
    card = page.locator(".govuk-summary-card", has_text=SAM).first
    card.get_by_label("Justified", exact=True).check()
    card.get_by_label("What your review found").fill("Confirmed with the out-of-hours team: justified.")
    card.get_by_role("button", name="Record review").click()
    page.wait_for_load_state()
    assert page.get_by_text("Review recorded").is_visible()
    assert "JUSTIFIED: Confirmed with the out-of-hours team" in page.locator("table.hub-events").inner_text()
    ian.check("26-ig-break-glass-reviewed")

    page.get_by_role("link", name="Ledger integrity").click()
    page.wait_for_load_state()
    assert page.get_by_text("Last signed checkpoint").is_visible()
    page.get_by_role("button", name="Verify now").click()
    page.wait_for_load_state()
    assert page.get_by_text("The ledger is intact").is_visible()
    ian.check("27-ig-ledger-verified")

    # Export today's events: Dee's access is in both formats; the JSON Lines file verifies offline.
    page.get_by_role("link", name="Exports").click()
    page.wait_for_load_state()
    ian.check("28-ig-export")
    for label, suffix in (("JSON Lines", ".jsonl"), ("CSV", ".csv")):
        page.get_by_label(label, exact=True).check()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download export").click()
        saved = download.value
        assert saved.suggested_filename.endswith(suffix)
        content = Path(saved.path()).read_text()
        lines = [line for line in content.splitlines() if DEE in line]
        assert any("NBP-DSL-2026-077" in line for line in lines), suffix
        if suffix == ".jsonl":
            assert json.loads(content.splitlines()[0])["type"] == "header"
            report = verify_export(Path(saved.path()), portal_hub.keys.public_keys().values())
            assert report.intact and report.events >= len(lines), report

    with UnitOfWork(portal_hub.session_factory) as uow:
        exports = uow.session.scalars(select(t.AuditEvent.reason).where(
            t.AuditEvent.actor_email == IAN, t.AuditEvent.action == "export",
            t.AuditEvent.child_id.is_(None))).all()  # date-range exports, not one child's history
        searches = uow.session.scalars(select(t.AuditEvent.case_reference).where(
            t.AuditEvent.actor_email == IAN, t.AuditEvent.purpose == "AUDIT_REVIEW")).all()
    assert "IG-SAR-2026-9" in searches  # the officer's own searches are on the ledger too
    assert len(exports) == 2 and exports[0].startswith("jsonl: since ")
