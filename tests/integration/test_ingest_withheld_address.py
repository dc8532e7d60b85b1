"""A withheld (refuge) address never shapes what ingest makes of another agency's person, nor what that
agency's practitioners see in their identity resolution queue.

Leo Walsh's address is withheld by the council. The police send him with his exact postcode, then with a
wrong one: the hub must answer the same to both, and the queue shows bands, never the raw score, and no
reason that says his postcode agreed.
"""

from __future__ import annotations

from datetime import date

import httpx

from hub.access.request import open_request
from hub.adapters.contract import Person
from hub.bootstrap import Hub
from hub.identity import matcher
from hub.identity.links import agency_partnership
from hub.identity.tables import ResolutionItem
from hub.ingest.actor import adapter_actor
from hub.ingest.identify import identify
from hub.ingest.target import SyncTarget
from hub.storage import sealing
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner

POLICE = "NB01"
WRONG_POSTCODE = "NB9 9ZZ"


def leo(hub: Hub) -> tuple[str, str]:
    """Leo's hub id and his withheld postcode, opened as the hub itself would."""
    with UnitOfWork(hub.session_factory) as uow:
        child = uow.session.query(t.Child).filter_by(given_name="Leo", family_name="Walsh").one()
        assert child.address_withheld_by is not None
        return child.id, sealing.open_stored_postcode(uow.session, child.id, child.postcode)


def ingest(hub: Hub, person: Person) -> str | None:
    """What one police sync makes of ``person``: the child linked, or None when queued for a practitioner."""
    with open_request(hub.gateway, request_id=f"test-sync-{person.local_id}", operation="sync police") as request:
        actor = request.identify(adapter_actor, POLICE)
        target = SyncTarget("police", actor.agency_id, request.identify(agency_partnership, actor.agency_id))
        door = request.enter(actor, purpose="AGENCY_RECORD_SYNC", case_reference="sync police test")
        door.query(matcher.index_missing)
        child_id = identify(door, target, person)
        request.commit()
        return child_id


def best_score(hub: Hub, local_id: str) -> float | None:
    with UnitOfWork(hub.session_factory) as uow:
        item = uow.session.query(ResolutionItem).filter_by(local_id=local_id).one_or_none()
        return item.best_score if item else None


def test_a_withheld_postcode_never_moves_another_agencys_ingest_match(own_hub: Hub) -> None:
    _, postcode = leo(own_hub)
    exact = Person("NOM-LEO-1", "Leo", "Walsh", date(2015, 11, 20), "male", postcode)
    guessed = Person("NOM-LEO-2", "Leo", "Walsh", date(2015, 11, 20), "male", WRONG_POSTCODE)
    assert ingest(own_hub, exact) == ingest(own_hub, guessed)
    assert best_score(own_hub, "NOM-LEO-1") == best_score(own_hub, "NOM-LEO-2") is not None


QUEUE = "{ identityResolutions { localId reason candidates { childId confidence reasons } } }"


def test_the_queue_shows_bands_and_no_reason_about_a_withheld_address(own_hub: Hub, own_http: httpx.Client) -> None:
    leo_id, postcode = leo(own_hub)
    # A birthday a digit out: a possible match, for a practitioner to decide whichever way it scores.
    assert ingest(own_hub, Person("NOM-LEO-3", "Leo", "Walsh", date(2015, 11, 21), "male", postcode)) is None
    pat = as_practitioner(own_hub, own_http, "pat.police@police.northbridge.example", "POLICE_INVESTIGATION")
    body = pat.gql(QUEUE)
    assert "errors" not in body, body
    [item] = [i for i in body["data"]["identityResolutions"] if i["localId"] == "NOM-LEO-3"]
    [candidate] = [c for c in item["candidates"] if c["childId"] == leo_id]
    assert candidate["confidence"] in {"HIGH", "MEDIUM", "LOW"}
    assert not [reason for reason in candidate["reasons"] if "postcode" in reason], candidate
    assert "postcode" not in item["reason"] and "score" not in item["reason"]
    # The raw score is no longer part of the contract.
    raw = pat.gql("{ identityResolutions { candidates { score } } }")
    assert raw.get("errors"), raw
