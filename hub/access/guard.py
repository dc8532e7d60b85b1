"""The backstop behind the door: a request's session refuses to touch child data until the request has
entered through a door.

Identification steps (a token, a portal session, a sign-in check) and refusals run before any door is
opened; if one of them, or a new path, reaches for a child's data, the statement fails (``GateClosedError``)
instead of returning rows nobody decided on. ``open_request`` closes the gate; ``enter`` and ``as_system``
open it.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import ClauseElement

from hub.access.accounting import tables_of

GATE = "hub.gate"
# Tables holding information about a child (what the policy decides on), and the keys that open it.
CHILD_DATA = frozenset({
    "children", "record_versions", "agency_record_links", "grants", "break_glass_sessions", "information_requests",
    "request_targets", "request_rating_changes", "notifications", "identity_keys", "identity_resolutions",
    "adapter_quarantine", "adapter_source_items", "child_data_keys",
})


class GateClosedError(RuntimeError):
    """Child data was reached before the request entered through a door: a path that forgot the check."""


def close(session: Session) -> None:
    session.info[GATE] = False


def open_(session: Session) -> None:
    session.info[GATE] = True


def forget(session: Session) -> None:
    session.info.pop(GATE, None)


def _guard(state: ORMExecuteState) -> None:
    statement = state.statement
    if state.session.info.get(GATE) is not False or not isinstance(statement, ClauseElement):
        return
    touched = tables_of(statement)
    if touched & CHILD_DATA:
        raise GateClosedError(f"{', '.join(sorted(touched & CHILD_DATA))} reached before the request entered a "
                              "door: identify the caller, then open the door (hub.access.request)")


# Listened for on every session once; a session no request closed has no gate in its info and passes.
event.listen(Session, "do_orm_execute", _guard)
