"""The partnership's pages in a real browser, each checked with axe-core: the public page of the published
arrangements (no sign-in), a partnership manager's and the scrutineer's statistics with charts and a CSV
download, the manager's serious incidents, and the child death overview panel's page with its downloads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hub.bootstrap import Hub
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork

PAULA = "paula.partnership@council.northbridge.example"
SID = "sid.scrutineer@council.northbridge.example"
CARA = "cara.cdop@icb.northbridge.example"


def named_children(hub: Hub) -> list[str]:
    with UnitOfWork(hub.session_factory) as uow:
        return [f"{given} {family}" for given, family in uow.session.execute(
            select(t.Child.given_name, t.Child.family_name))]


def test_anyone_reads_the_published_arrangements_without_signing_in(person: Any) -> None:
    visitor = person()
    page = visitor.page
    page.goto("/portal/arrangements/NB")
    assert page.get_by_role("heading", name="Local safeguarding arrangements").is_visible()
    text = visitor.main_text()
    assert "Northbridge Integrated Care Board" in text and "Chief Constable, Northbridge Police" in text
    assert "all three lead safeguarding partners" in text and "Sid Scrutineer" in text
    assert "Signed in as" not in page.content()
    visitor.check("60-public-arrangements")
    response = page.goto("/portal/arrangements/NOWHERE")
    assert response is not None and response.status == 404


def test_a_partnership_manager_and_the_scrutineer_see_statistics_charts_and_csv(person: Any, portal_hub: Hub
                                                                               ) -> None:
    paula = person()
    paula.sign_in(PAULA)
    page = paula.page
    assert page.url.endswith("/portal/partnership/statistics")
    assert page.get_by_role("heading", name="Partnership statistics").is_visible()
    assert page.locator("svg[role=img]").count() == 4 and page.locator("table.govuk-table").count() >= 5
    paula.check("61-partnership-statistics")
    download = page.request.get("/portal/partnership/statistics.csv")
    assert download.status == 200 and download.headers["content-type"].startswith("text/csv")
    assert download.text().splitlines()[0] == "section,label,count,rate_per_100000"
    page.get_by_role("link", name="Serious incidents").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Serious incidents").is_visible()
    paula.check("62-partnership-serious-incidents")

    sid = person()
    sid.sign_in(SID)
    assert sid.page.url.endswith("/portal/partnership/statistics")
    text = sid.main_text()
    assert "Partnership statistics" in text
    assert not [name for name in named_children(portal_hub) if name in text]  # no child is named on the page
    assert sid.page.get_by_role("link", name="Serious incidents").count() == 0  # the manager's, not his
    sid.page.goto("/portal/partnership/reviews")  # deny by default: an empty list, not the manager's incidents
    assert "There are no serious incidents for you to see." in sid.main_text()
    sid.check("63-scrutineer-statistics")


def test_a_cdop_member_sees_the_panels_statistics_and_downloads_the_national_export(person: Any) -> None:
    cara = person()
    cara.sign_in(CARA)
    page = cara.page
    assert page.url.endswith("/portal/cdop")
    assert page.get_by_role("heading", name="Child death review").is_visible()
    assert "a population of 83,900 children" in cara.main_text()
    cara.check("64-cdop")
    statistics = page.request.get("/portal/cdop/statistics.csv")
    assert statistics.status == 200 and "by_category,DELIBERATELY_INFLICTED_INJURY" in statistics.text()
    export = page.request.get("/portal/cdop/national-export.csv")
    assert export.status == 200 and export.text().startswith("# hub-cdop-export/1\ncase_number,")
    # A partnership manager is not on the panel.
    paula = person()
    paula.sign_in(PAULA)
    response = paula.page.goto("/portal/cdop")
    assert response is not None and response.status == 403
