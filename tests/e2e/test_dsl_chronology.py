"""A pupil's chronology as a DSL reads it in a real browser: key facts first (current plans and statuses, and
whom to call), "Current" only on what is current, a filter by kind, line breaks as written, and a print view
without the portal's controls."""

from __future__ import annotations

from typing import Any

from hub.bootstrap import Hub
from tests.e2e.test_dsl_portal import child_id
from tests.portal import DEE


def test_a_dsl_reads_key_facts_filters_the_chronology_and_prints_it(person: Any, portal_hub: Hub,
                                                                     police_report: Any) -> None:
    amelia = child_id(portal_hub, "Amelia", "Hart")
    police_report(amelia, "NB-26-1202-201")  # an incident the school is told of: an event, not a status
    dee = person()
    dee.sign_in(DEE)
    page = dee.page
    page.goto(f"/portal/children/{amelia}?case=NBP-DSL-2026-130")

    key_facts = page.locator(".govuk-summary-list").nth(1)  # after the identity list
    assert "Child protection plan" in key_facts.inner_text()
    assert "01632 960100" in key_facts.inner_text()  # whom to call, beside the fact
    headings = [h.strip() for h in page.locator("main h2").all_inner_texts()]
    assert headings.index("Key facts") < headings.index("What partners have shared, newest first")
    incident = page.locator(".govuk-summary-card", has_text="Domestic abuse incident").first
    assert "Current" not in incident.locator(".govuk-summary-card__title-wrapper").inner_text()
    plan = page.locator(".govuk-summary-card", has_text="Child protection plan").first
    assert "Current" in plan.locator(".govuk-summary-card__title-wrapper").inner_text()
    white_space = page.locator(".govuk-summary-card .hub-preserve-lines").first.evaluate(
        "e => getComputedStyle(e).whiteSpace")
    assert white_space == "pre-line"
    dee.check("45-dsl-chronology-key-facts")

    page.get_by_label("Show").select_option("plans")
    page.get_by_role("button", name="Show records").click()
    page.wait_for_load_state()
    titles = page.locator(".govuk-summary-card__title").all_inner_texts()
    assert titles and all(title in ("Child protection plan", "Looked after", "Child in need", "Early help",
                                    "Unborn child protection plan") for title in titles)
    assert "show=plans" in page.url and "case=NBP-DSL-2026-130" in page.url
    dee.check("46-dsl-chronology-plans")

    page.get_by_role("link", name="Print view").click()
    page.wait_for_load_state()
    assert "print=1" in page.url and "Printed" in dee.main_text() and "NBP-DSL-2026-130" in dee.main_text()
    page.emulate_media(media="print")
    assert not page.locator(".govuk-service-navigation").is_visible()
    assert not page.get_by_role("button", name="Emergency Quick exit").is_visible()
    assert page.get_by_role("heading", name="Amelia Hart").is_visible()
    page.emulate_media(media="screen")
    assert page.get_by_role("button", name="Print").is_visible()  # JavaScript shows it
    dee.check("47-dsl-chronology-print")
