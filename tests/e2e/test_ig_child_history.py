"""An IG officer answering a subject access request in a real browser: finds the child by NHS number or by
names and date of birth (a FIND on the ledger), is told plainly when what was typed is no child the hub
holds (never a false "0 accesses"), sees the child's name, and downloads that one child's history."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hub.audit.verify import verify_export
from hub.bootstrap import Hub
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.e2e.test_dsl_portal import child_id
from tests.portal import DEE, IAN

NOT_IN_THE_HUB = "999 000 9902"  # a valid test NHS number that no demo child has


def submit_lookup(ian: Any, **fields: str) -> None:
    page = ian.page
    page.goto("/portal/audit/child?case=IG-SAR-2026-21")
    labels = {"nhs": "NHS number", "given": "Given name", "family": "Family name"}
    for name, value in fields.items():
        if name in labels:
            page.get_by_label(labels[name], exact=True).fill(value)
        else:
            page.locator(f"#dob-{name}").fill(value)
    page.get_by_role("button", name="Find the child").click()
    page.wait_for_load_state()


def error_summary(ian: Any) -> str:
    return str(ian.page.locator(".govuk-error-summary").inner_text())


def test_an_ig_officer_finds_a_child_by_nhs_number_or_details_and_exports_their_history(
        person: Any, portal_hub: Hub) -> None:
    amelia = child_id(portal_hub, "Amelia", "Hart")
    with UnitOfWork(portal_hub.session_factory) as uow:
        born = uow.session.scalar(select(t.Child.date_of_birth).where(t.Child.id == amelia))
    assert born is not None
    dee = person()
    dee.sign_in(DEE)
    dee.page.goto(f"/portal/children/{amelia}?case=NBP-DSL-2026-120")  # the school reads the council's flag

    ian = person()
    ian.sign_in(IAN)
    page = ian.page
    page.get_by_role("link", name="Child access history").click()
    page.wait_for_load_state()
    ian.check("30-ig-child-lookup")

    # Nothing typed, something that is not an NHS number, a valid number no child has: each says what is
    # wrong, and none is an empty history.
    submit_lookup(ian)
    assert "Enter the child's NHS number, or their given name, family name and date of birth" in error_summary(ian)
    ian.check("31-ig-child-lookup-empty")
    submit_lookup(ian, nhs="amelia.hart@example")
    assert "ten digits" in error_summary(ian)
    submit_lookup(ian, nhs=NOT_IN_THE_HUB)
    assert f"No child in the hub has the NHS number {NOT_IN_THE_HUB}" in error_summary(ian)
    assert "accesses" not in ian.main_text().split("There is a problem")[-1].split("Find the child")[0]
    ian.check("32-ig-child-lookup-not-in-hub")
    submit_lookup(ian, given="Amelia", family="Hart", day="1", month="1", year="2001")
    assert "No child in the hub matches Amelia Hart, born 1 January 2001" in error_summary(ian)
    submit_lookup(ian, given="Amelia", family="Hart")
    assert "Enter the child's date of birth" in error_summary(ian)

    # An id that is no child's (a mistyped link, another kind of id) is an error too.
    page.goto(f"/portal/audit/child?child={uuid.uuid4()}")
    assert page.locator(".govuk-error-summary").get_by_text("This is not the hub id of a child").is_visible()

    # By names and date of birth: the officer confirms which child, then reads the history under her name.
    submit_lookup(ian, given="Amelia", family="Hart", day=str(born.day), month=str(born.month), year=str(born.year))
    assert page.get_by_role("heading", name="Children who may be this person").is_visible()
    ian.check("33-ig-child-lookup-candidates")
    page.locator("main ul.govuk-list a", has_text="Amelia Hart").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Amelia Hart").is_visible()
    assert born.strftime("%-d %B %Y") in ian.main_text()
    assert DEE in page.locator("table.hub-events").inner_text()
    ian.check("34-ig-child-history")

    # By NHS number: straight to her history.
    submit_lookup(ian, nhs="999 000 0018")
    assert page.get_by_role("heading", name="Amelia Hart").is_visible()
    assert int(page.locator(".govuk-summary-list strong").first.inner_text()) > 0

    # One child's history, downloaded: verifiable offline, and only about her.
    page.get_by_label("JSON Lines", exact=True).check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download access history").click()
    saved = Path(download.value.path())
    events = [json.loads(line) for line in saved.read_text().splitlines()]
    assert events[0]["type"] == "header"
    body = [event for event in events if event.get("type") == "event"]
    assert body and all(amelia in json.dumps(event["event"]) for event in body)
    assert verify_export(saved, portal_hub.keys.public_keys().values()).intact

    with UnitOfWork(portal_hub.session_factory) as uow:
        finds = uow.session.execute(select(t.AuditEvent.child_id, t.AuditEvent.rule, t.AuditEvent.case_reference,
                                           t.AuditEvent.reason)
                                    .where(t.AuditEvent.actor_email == IAN, t.AuditEvent.action == "find")).all()
        exports = uow.session.scalars(select(t.AuditEvent.reason).where(
            t.AuditEvent.actor_email == IAN, t.AuditEvent.action == "export",
            t.AuditEvent.child_id == amelia)).all()
    identified = [row for row in finds if row.child_id == amelia]
    assert identified and all(row.rule == "ig_officer_identifies_child_for_access_review" for row in identified)
    looked_up = {row.reason for row in identified if row.case_reference == "IG-SAR-2026-21"}
    assert {"identified for an access review, by NHS number",
            "identified for an access review, by names and date of birth"} <= looked_up
    assert any(row.reason == "no child with this NHS number" for row in finds)
    assert exports == [f"jsonl: child {amelia}"]
