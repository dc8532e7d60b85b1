"""Every paged list takes only cursors the hub issued: one it did not, or one naming a position no database
can hold, is bad input (INVALID_INPUT), never an internal error."""

from __future__ import annotations

import base64

import pytest

from tests.api import as_practitioner, error_codes


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


HUGE = ["99999999999999999999", "9" * 40, "-1", "+1", " 1", "1_000", "١٢٣"]  # the last: Arabic-Indic digits


@pytest.mark.parametrize("position", HUGE)
def test_a_record_cursor_past_any_database_is_invalid_input(hub, http, demo, position) -> None:
    amelia = demo.child("Amelia", "Hart")
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    query = """query Page($id: ID!, $after: String) { child(id: $id) { records(first: 1, after: $after) {
      totalCount edges { node { id } } } } }"""
    body = sam.post(query, {"id": amelia, "after": cursor(f"record:{position}")}).json()
    assert error_codes(body) == ["INVALID_INPUT"], body


@pytest.mark.parametrize("field, kind", [("notifications", "notification"), ("records", "record")])
def test_other_lists_refuse_huge_cursors_too(hub, http, field, kind) -> None:
    sam = as_practitioner(hub, http, "sam.social@council.northbridge.example", "S47_ENQUIRY")
    selection = "edges { cursor }"
    body = sam.post(f'query($after: String) {{ {field}(first: 1, after: $after) {{ {selection} }} }}',
                    {"after": cursor(f"{kind}:99999999999999999999")}).json()
    assert error_codes(body) == ["INVALID_INPUT"], body


def test_an_audit_cursor_past_any_database_is_invalid_input(hub, http) -> None:
    ivy = as_practitioner(hub, http, "ian.ig@council.northbridge.example", "AUDIT_REVIEW")
    body = ivy.post('query($after: String) { auditEvents(first: 1, after: $after) { totalCount } }',
                    {"after": cursor("audit:99999999999999999999")}).json()
    assert error_codes(body) == ["INVALID_INPUT"], body
