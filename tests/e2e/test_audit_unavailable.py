"""When the audit write fails, the portal shows an error page and no data, and changes nothing: an access
that could not be recorded did not happen (a real fault: a trigger that makes every audit insert fail)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from hub.bootstrap import Hub
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.e2e.test_dsl_portal import child_id
from tests.integration.test_audit_failure import break_the_audit_write, mend_the_audit_write
from tests.portal import DEE


def record_count(hub: Hub) -> int:
    with UnitOfWork(hub.session_factory) as uow:
        return uow.session.scalar(select(func.count()).select_from(t.RecordVersion)) or 0


def test_no_audit_no_page_and_no_write(person: Any, portal_hub: Hub) -> None:
    amelia = child_id(portal_hub, "Amelia", "Hart")
    dee = person()
    dee.sign_in(DEE)
    dee.page.goto(f"/portal/children/{amelia}/share")
    dee.page.get_by_label("Summary").fill("Written while the audit is down.")
    before = record_count(portal_hub)
    break_the_audit_write(portal_hub)
    try:
        dee.page.get_by_role("button", name="Continue").click()
        dee.page.wait_for_load_state()
        shared = (dee.page.title(), dee.main_text())
        response = dee.page.goto(f"/portal/children/{amelia}")
        assert response is not None and response.status == 503
        read = dee.main_text()
        dee.screenshot("30-audit-unavailable")
        signed_in_again = person()
        signed_in_again.page.goto("/portal/sign-in")
        signed_in_again.page.get_by_label("E-mail address").fill(DEE)
        signed_in_again.page.get_by_label("Password").fill("demo-dee-portal")
        signed_in_again.page.get_by_role("button", name="Continue").click()
        sign_in = signed_in_again.main_text()
        # Quick exit still leaves at once, and forgets the cookie, when nothing can be recorded.
        exit_response = signed_in_again.page.goto("/portal/exit")
        assert exit_response is not None and exit_response.status == 200
        assert signed_in_again.page.title() == "New tab"
    finally:
        mend_the_audit_write(portal_hub)
    assert shared[0].startswith("Sorry, there is a problem with the service")
    for text in (shared[1], read):
        assert "could not be recorded" in text
        assert "Amelia" not in text and "Child protection plan" not in text
    assert "problem with the service" in sign_in  # no sign-in goes unrecorded either
    assert record_count(portal_hub) == before
    dee.page.goto(f"/portal/children/{amelia}")  # mended: the same session carries on
    assert dee.page.get_by_role("heading", name="Amelia Hart").is_visible()
