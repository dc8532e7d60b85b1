"""``Door.change`` decides, writes and records in one call: a refusal never runs the write; what is recorded
may come from what was written; a write that fails leaves nothing behind. On a real door and database, with
nothing committed (the unit of work rolls back)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from hub.audit.entry import Verdict
from hub.bootstrap import Hub
from hub.domain.access import NotificationFacts
from hub.door import Door, Subject
from hub.errors import NotFoundError
from hub.ingest.tables import AdapterCursor
from hub.storage import queries
from hub.storage.unit_of_work import UnitOfWork
from tests.portal import DEE

ADDRESSED = NotificationFacts(to_actor=True, to_actor_role=False)  # the policy lets the recipient acknowledge
NOT_ADDRESSED = NotificationFacts(to_actor=False, to_actor_role=False)
SUBJECT = Subject("notification", "n-1")
CURSOR = "door-change-test"


@contextmanager
def door_of(hub: Hub, email: str = DEE, purpose: str = "EDUCATION_SAFEGUARDING") -> Iterator[Door]:
    with UnitOfWork(hub.session_factory) as uow:
        practitioner = queries.practitioner_by_email(uow.session, email)
        assert practitioner is not None
        actor = queries.load_actor(uow.session, practitioner.id)
        assert actor is not None
        yield Door(uow, hub.policy, hub.reference, actor, request_id=uuid.uuid4().hex, purpose_code=purpose,
                   case_reference="TEST-CASE")


def cursor_row(door: Door) -> AdapterCursor:
    row = AdapterCursor(adapter=CURSOR, cursor="1", updated_at=datetime(2026, 11, 27, tzinfo=UTC))
    door.add(row)
    door.flush()
    return row


def test_a_refusal_never_runs_the_write_and_records_no_reason_computed_from_it(hub: Hub) -> None:
    with door_of(hub) as door:
        with pytest.raises(NotFoundError):
            door.change("acknowledge", NOT_ADDRESSED, SUBJECT, lambda: cursor_row(door), fields=("acknowledged_at",),
                        reason=lambda _: "written", refused=lambda: NotFoundError("No notification with this id."))
        [entry] = door.pending_entries
        assert door.get(AdapterCursor, CURSOR) is None
    assert (entry.decision, entry.action, entry.reason, entry.fields) == (Verdict.DENY, "acknowledge", None, ())


def test_a_missing_target_is_refused_though_the_policy_allows_and_the_entry_names_the_rule(hub: Hub) -> None:
    with door_of(hub) as door:
        with pytest.raises(NotFoundError):
            door.change("acknowledge", ADDRESSED, SUBJECT, lambda: cursor_row(door), missing="no such notification",
                        refused=lambda: NotFoundError("No notification with this id."))
        [entry] = door.pending_entries
        assert door.get(AdapterCursor, CURSOR) is None
    assert (entry.reason, entry.rule) == ("no such notification", "recipient_acknowledges_notification")


def test_what_is_recorded_comes_from_what_was_written(hub: Hub) -> None:
    with door_of(hub) as door:
        row = door.change(
            "acknowledge", ADDRESSED, SUBJECT, lambda: cursor_row(door), audit_action="acknowledge_both",
            fields=lambda row: ("cursor",) if row.cursor else (), reason=lambda row: f"cursor {row.cursor}",
            recorded_as=lambda row: [Subject("adapter_cursor", row.adapter), Subject("adapter_cursor", "other")])
        entries = door.pending_entries
        assert door.get(AdapterCursor, CURSOR) is row
    assert [(e.resource_id, e.action, e.fields, e.reason, e.decision) for e in entries] == [
        (CURSOR, "acknowledge_both", ("cursor",), "cursor 1", Verdict.ALLOW),
        ("other", "acknowledge_both", ("cursor",), "cursor 1", Verdict.ALLOW),
    ]


def test_a_write_that_fails_leaves_nothing_and_the_request_goes_on(hub: Hub) -> None:
    def fails() -> None:
        cursor_row(door)
        raise RuntimeError("half way")

    with door_of(hub) as door:
        with pytest.raises(RuntimeError):
            door.change("acknowledge", ADDRESSED, SUBJECT, fails)
        assert door.get(AdapterCursor, CURSOR) is None
        assert door.pending_entries == ()
        door.change("acknowledge", ADDRESSED, SUBJECT, lambda: cursor_row(door))
        assert door.get(AdapterCursor, CURSOR) is not None
