"""A school's DSL in a real browser: sign in with the second factor, acknowledge an Operation Encompass
notification, read a pupil's chronology, raise a concern, and find that a child not on the roll is as absent
as a child who does not exist."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.portal import DEE


def child_id(hub: Hub, given: str, family: str) -> str:
    with UnitOfWork(hub.session_factory) as uow:
        found = uow.session.scalar(select(t.Child.id).where(t.Child.given_name == given,
                                                            t.Child.family_name == family))
    assert found
    return found


def audit_actions(hub: Hub, email: str, child: str) -> list[tuple[str, str, str | None]]:
    with UnitOfWork(hub.session_factory) as uow:
        return [tuple(row) for row in uow.session.execute(  # type: ignore[misc]
            select(t.AuditEvent.action, t.AuditEvent.decision, t.AuditEvent.purpose)
            .where(t.AuditEvent.actor_email == email, t.AuditEvent.child_id == child)).all()]


def test_dsl_signs_in_acknowledges_an_encompass_notification_and_raises_a_concern(
        person: Any, portal_hub: Hub, police_report: Any) -> None:
    amelia = child_id(portal_hub, "Amelia", "Hart")
    notification = police_report(amelia, "NB-26-1127-041", do_not_approach_parents=True)
    dee = person()
    dee.page.goto("/portal/sign-in")
    dee.check("01-sign-in")
    dee.sign_in(DEE)
    page = dee.page
    assert page.url.endswith("/portal/inbox")
    assert page.get_by_role("heading", name="Inbox").is_visible()
    dee.check("03-dsl-inbox")

    # The police's notice is new, asks the school not to approach the parents, and is acknowledged once.
    def notice() -> Any:
        return page.locator("tbody tr", has=page.locator(f"a[href*='ENCOMPASS-{notification[:8].upper()}']"))

    assert "Domestic abuse incident: Amelia Hart" in notice().inner_text()
    assert "Do not approach parents" in notice().inner_text() and "New" in notice().inner_text()
    notice().get_by_role("button", name="Acknowledge").click()
    page.wait_for_load_state()
    assert page.get_by_text("Notification acknowledged").is_visible()
    assert "Acknowledged" in notice().inner_text()
    assert notice().get_by_role("button", name="Acknowledge").count() == 0
    dee.check("04-dsl-inbox-acknowledged")

    page.get_by_role("link", name="Pupils").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Pupils").is_visible()
    dee.check("05-dsl-pupils")

    # Amelia's chronology: the council's plan and whom to call, but not its content.
    page.goto(f"/portal/children/{amelia}")
    assert page.get_by_role("heading", name="Amelia Hart").is_visible()
    plan = page.locator(".govuk-summary-card", has_text="Child protection plan")
    assert "Northbridge Council Children's Services" in plan.inner_text()
    assert "01632 960100" in plan.inner_text()
    assert "emotional abuse" not in plan.inner_text()  # the plan's summary is not the school's to read
    assert "Live investigation" not in dee.main_text()  # RESTRICTED: not even its existence
    dee.check("06-dsl-chronology")

    page.get_by_role("button", name="Raise a concern").click()
    page.wait_for_load_state()
    dee.check("07-dsl-raise-a-concern")
    page.get_by_role("button", name="Continue").click()  # nothing filled in: the error summary says what to do
    page.wait_for_load_state()
    assert page.title().startswith("Error:")
    assert page.locator(".govuk-error-summary").is_visible()
    dee.check("08-dsl-raise-a-concern-errors")
    page.get_by_label("Summary").fill("Amelia arrived upset and said she was frightened to go home.")
    page.get_by_label("Detail (optional)").fill("She said:\n'Dad was shouting again.'")
    page.get_by_label("Case or incident reference").fill("NBP-DSL-2026-041")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    # Check before an irreversible share: what, and exactly who will be able to read it.
    assert page.get_by_role("heading", name="Check before you share").is_visible()
    assert "frightened to go home" in dee.main_text() and "Children's social care and the MASH" in dee.main_text()
    dee.check("08a-dsl-concern-check")
    page.get_by_role("button", name="Change what you are sharing").click()
    page.wait_for_load_state()
    assert page.get_by_label("Summary").input_value().endswith("frightened to go home.")
    assert page.get_by_label("Detail (optional)").input_value() == "She said:\n'Dad was shouting again.'"
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Share with the safeguarding partners").click()
    page.wait_for_load_state()
    assert page.get_by_text("Shared with the safeguarding partners").is_visible()
    assert page.locator(".govuk-summary-card", has_text="frightened to go home").count() == 1
    dee.check("09-dsl-concern-shared")

    actions = audit_actions(portal_hub, DEE, amelia)
    assert ("share", "ALLOW", "EDUCATION_SAFEGUARDING") in actions
    assert ("read", "ALLOW", "EDUCATION_SAFEGUARDING") in actions


def test_a_child_not_on_the_roll_is_page_not_found_like_a_child_who_does_not_exist(
        person: Any, portal_hub: Hub) -> None:
    dee = person()
    dee.sign_in(DEE)
    noah = child_id(portal_hub, "Noah", "Price")  # at the academy, not Dee's primary school
    answers = []
    for target in (noah, str(uuid.uuid4())):
        response = dee.page.goto(f"/portal/children/{target}")
        assert response is not None and response.status == 404
        answers.append((dee.page.title(), dee.main_text()))
    assert answers[0] == answers[1]
    assert answers[0][0].startswith("Page not found")
    assert "Noah" not in answers[0][1]
    dee.check("10-dsl-not-on-roll")
    assert ("read", "DENY", "EDUCATION_SAFEGUARDING") in audit_actions(portal_hub, DEE, noah)


def signed_out_after_quick_exit(hub: Hub, dee: Any) -> None:
    """Back does not return to what Dee was reading, nor does typing its address: the session has ended on
    the server, and the ledger says how."""
    page = dee.page
    page.go_back()
    page.wait_for_load_state()
    assert "/portal/sign-in" in page.url or page.url.endswith("/portal/exit"), page.url
    assert "Pupils" not in page.locator("body").inner_text()
    page.goto("/portal/inbox")
    assert page.url.endswith("/portal/sign-in")
    with UnitOfWork(hub.session_factory) as uow:
        reasons = uow.session.scalars(select(t.AuditEvent.reason).where(
            t.AuditEvent.actor_email == DEE, t.AuditEvent.action == "quick_exit")).all()
    assert "left by quick exit: session ended" in reasons


def test_quick_exit_blanks_the_page_ends_the_session_and_leaves_no_way_back(person: Any, portal_hub: Hub) -> None:
    dee = person()
    dee.sign_in(DEE)
    dee.page.get_by_role("link", name="Pupils").click()
    dee.page.wait_for_load_state()
    dee.page.get_by_role("button", name="Emergency Quick exit").click()
    dee.page.wait_for_url("**/portal/exit")
    assert dee.page.title() == "New tab"
    assert dee.page.locator("body").inner_text().strip() == ""
    signed_out_after_quick_exit(portal_hub, dee)


def test_quick_exit_by_pressing_shift_three_times(person: Any, portal_hub: Hub) -> None:
    dee = person()
    dee.sign_in(DEE)
    for _ in range(3):
        dee.page.keyboard.press("Shift")
    dee.page.wait_for_url("**/portal/exit")
    assert dee.page.locator("body").inner_text().strip() == ""
    dee.page.goto("/portal/inbox")
    assert dee.page.url.endswith("/portal/sign-in")


def test_the_portal_works_without_javascript(person: Any, portal_hub: Hub) -> None:
    dee = person(javascript=False)
    dee.sign_in(DEE)
    assert dee.page.url.endswith("/portal/inbox")
    dee.page.get_by_role("link", name="Pupils").click()
    dee.page.get_by_role("button", name="Emergency Quick exit").click()  # a plain link to the neutral page
    dee.page.wait_for_url("**/portal/exit")
    signed_out_after_quick_exit(portal_hub, dee)
