"""An IG officer's own searches are on the ledger, but the audit search leaves them out unless asked: they
would otherwise bury what the officer is looking for. People are shown by name, with their address beside."""

from __future__ import annotations

from typing import Any

from tests.portal import IAN


def test_the_officers_own_review_activity_is_hidden_unless_asked_for(person: Any) -> None:
    ian = person()
    ian.sign_in(IAN)
    page = ian.page
    for _ in range(2):  # a few searches of his own, each an AUDIT_REVIEW event
        page.get_by_role("button", name="Search").click()
        page.wait_for_load_state()
    rows = page.locator("table.hub-events tbody tr").all_inner_texts()
    assert not any(IAN in text and "Audit review" in text for text in rows)

    page.get_by_label("Include your own review activity").check()
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    mine = [text for text in page.locator("table.hub-events tbody tr").all_inner_texts()
            if IAN in text and "Audit review" in text]
    assert mine and all("Ian Ig" in text for text in mine)  # the name first, the address beside it
    ian.check("35-ig-own-review-activity")


def test_an_audit_search_for_an_id_that_is_no_childs_says_so(person: Any) -> None:
    ian = person()
    ian.sign_in(IAN)
    ian.page.get_by_label("Child's hub id").fill("not-a-child-id")
    ian.page.get_by_role("button", name="Search").click()
    ian.page.wait_for_load_state()
    assert "This is not the hub id of a child" in ian.page.locator(".govuk-error-summary").inner_text()
    assert ian.page.locator("#result-count").count() == 0  # no "0 events found"
