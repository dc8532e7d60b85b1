"""The actor an adapter writes as: its agency's service account (a practitioner with the role ADAPTER)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.adapters.contract import AdapterConfigurationError
from hub.domain.actor import Actor, Role
from hub.storage import queries
from hub.storage import tables as t


def adapter_actor(session: Session, agency_code: str) -> Actor:
    agency = session.scalar(select(t.Agency).where(t.Agency.official_code == agency_code))
    if agency is None:
        raise AdapterConfigurationError(
            f"No agency has the official code {agency_code!r}: register the agency "
            "(`hub demo` seeds the demo's)."
        )
    accounts = session.scalars(
        select(t.Practitioner)
        .where(t.Practitioner.agency_id == agency.id, t.Practitioner.active.is_(True))
        .order_by(t.Practitioner.email)
    ).all()
    account = next((p for p in accounts if Role.ADAPTER in p.roles), None)
    actor = queries.load_actor(session, account.id) if account else None
    if actor is None:
        raise AdapterConfigurationError(
            f"{agency.name} has no adapter service account: add an active practitioner with the role ADAPTER."
        )
    return actor
