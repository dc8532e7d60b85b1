"""The resolution queue: people an agency holds whom the hub could not match with confidence.

Ingest enqueues one item per agency and local id (and holds that person's records); a practitioner of the
same agency, working a case, links the person to one of the candidates or to a new child. Both steps are
audited. The held records are applied by the adapter's next sync, in the agency's name, once the item
is resolved.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.adapters.contract import BadRecordError
from hub.domain.access import ChildFacts
from hub.domain.child import MatchConfidence
from hub.door import Door, Subject
from hub.errors import ConflictError, NotFoundError, ValidationError
from hub.identity.links import agency_partnership, create_child, link_person
from hub.identity.matcher import Match, confidence
from hub.identity.scoring import about_address
from hub.identity.tables import ResolutionItem
from hub.storage import tables as t
from hub.storage.reads import MATCHING, READ_FOR
from hub.storage.sealing import key_store
from hub.storage.secrets_at_rest import is_sealed_document, open_document, seal_document

OPEN, LINKED, CREATED = "OPEN", "LINKED", "CREATED"
TABLE = "identity_resolutions"


@dataclass(frozen=True)
class CandidateView:
    """A candidate as the agency's practitioner sees it: a band, never the score (a score moves by fractions
    an attacker can read), and no reason about an address withheld from the agency."""

    child_id: str
    confidence: MatchConfidence
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ResolutionView:
    id: str
    adapter: str
    local_id: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    sex: str | None
    postcode: str | None
    best_score: float
    reason: str
    status: str
    candidates: tuple[CandidateView, ...]
    created_at: datetime
    resolved_child_id: str | None


def enqueue(door: Door, adapter: str, agency_id: str, person: dict[str, Any], match: Match) -> ResolutionItem:
    """One open item per agency and local id: a second record about the same person waits on the same item.

    Decided before anything is written (``door.change``); a refusal writes nothing, is audited, and is raised
    as bad data (``BadRecordError``: the sync quarantines the item with the reason)."""

    def write() -> ResolutionItem:
        item = door.scalar(
            select(ResolutionItem).where(
                ResolutionItem.agency_id == agency_id,
                ResolutionItem.local_id == person["local_id"],
                ResolutionItem.status == OPEN,
            )
        )
        if item is not None:
            return item
        item = ResolutionItem(
            id=item_id,
            agency_id=agency_id,
            adapter=adapter,
            local_id=person["local_id"],
            person=seal_document(door.query(key_store), TABLE, "person", item_id, person),
            candidates=[asdict(c) | {"reasons": list(c.reasons)} for c in match.candidates],
            best_score=match.score,
            status=OPEN,
            reason=match.reason,
            created_at=door.now(),
        )
        door.add(item)
        door.flush()
        return item

    item_id = t.new_id()
    return door.change(
        "queue_for_resolution", ChildFacts(), Subject("identity_resolution", None, None, agency_id), write,
        reason=f"{adapter} {person['local_id']}: {match.reason}; confidence {confidence(match.score)}",
        refused=lambda: BadRecordError("the policy does not let this adapter queue a person for identity resolution"),
    )


def list_open(door: Door) -> list[ResolutionView]:
    """The open items of the actor's agency, oldest first; nothing for an actor who may not resolve."""
    subject = Subject("identity_resolution", None, None, door.actor.agency_id)
    decision = door.decide("resolve_identity", ChildFacts(), subject, audit=False)
    if not decision.allowed:
        door.record(subject, "list", decision)
        return []
    items = door.scalars(
        select(ResolutionItem)
        .where(
            ResolutionItem.agency_id == door.actor.agency_id,
            ResolutionItem.status == OPEN,
        )
        .order_by(ResolutionItem.created_at, ResolutionItem.id)
    ).all()
    door.record(
        subject,
        "list",
        decision,
        fields=("person", "candidates"),
        reason=f"{len(items)} open identity resolutions",
    )
    withheld = _addresses_withheld_from(door, {c["child_id"] for item in items for c in item.candidates})
    return [_view(item, person_of(door, item), withheld) for item in items]


def resolve(door: Door, item_id: str, *, link_to: str | None) -> ResolutionView:
    """Link the person to ``link_to`` (one of the candidates), or to a new child when it is None."""
    subject = Subject("identity_resolution", item_id, None, door.actor.agency_id)
    door.access(subject, "resolve")
    item = door.get(ResolutionItem, item_id)
    if item is None or item.agency_id != door.actor.agency_id:
        door.refuse(subject, "resolve", "no such resolution item for this agency")
        raise NotFoundError("No identity resolution with this id.")

    def write() -> tuple[str, str]:
        """The child the person is linked to, and how it was chosen."""
        if item.status != OPEN:
            door.refuse(subject, "resolve", f"already {item.status}")
            raise ConflictError(f"This item was already resolved ({item.status}).")
        candidates = {c["child_id"] for c in item.candidates}
        if link_to is not None and link_to not in candidates:
            door.refuse(subject, "resolve", "not one of the candidates")
            raise ValidationError("Link to one of the item's candidates, or create a new child.", field="childId")
        if link_to is None:
            child_id = create_child(
                door, door.query(agency_partnership, item.agency_id), person_of(door, item), action="resolve_identity"
            )
            item.status, how = CREATED, "a new child"
        else:
            child_id, item.status, how = link_to, LINKED, f"candidate {link_to}"
        link_person(
            door,
            item.agency_id,
            item.local_id,
            child_id,
            f"resolved by a practitioner: {how}",
            action="resolve_identity",
        )
        item.resolved_child_id, item.resolved_by, item.resolved_at = (
            child_id,
            door.actor.practitioner_id,
            door.now(),
        )
        door.flush()
        return child_id, how

    door.change(
        "resolve_identity", ChildFacts(), subject, write, audit_action="resolve",
        recorded_as=lambda linked: Subject("identity_resolution", item.id, linked[0], item.agency_id),
        reason=lambda linked: f"{item.local_id} linked to {linked[1]}",
        refused=lambda: NotFoundError("No identity resolution with this id."),
    )
    return _view(item, person_of(door, item),
                 _addresses_withheld_from(door, {c["child_id"] for c in item.candidates}))


def _addresses_withheld_from(door: Door, child_ids: set[str]) -> set[str]:
    """Those of ``child_ids`` whose address another agency withholds from the actor's. Matching at ingest
    already ignores such an address; this also covers items queued before it did."""
    if not child_ids:
        return set()
    return set(door.scalars(select(t.Child.id).where(
        t.Child.id.in_(sorted(child_ids)), t.Child.address_withheld_by.is_not(None),
        t.Child.address_withheld_by != door.actor.agency_id)
        .execution_options(**{READ_FOR: MATCHING})))  # shapes the matcher's reasons; releases no child


def seal_stored(session: Session) -> int:
    """Seal person details stored before sealing existed; how many were sealed."""
    plain = [i for i in session.scalars(select(ResolutionItem)) if not is_sealed_document(i.person)]
    for item in plain:
        item.person = seal_document(key_store(session), TABLE, "person", item.id, item.person)
    return len(plain)


def person_of(door: Door, item: ResolutionItem) -> dict[str, Any]:
    """The person's details as the agency gave them, opened (sealed at rest: no child is known yet)."""
    return open_document(door.query(key_store), TABLE, "person", item.id, item.person)


def _view(item: ResolutionItem, person: dict[str, Any], withheld: set[str]) -> ResolutionView:
    born = person.get("date_of_birth")
    return ResolutionView(
        id=item.id,
        adapter=item.adapter,
        local_id=item.local_id,
        given_name=person["given_name"],
        family_name=person["family_name"],
        date_of_birth=date.fromisoformat(born) if born else None,
        sex=person.get("sex"),
        postcode=person.get("postcode"),
        best_score=item.best_score,
        reason=item.reason,
        status=item.status,
        created_at=item.created_at,
        resolved_child_id=item.resolved_child_id,
        candidates=tuple(
            CandidateView(c["child_id"], confidence(c["score"]), tuple(
                r for r in c["reasons"] if not (c["child_id"] in withheld and about_address(r))))
            for c in item.candidates
        ),
    )
