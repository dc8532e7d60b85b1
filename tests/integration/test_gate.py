"""The gate behind the door: within a request, child data is unreachable until the request enters a door, so
a path that forgets the check fails closed instead of reading rows nobody decided on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

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


def test_through_a_door_the_same_read_is_allowed(hub) -> None:
    with open_request(hub.gateway, request_id="gate-test") as request:
        door = request.as_system(System(WORKER, "gate-test"))
        assert door.scalars(select(t.Child.id).limit(1)).all()
