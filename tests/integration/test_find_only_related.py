"""FIND answers only for children the actor has a relationship with (DESIGN.md section 4: a child you may not
see is indistinguishable from one that does not exist), and a withheld address never shapes the answer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner, audit_rows

BY_NHS = "query($n: String!) { findChildByNhsNumber(nhsNumber: $n) { childId confidence involvedAgencies { name } } }"
BY_DETAILS = """query($input: FindChildrenInput!) { findChildren(input: $input) { childId confidence
  involvedAgencies { name } } }"""
NO_SUCH_NHS = "9999999999"  # a valid check digit; no such child
NO_SUCH_PERSON = {"givenName": "Zebedee", "familyName": "Quartermaine", "dateOfBirth": "2001-01-01"}
LEO = {"givenName": "Leo", "familyName": "Walsh", "dateOfBirth": "2015-11-20", "sex": "male"}


def details(hub, child_id: str) -> dict[str, Any]:
    with UnitOfWork(hub.session_factory) as uow:
        child = uow.session.get(t.Child, child_id)
        assert child is not None and child.date_of_birth is not None
        return {"givenName": child.given_name, "familyName": child.family_name,
                "dateOfBirth": child.date_of_birth.isoformat(), "sex": child.sex}


def test_find_tells_nothing_of_a_child_the_actor_has_no_relationship_with(hub, http, demo) -> None:
    amelia, noah, leo = demo.child("Amelia", "Hart"), demo.child("Noah", "Price"), demo.child("Leo", "Walsh")
    cases = [
        # Another partnership's social worker, for a Northbridge child.
        ("sue.social@council.southvale.example", "S47_ENQUIRY", amelia),
        # A DSL, for a child on another school's roll.
        ("dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING", noah),
        # Police investigating, for a child the force has no involvement with.
        ("pat.police@police.northbridge.example", "POLICE_INVESTIGATION", leo),
    ]
    for email, purpose, child_id in cases:
        caller = as_practitioner(hub, http, email, purpose)
        by_nhs = caller.gql(BY_NHS, {"n": demo.nhs_number(child_id)})
        assert by_nhs == caller.gql(BY_NHS, {"n": NO_SUCH_NHS}) == {"data": {"findChildByNhsNumber": None}}, email
        response = caller.post(BY_DETAILS, {"input": details(hub, child_id)})
        nobody = caller.gql(BY_DETAILS, {"input": NO_SUCH_PERSON})
        assert response.json() == nobody == {"data": {"findChildren": []}}, email
        # The ledger says why: the child was found and withheld.
        assert ("find", "DENY", child_id) in {(row["action"], row["decision"], row["child_id"])
                                              for row in audit_rows(hub, response.headers["x-request-id"])}


def test_find_answers_for_a_child_the_actor_is_related_to(hub, http, demo) -> None:
    amelia, leo = demo.child("Amelia", "Hart"), demo.child("Leo", "Walsh")
    for email, purpose, child_id, rule in [
        ("dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING", amelia, "dsl_pupil_on_roll"),
        ("pat.police@police.northbridge.example", "POLICE_INVESTIGATION", amelia, "police_involved"),
        ("pat.police@police.northbridge.example", "MASH_TRIAGE", leo, "police_in_area_for_mash"),
        ("sam.social@council.northbridge.example", "S47_ENQUIRY", leo, "children_services_in_area_or_involved"),
    ]:
        caller = as_practitioner(hub, http, email, purpose)
        response = caller.post(BY_NHS, {"n": demo.nhs_number(child_id)})
        match = response.json()["data"]["findChildByNhsNumber"]
        assert (match["childId"], match["confidence"]) == (child_id, "HIGH"), email
        [event] = audit_rows(hub, response.headers["x-request-id"])
        assert (event["decision"], event["rule"]) == ("ALLOW", rule)
        found = caller.gql(BY_DETAILS, {"input": details(hub, child_id)})["data"]["findChildren"]
        assert found[0]["childId"] == child_id and found[0]["confidence"] in {"HIGH", "MEDIUM", "LOW"}, email


def test_unscheduled_care_finds_by_nhs_number_only(hub, http, demo) -> None:
    leo = demo.child("Leo", "Walsh")  # unknown to the trust
    ula = as_practitioner(hub, http, "ula.urgent@nhs.northbridge.example", "UNSCHEDULED_CARE")
    assert ula.gql(BY_NHS, {"n": demo.nhs_number(leo)})["data"]["findChildByNhsNumber"]["childId"] == leo
    assert ula.gql(BY_DETAILS, {"input": LEO}) == {"data": {"findChildren": []}}


def test_a_guessed_postcode_never_changes_the_answer_about_a_withheld_address(hub, http, demo) -> None:
    """The attack: vary the postcode guess for Leo (in a refuge, address withheld by the council) and watch
    the confidence. Exact, sector, district and wrong guesses must all get the same answer."""
    leo = demo.child("Leo", "Walsh")
    guesses = [None, "NB4 2LP", "NB4 2ZZ", "NB4 9ZZ", "NB9 9ZZ", "ZZ1 1ZZ"]
    # Dee may find Leo (he is on her school's roll) but not read his address.
    dee = as_practitioner(hub, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING")
    answers = [dee.gql(BY_DETAILS, {"input": {**LEO, "postcode": guess}}) for guess in guesses]
    assert answers[0]["data"]["findChildren"][0]["childId"] == leo
    assert all(answer == answers[0] for answer in answers), answers
    # An unrelated practitioner learns nothing at all, whatever the guess.
    pat = as_practitioner(hub, http, "pat.police@police.northbridge.example", "POLICE_INVESTIGATION")
    for guess in guesses:
        assert pat.gql(BY_DETAILS, {"input": {**LEO, "postcode": guess}}) == {"data": {"findChildren": []}}


def test_repeated_probing_of_one_child_is_limited_and_the_owner_alerted(hub, http, demo) -> None:
    leo, council = demo.child("Leo", "Walsh"), demo.agency("Northbridge Council Children's Services")
    deb = as_practitioner(hub, http, "deb.deputy@primary.northbridge.example", "EDUCATION_SAFEGUARDING")
    answers = [deb.post(BY_DETAILS, {"input": {**LEO, "postcode": f"NB4 {n}AA"}}) for n in range(1, 10)]
    assert all(r.json()["data"]["findChildren"][0]["childId"] == leo for r in answers[:5])
    limited = [r for r in answers if r.json() == {"data": {"findChildren": []}}]
    assert limited, "probing was never limited"
    # Once limited, even the plain question gets the answer for a child who does not exist.
    assert deb.gql(BY_DETAILS, {"input": LEO}) == {"data": {"findChildren": []}}
    reasons = [row["reason"] or "" for row in audit_rows(hub, limited[0].headers["x-request-id"])
               if row["child_id"] == leo]
    assert any("probing" in reason for reason in reasons), reasons
    with UnitOfWork(hub.session_factory) as uow:
        alerts = uow.session.execute(select(t.Notification.recipient_agency_id, t.Notification.summary).where(
            t.Notification.kind == "FIND_PROBING", t.Notification.child_id == leo)).all()
    assert [recipient for recipient, _ in alerts] == [council]  # once, to the owner
    assert "Deb" in alerts[0].summary and "NB4" not in alerts[0].summary
    # Others are not limited by Deb's probing.
    dee = as_practitioner(hub, http, "dee.dsl@primary.northbridge.example", "EDUCATION_SAFEGUARDING")
    assert dee.gql(BY_DETAILS, {"input": LEO})["data"]["findChildren"][0]["childId"] == leo
