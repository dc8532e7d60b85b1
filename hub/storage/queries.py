"""Read queries the door and services use. Nothing outside the hub's core imports this module."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, exists, func, select
from sqlalchemy.orm import Session, aliased

from hub.domain.access import ChildFacts
from hub.domain.actor import Actor, AgencyKind, Role
from hub.domain.record import AgencyContact
from hub.storage import tables as t
from hub.storage.relationships import BOUND_VIEWER, Viewer, child_relationships, viewer_params
from hub.storage.statements import built_once

ACTOR = (
    select(t.Practitioner.id, t.Practitioner.email, t.Practitioner.name, t.Practitioner.roles, t.Agency.id,
           t.Agency.name, t.Agency.kind, t.AgencyPartnership.partnership_id)
    .join(t.Agency, t.Agency.id == t.Practitioner.agency_id)
    .outerjoin(t.AgencyPartnership, t.AgencyPartnership.agency_id == t.Agency.id)
    .where(t.Practitioner.active.is_(True))
)


@built_once
def _actor_by_id() -> Select[*tuple[Any, ...]]:
    return ACTOR.where(t.Practitioner.id == bindparam("practitioner_id"))


def load_actor(session: Session, practitioner_id: str, client_id: str | None = None) -> Actor | None:
    """The practitioner, their agency and its partnerships, in one round trip (a row per partnership)."""
    # Core, not the ORM: nothing pending can change who the caller is, and every request pays for this.
    rows = session.connection().execute(_actor_by_id(), {"practitioner_id": practitioner_id}).all()
    if not rows:
        return None
    pid, email, name, roles, agency_id, agency_name, kind, _ = rows[0]
    return Actor(
        practitioner_id=pid,
        email=email,
        name=name,
        agency_id=agency_id,
        agency_name=agency_name,
        agency_kind=AgencyKind(kind),
        roles=frozenset(Role(r) for r in roles),
        partnership_ids=frozenset(row[-1] for row in rows if row[-1] is not None),
        client_id=client_id,
    )


def practitioner_by_email(session: Session, email: str) -> t.Practitioner | None:
    return session.scalar(select(t.Practitioner).where(func.lower(t.Practitioner.email) == email.lower()))


def child(session: Session, child_id: str) -> t.Child | None:
    """The child, from the session when it holds them (no SQL, as ``session.get``), else by a statement built
    once: ``session.get`` builds its select per call, and the door walks every new statement it runs."""
    if session.identity_map.get(session.identity_key(t.Child, child_id)) is not None:
        return session.get(t.Child, child_id)
    return session.scalars(_child_by_id(), {"child_id": child_id}).one_or_none()


def child_by_nhs_number(session: Session, nhs_number: str) -> t.Child | None:
    return session.scalars(_child_by_nhs_number(), {"nhs_number": nhs_number}).one_or_none()


@built_once
def _child_by_id() -> Select[t.Child]:
    return select(t.Child).where(t.Child.id == bindparam("child_id"))


@built_once
def _child_by_nhs_number() -> Select[t.Child]:
    return select(t.Child).where(t.Child.nhs_number == bindparam("nhs_number"))


_CHILD_ID: BindParameter[str] = bindparam("child_id")
_FACT_NAMES = tuple(child_relationships(BOUND_VIEWER, _CHILD_ID))


@built_once
def _child_facts() -> Select[*tuple[Any, ...]]:
    """The facts alone, for a child already loaded."""
    return select(*(fact.label(name) for name, fact in child_relationships(BOUND_VIEWER, _CHILD_ID).items()))


@built_once
def _child_with_facts() -> Select[*tuple[Any, ...]]:
    """The child's row with the facts, for a read that starts from the child's id. IN_AREA reads the row
    itself: its correlated form would correlate away the query's own FROM."""
    return select(t.Child, *(
        (t.Child.partnership_id.in_(BOUND_VIEWER.partnership_ids) if name == "in_area" else fact).label(name)
        for name, fact in child_relationships(BOUND_VIEWER, _CHILD_ID).items()
    )).where(t.Child.id == _CHILD_ID)


def children_with_facts(session: Session, viewer: Viewer, child_ids: Collection[str]
                        ) -> dict[str, tuple[t.Child, ChildFacts]]:
    """Several children, each with the actor's relationships with them, in one round trip (a page of a list
    reads its children so, not one by one); children with none of these ids are simply absent."""
    if not child_ids:
        return {}
    rows = session.execute(_children_with_facts(), {**viewer_params(viewer), "child_ids": sorted(child_ids)}).all()
    return {row[0].id: (row[0], _facts(viewer, row[0], row, identified_by_nhs_number=False)) for row in rows}


@built_once
def _children_with_facts() -> Select[*tuple[Any, ...]]:
    """``_child_with_facts`` for many children: each fact correlated with its row's child, probed row by row."""
    return select(t.Child, *(
        (t.Child.partnership_id.in_(BOUND_VIEWER.partnership_ids) if name == "in_area" else fact).label(name)
        for name, fact in child_relationships(BOUND_VIEWER, t.Child.id, per_row=True).items()
    )).where(t.Child.id.in_(bindparam("child_ids", expanding=True)))


def _facts(viewer: Viewer, child: t.Child, row: Any, identified_by_nhs_number: bool) -> ChildFacts:
    return ChildFacts(
        **{name: bool(row._mapping[name]) for name in _FACT_NAMES},
        identified_by_nhs_number=identified_by_nhs_number,
        address_withheld=child.address_withheld_by is not None,
        withholds_address=child.address_withheld_by == viewer.agency_id,
    )


def child_facts(
    session: Session, viewer: Viewer, child: t.Child, *, identified_by_nhs_number: bool = False
) -> ChildFacts:
    """The actor's relationships with one child, in one round trip."""
    row = session.execute(_child_facts(), {**viewer_params(viewer), "child_id": child.id}).one()
    return _facts(viewer, child, row, identified_by_nhs_number)


def child_with_facts(session: Session, viewer: Viewer, child_id: str) -> tuple[t.Child, ChildFacts] | None:
    """The child and the actor's relationships with them, in one round trip; None when there is no such child."""
    row = session.execute(_child_with_facts(), {**viewer_params(viewer), "child_id": child_id}).one_or_none()
    if row is None:
        return None
    child: t.Child = row[0]
    return child, _facts(viewer, child, row, identified_by_nhs_number=False)


_newer = aliased(t.RecordVersion)
# The newest version of each record: versions are appended, never updated. Built once; statements are
# immutable, and SQLAlchemy caches their compiled form.
CURRENT_VERSIONS = select(t.RecordVersion).where(
    ~exists().where(_newer.record_key == t.RecordVersion.record_key, _newer.version > t.RecordVersion.version)
)


def current_versions() -> Select[t.RecordVersion]:
    return CURRENT_VERSIONS


def current_version(session: Session, record_key: str) -> t.RecordVersion | None:
    return session.scalar(
        select(t.RecordVersion)
        .where(t.RecordVersion.record_key == record_key)
        .order_by(t.RecordVersion.version.desc())
        .limit(1)
    )


def contact(agency: t.Agency) -> AgencyContact:
    return AgencyContact(
        agency_id=agency.id,
        name=agency.name,
        kind=agency.kind,
        office_hours_phone=agency.office_hours_phone,
        out_of_hours_phone=agency.out_of_hours_phone,
        email=agency.email,
    )


def agency_names(session: Session, agency_ids: set[str]) -> dict[str, str]:
    if not agency_ids:
        return {}
    rows = session.execute(select(t.Agency.id, t.Agency.name).where(t.Agency.id.in_(agency_ids)))
    return {agency_id: name for agency_id, name in rows}


def involved_agency_ids(session: Session, child_id: str, today: date) -> list[str]:
    """Agencies with an open link to the child, or an active record about them."""
    link = t.AgencyRecordLink
    linked = select(link.agency_id).where(
        link.child_id == child_id, (link.closed_on.is_(None)) | (link.closed_on > today)
    )
    current = current_versions().where(t.RecordVersion.child_id == child_id, t.RecordVersion.status == "ACTIVE")
    holding = select(current.subquery().c.owner_agency_id)
    return sorted(set(session.scalars(linked.union(holding))))


def select_child_id_by_name(given: str, family: str):  # type: ignore[no-untyped-def]
    return select(t.Child.id).where(t.Child.given_name == given, t.Child.family_name == family)
