"""Every paged list pages by its sort key (keyset paging), so a row added between two pages neither repeats a
row already shown nor hides one.

Each list is read a row at a time after a new row that sorts first has been added behind the first page: it
must give exactly the rows it held before. Paging by OFFSET would show the old first row again on page two.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from hub.storage import partnership_tables as pt
from hub.storage import queries
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import Caller, as_practitioner, error_codes
from tests.integration.test_portal_deny_by_default import signed_in
from tests.portal import DEE

SAM = "sam.social@council.northbridge.example"
MIA = "mia.mash@council.northbridge.example"
IAN = "ian.ig@council.northbridge.example"
DEPTH = 4  # rows walked past the first page: enough to show a repeat or a skip


@dataclass(frozen=True)
class Slice:
    ids: list[str]
    end: str | None
    more: bool


Fetch = Callable[[int, str | None], Slice]


def walk_with_a_row_added(fetch: Fetch, add: Callable[[], str | None]) -> None:
    """Read the first page of one row, add a row that sorts first, then read on: the rows are those of before.
    ``add`` returns the new row's id, or None when the list shows several new rows (the audit ledger)."""
    before = fetch(100, None).ids
    assert len(before) >= 2, "the list needs two rows to page through"
    first = fetch(1, None)
    added = add()
    walked, after, more = list(first.ids), first.end, first.more
    while more and len(walked) < min(len(before), DEPTH + 1):
        page = fetch(1, after)
        walked, after, more = walked + page.ids, page.end, page.more
    newest = fetch(1, None).ids[0]
    assert newest == added if added else newest not in before  # behind the cursor: OFFSET would repeat a row
    assert walked == before[:len(walked)] and len(walked) == min(len(before), DEPTH + 1)


def connection(caller: Caller, query: str, path: tuple[str, ...], variables: dict[str, Any]) -> Fetch:
    def fetch(first: int, after: str | None) -> Slice:
        body = caller.gql(query, {**variables, "first": first, "after": after})
        assert "errors" not in body, body
        found = body["data"]
        for name in path:
            found = found[name]
        info = found["pageInfo"]
        return Slice([edge["node"]["id"] for edge in found["edges"]], info["endCursor"], info["hasNextPage"])
    return fetch


PAGE = "edges { node { id } } pageInfo { endCursor hasNextPage }"
SHARE = """mutation($input: ShareRecordInput!) { shareRecord(input: $input) { record { id } errors { code } } }"""


def share_today(caller: Caller, child_id: str, category: str, started: date | None = None) -> str:
    """A record that started today (or ``started``): today's is the newest of any list of records."""
    body = caller.gql(SHARE, {"input": {
        "childId": child_id, "category": category, "tier": "FLAG", "summary": "Plan agreed.",
        "startDate": (started or datetime.now(UTC).date()).isoformat()}})
    assert body["data"]["shareRecord"]["errors"] == [], body
    record_id: str = body["data"]["shareRecord"]["record"]["id"]
    return record_id


def new_child_in_area(hub) -> str:
    """A child of Northbridge of this test's own, so the records it adds change no other test's children."""
    with UnitOfWork(hub.session_factory) as uow:
        partnership_id = uow.session.scalar(select(t.Child.partnership_id).where(t.Child.given_name == "Amelia",
                                                                                  t.Child.family_name == "Hart"))
        child = t.Child(id=t.new_id(), given_name="Kit", family_name="Paging", date_of_birth=date(2016, 5, 6),
                        partnership_id=partnership_id, created_at=datetime.now(UTC))
        uow.session.add(child)
        uow.commit()
        return child.id


def test_a_childs_records_page_by_key(hub, http) -> None:
    kit = new_child_in_area(hub)
    sam = as_practitioner(hub, http, SAM, "S17_ASSESSMENT")
    for days_ago, category in enumerate(("CHILD_IN_NEED", "EARLY_HELP", "LOOKED_AFTER"), start=1):
        share_today(sam, kit, category, datetime.now(UTC).date() - timedelta(days=days_ago))
    query = f"""query($id: ID!, $first: Int!, $after: String) {{ child(id: $id) {{
      records(first: $first, after: $after) {{ {PAGE} }} }} }}"""
    walk_with_a_row_added(connection(sam, query, ("child", "records"), {"id": kit}),
                          lambda: share_today(sam, kit, "CHILD_IN_NEED"))


def test_the_worklist_pages_by_key(hub, http) -> None:
    sam = as_practitioner(hub, http, SAM, "S17_ASSESSMENT")
    mia = as_practitioner(hub, http, MIA, "MASH_TRIAGE")
    query = f"""query($first: Int!, $after: String) {{
      records(filter: {{tiers: [FLAG], categories: [EARLY_HELP]}}, first: $first, after: $after) {{ {PAGE} }} }}"""
    walk_with_a_row_added(connection(mia, query, ("records",), {}),
                          lambda: share_today(sam, new_child_in_area(hub), "EARLY_HELP"))


def notify(hub, email: str, created_at: datetime) -> str:
    """A notification addressed to the practitioner by name, made at ``created_at``."""
    with UnitOfWork(hub.session_factory) as uow:
        practitioner = queries.practitioner_by_email(uow.session, email)
        assert practitioner is not None
        row = t.Notification(id=t.new_id(), kind="RECORD_ACCESSED", recipient_agency_id=practitioner.agency_id,
                             recipient_practitioner_id=practitioner.id, summary="A partner read your record.",
                             dedupe_key=f"keyset-paging-{t.new_id()}", created_at=created_at)
        uow.session.add(row)
        uow.commit()
        return row.id


def test_the_inbox_pages_by_key(hub, http) -> None:
    now = datetime.now(UTC)
    for days in (2, 3):  # two notifications at least, however the session's other tests left the inbox
        notify(hub, SAM, now - timedelta(days=days))
    sam = as_practitioner(hub, http, SAM, "S47_ENQUIRY")
    query = f"query($first: Int!, $after: String) {{ notifications(first: $first, after: $after) {{ {PAGE} }} }}"
    walk_with_a_row_added(connection(sam, query, ("notifications",), {}),
                          lambda: notify(hub, SAM, datetime.now(UTC) + timedelta(seconds=1)))


CREATE = """mutation($input: CreateInformationRequestInput!) { createInformationRequest(input: $input) {
  informationRequest { id } errors { code message } } }"""


def ask_police(mia: Caller, child_id: str, police: str) -> str:
    body = mia.gql(CREATE, {"input": {
        "childId": child_id, "targetAgencyIds": [police], "categories": ["MISSING_EPISODE"], "rating": "AMBER",
        "justification": "Referral from school: repeated missing episodes; strategy discussion this week.",
        "consent": {"status": "NOT_SOUGHT", "reason": "Seeking consent could place the child at risk of harm."}}})
    assert body["data"]["createInformationRequest"]["errors"] == [], body
    request_id: str = body["data"]["createInformationRequest"]["informationRequest"]["id"]
    return request_id


def test_information_requests_page_by_key(hub, http, demo) -> None:
    mia = as_practitioner(hub, http, MIA, "MASH_TRIAGE")
    amelia, police = demo.child("Amelia", "Hart"), demo.agency("Northbridge Police")
    for _ in range(2):
        ask_police(mia, amelia, police)
    query = f"""query($first: Int!, $after: String) {{
      informationRequests(filter: {{direction: SENT}}, first: $first, after: $after) {{ {PAGE} }} }}"""
    walk_with_a_row_added(connection(mia, query, ("informationRequests",), {}),
                          lambda: ask_police(mia, amelia, police))


def publish(hub, published_at: datetime) -> str:
    """A lesson of the Northbridge partnership, published at ``published_at``."""
    with UnitOfWork(hub.session_factory) as uow:
        lou = queries.practitioner_by_email(uow.session, "lou.lead@council.northbridge.example")
        assert lou is not None
        partnership = uow.session.scalar(select(t.Partnership.id).where(t.Partnership.name.like("Northbridge%")))
        row = pt.Lesson(id=t.new_id(), partnership_id=partnership, title="Share the second call-out",
                        summary="Schools hear of the second call-out the same day.", themes=["INFORMATION_SHARING"],
                        agency_ids=[], published_by=lou.id, published_at=published_at)
        uow.session.add(row)
        uow.commit()
        return row.id


def test_lessons_page_by_key(hub, http) -> None:
    now = datetime.now(UTC)
    for days in (5, 6):
        publish(hub, now - timedelta(days=days))
    sam = as_practitioner(hub, http, SAM, "S47_ENQUIRY")
    query = f"query($first: Int!, $after: String) {{ lessons(first: $first, after: $after) {{ {PAGE} }} }}"
    walk_with_a_row_added(connection(sam, query, ("lessons",), {}),
                          lambda: publish(hub, datetime.now(UTC) + timedelta(seconds=1)))


def test_the_audit_review_pages_by_key(hub, http, demo) -> None:
    amelia = demo.child("Amelia", "Hart")
    sam = as_practitioner(hub, http, SAM, "S47_ENQUIRY")
    read = "query($id: ID!) { child(id: $id) { givenName records { totalCount } } }"

    def read_amelia() -> None:  # new audit events about her, newest of all
        assert "errors" not in sam.gql(read, {"id": amelia})

    read_amelia()
    with UnitOfWork(hub.session_factory) as uow:
        practitioner = queries.practitioner_by_email(uow.session, SAM)
        assert practitioner is not None
        sams = practitioner.id
    ian = as_practitioner(hub, http, IAN, "AUDIT_REVIEW")
    # Sam's accesses only: the officer's own reading of the ledger is audited too, and would join the list.
    query = f"""query($c: ID!, $p: ID!, $first: Int!, $after: String) {{
      auditEvents(filter: {{childId: $c, practitionerId: $p}}, first: $first, after: $after) {{ {PAGE} }} }}"""
    walk_with_a_row_added(connection(ian, query, ("auditEvents",), {"c": amelia, "p": sams}), read_amelia)


PUPIL = re.compile(r'href="/portal/children/([0-9a-f-]{36})')
NEXT = re.compile(r'href="([^"]+)" rel="next"')


def test_the_pupil_list_pages_by_key(hub, server) -> None:
    """The DSL's roll in the portal, a page of 20 at a time, with a pupil joining the roll between pages."""
    with httpx.Client(base_url=server.url, timeout=30, follow_redirects=True) as portal:
        signed_in(portal, DEE)

        def page(href: str) -> tuple[list[str], str | None]:
            response = portal.get(href)
            assert response.status_code == 200, href
            following = NEXT.search(response.text)
            return (list(dict.fromkeys(PUPIL.findall(response.text))),
                    following.group(1).replace("&amp;", "&") if following else None)

        first, following = page("/portal/pupils")
        assert following is not None and len(first) == 20
        # The link names the last pupil shown by id alone: no name or date of birth in a URL (and so in logs).
        shown = portal.get("/portal/pupils").text
        last_name = re.findall(r'data-label="Name"[^>]*>\s*(?:<a[^>]*>)?\s*([^<]+)', shown)
        assert last_name, "the roll shows names"
        carried = " ".join(base64.urlsafe_b64decode(v + "=" * (-len(v) % 4)).decode()
                           for v in re.findall(r"after=([A-Za-z0-9_=-]+)", following))
        names = {part for name in last_name for part in re.split(r"[,\s]+", name) if part}
        assert carried and names and not any(part in carried for part in names)
        second, _ = page(following)
        joined = join_roll(hub, DEE)
        now_first, _ = page("/portal/pupils")
        assert now_first == [joined, *first[:-1]]  # the new pupil sorts first, behind the cursor
        assert page(following)[0] == second  # OFFSET would have shown the first page's last pupil again
        back = re.search(r'href="([^"]+)" rel="prev"', portal.get(following).text)  # Previous: the first page
        assert back is not None and page(back.group(1).replace("&amp;", "&"))[0] == now_first


def join_roll(hub, dsl: str) -> str:
    """A new pupil at the DSL's school whose family name sorts before every other on its roll."""
    with UnitOfWork(hub.session_factory) as uow:
        practitioner = queries.practitioner_by_email(uow.session, dsl)
        assert practitioner is not None
        school_id = practitioner.agency_id
        child = uow.session.get(t.Child, uow.session.scalar(
            select(t.AgencyRecordLink.child_id).where(t.AgencyRecordLink.agency_id == school_id).limit(1)))
        assert child is not None
        new = t.Child(id=t.new_id(), given_name="Ada", family_name="Aabel", date_of_birth=date(2018, 3, 4),
                      partnership_id=child.partnership_id, created_at=datetime.now(UTC))
        uow.session.add(new)
        uow.session.flush()
        uow.session.add(t.AgencyRecordLink(id=t.new_id(), agency_id=school_id, child_id=new.id,
                                           local_id=f"UPN-{new.id[:8]}", kind="ROLL",
                                           opened_on=datetime.now(UTC).date()))
        uow.commit()
        return new.id


@pytest.mark.parametrize("field, kind", [("notifications", "notification"), ("records", "record"),
                                         ("informationRequests", "information_request"), ("lessons", "lesson")])
def test_a_forged_key_is_invalid_input(hub, http, field, kind) -> None:
    """Cursors in the hub's own format, naming a key no list holds: a wrong type, a wrong length, a number past
    any database, another list's kind, a nesting too deep to parse."""
    sam = as_practitioner(hub, http, SAM, "S47_ENQUIRY")
    forged = [f"{kind}:[1,2]", f"{kind}:[\"2026-01-01\"]", f"{kind}:[\"not a date\",\"x\"]",
              f"{kind}:[99999999999999999999,\"x\"]", f"{kind}:{{}}", "audit:[1]", f"{kind}:[" * 5000]
    for text in forged:
        cursor = base64.urlsafe_b64encode(text.encode()).decode()
        body = sam.post(f"query($a: String) {{ {field}(first: 1, after: $a) {{ edges {{ cursor }} }} }}",
                        {"a": cursor}).json()
        assert error_codes(body) == ["INVALID_INPUT"], (text[:40], body)
