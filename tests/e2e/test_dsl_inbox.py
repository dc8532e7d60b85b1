"""A busy DSL's inbox in a real browser: each notice names the pupil in plain words, says by when it must be
acknowledged and how long is left (and only where an acknowledgement is due), filters by status and kind, and
acknowledges several notices at once, each on the ledger."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.e2e.test_dsl_portal import child_id
from tests.portal import DEE


def test_a_dsl_filters_the_inbox_and_acknowledges_several_notices_at_once(
        person: Any, portal_hub: Hub, police_report: Any) -> None:
    amelia = child_id(portal_hub, "Amelia", "Hart")
    first = police_report(amelia, "NB-26-1201-101")
    second = police_report(amelia, "NB-26-1201-102")
    dee = person()
    dee.sign_in(DEE)
    page = dee.page

    waiting = page.locator("main p", has_text="to acknowledge").first.inner_text()
    assert waiting.split()[0].isdigit() and int(waiting.split()[0]) >= 2  # only what asks for acknowledgement
    page.get_by_label("Show").select_option("to-acknowledge")
    page.get_by_role("button", name="Filter notifications").click()
    page.wait_for_load_state()
    rows = page.locator("table.hub-responsive-table tbody tr", has_text="Domestic abuse incident")
    assert rows.count() >= 2
    for text in rows.all_inner_texts():
        assert "Amelia Hart" in text and "Acknowledge by" in text and "hours left" in text
        assert "DOMESTIC_ABUSE_INCIDENT" not in text and "Acknowledged" not in text
    dee.check("40-dsl-inbox-to-acknowledge")
    page.goto("/portal/inbox")
    codes = re.findall(r"\b(?:RED|AMBER|GREEN|[A-Z]+_[A-Z_]+)\b", dee.main_text())
    assert not codes, codes  # plain words, not the hub's codes

    for notification in (first, second):
        page.locator(f"#select-{notification}").check()
    page.get_by_role("button", name="Acknowledge selected notifications").click()
    page.wait_for_load_state()
    assert page.get_by_text("2 notifications acknowledged").is_visible()
    dee.check("41-dsl-inbox-acknowledged-several")

    # Acknowledged: no "Acknowledge by" any more, and no longer among those to acknowledge.
    page.goto("/portal/inbox?status=acknowledged")
    acknowledged = page.locator("table.hub-responsive-table tbody tr")
    assert acknowledged.count() > 0
    assert all("Acknowledge by" not in text for text in acknowledged.all_inner_texts())
    page.goto("/portal/inbox?status=to-acknowledge")
    assert page.locator(f"#select-{first}").count() == 0 and page.locator(f"#select-{second}").count() == 0

    # Nothing ticked: said plainly, nothing changes.
    third = police_report(amelia, "NB-26-1201-103")
    page.goto("/portal/inbox")
    page.get_by_role("button", name="Acknowledge selected notifications").click()
    page.wait_for_load_state()
    assert page.locator(f"#select-{third}").count() == 1  # still to acknowledge
    assert page.get_by_text("No notifications were acknowledged").is_visible()

    page.goto("/portal/inbox?status=overdue&kind=REQUEST_OVERDUE")
    assert page.get_by_text("No notifications match these filters").is_visible()
    dee.check("42-dsl-inbox-no-match")

    with UnitOfWork(portal_hub.session_factory) as uow:
        acknowledgements = uow.session.scalars(select(t.AuditEvent.resource_id).where(
            t.AuditEvent.actor_email == DEE, t.AuditEvent.action == "acknowledge",
            t.AuditEvent.decision == "ALLOW")).all()
    assert first in acknowledgements and second in acknowledgements


def test_another_agencys_emergency_reason_is_not_shown_in_a_schools_inbox(person: Any, portal_hub: Hub) -> None:
    """A break-glass notice tells the school its records were opened in an emergency; the reason the
    clinician gave (which may be clinical) is for the IG officers reviewing the use, not the school."""
    amelia = child_id(portal_hub, "Amelia", "Hart")
    with UnitOfWork(portal_hub.session_factory) as uow:
        school = uow.session.scalar(select(t.Agency.id).where(t.Agency.name == "Northbridge Primary School"))
        nhs = uow.session.scalar(select(t.Agency.id).where(t.Agency.official_code == "RNB01"))
        notice = t.Notification(
            id=t.new_id(), kind="BREAK_GLASS_USED", recipient_agency_id=school, recipient_role="DSL",
            child_id=amelia, actor_agency_id=nhs, dedupe_key=f"TEST-BG:{t.new_id()}",
            summary="Ula Urgent (Northbridge NHS) declared an emergency to see this child's information: "
                    "attended A&E with a spiral fracture of the left forearm",
            created_at=datetime.now(UTC))
        uow.session.add(notice)
        uow.session.commit()
    dee = person()
    dee.sign_in(DEE)
    dee.page.goto("/portal/inbox?kind=BREAK_GLASS_USED")
    row = dee.page.locator("table.hub-responsive-table tbody tr", has_text="declared an emergency").first
    assert "Northbridge NHS Foundation Trust declared an emergency" in row.inner_text()
    assert "Amelia Hart" in row.inner_text()
    assert "fracture" not in dee.main_text()
    dee.check("48-dsl-inbox-break-glass")
