"""A DSL finds pupils on the roll in a real browser: by part of a name, by year group and by a current flag,
in a stable order with the date of birth beside each name (two pupils may share one)."""

from __future__ import annotations

from typing import Any

from tests.portal import DEE


def rows(dee: Any) -> list[str]:
    return [str(text) for text in dee.page.locator("table.hub-responsive-table tbody tr").all_inner_texts()]


def test_a_dsl_searches_and_filters_the_pupils_on_roll(person: Any) -> None:
    dee = person()
    dee.sign_in(DEE)
    page = dee.page
    page.get_by_role("link", name="Pupils").click()
    page.wait_for_load_state()
    everyone = page.locator("table.hub-responsive-table tbody tr").count()
    assert everyone > 0 and "page 1 of" in dee.main_text()

    page.get_by_label("Search by name").fill("hart")
    page.get_by_role("button", name="Find pupils").click()
    page.wait_for_load_state()
    found = rows(dee)
    assert found and all("Hart" in text for text in found)
    assert any("Hart, Amelia" in text and "14 March 2017" in text and "Year 5" in text for text in found)
    dee.check("43-dsl-pupils-search")

    page.get_by_label("Search by name").fill("")
    page.get_by_label("Current flag").select_option("CHILD_PROTECTION_PLAN")
    page.get_by_role("button", name="Find pupils").click()
    page.wait_for_load_state()
    flagged = rows(dee)
    assert flagged and all("Child protection plan" in text for text in flagged)
    assert any("Hart, Amelia" in text for text in flagged)

    page.get_by_label("Current flag").select_option("")
    page.get_by_label("Year group").select_option("5")
    page.get_by_role("button", name="Find pupils").click()
    page.wait_for_load_state()
    year_five = rows(dee)
    assert year_five and all("Year 5" in text for text in year_five)
    names = [text.split("\n")[0] for text in year_five]
    assert names == sorted(names, key=lambda name: name.lower()) or len(names) <= 1  # by family name
    dee.check("44-dsl-pupils-year-group")

    page.goto("/portal/pupils?name=nobody-of-this-name")
    assert "No pupils on the roll match" in dee.main_text()
