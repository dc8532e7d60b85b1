"""The gate behind the door: within a request, child data is unreachable until the request enters a door, so
a path that forgets the check fails closed instead of reading rows nobody decided on."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from hub.access.guard import GateClosedError
from hub.access.request import open_request
from hub.access.system import WORKER, System
from hub.storage import queries
from hub.storage import tables as t


def test_child_data_is_refused_before_a_door_is_opened(hub) -> None:
    with open_request(hub.gateway, request_id="gate-test") as request:
        # Identifying the caller reads practitioners: allowed.
        assert request.identify(queries.practitioner_by_email, "sam.social@council.northbridge.example")
        with pytest.raises(GateClosedError, match="children"):
            request.identify(lambda session: session.scalars(select(t.Child).limit(1)).all())
        with pytest.raises(GateClosedError, match="record_versions"):
            request.identify(lambda session: session.execute(
                select(t.Child.id).join(t.RecordVersion, t.RecordVersion.child_id == t.Child.id)).all())


def test_child_data_reached_past_the_session_is_refused_before_a_door_is_opened(hub) -> None:
    """The session's connection, or textual SQL, does not get round the gate (hub.access.core_reads)."""
    children = t.Child.__table__
    with open_request(hub.gateway, request_id="gate-test") as request:
        assert request.identify(lambda session: session.connection().execute(
            select(t.Practitioner.__table__.c.id).limit(1)).all())  # not child data: allowed
        with pytest.raises(GateClosedError, match="children"):
            request.identify(lambda session: session.connection().execute(select(children.c.given_name)).all())
        with pytest.raises(GateClosedError, match="textual SQL"):
            request.identify(lambda session: session.execute(text("SELECT given_name FROM children")).all())


def test_through_a_door_the_same_read_is_allowed(hub) -> None:
    with open_request(hub.gateway, request_id="gate-test") as request:
        door = request.as_system(System(WORKER, "gate-test"))
        assert door.scalars(select(t.Child.id).limit(1)).all()
