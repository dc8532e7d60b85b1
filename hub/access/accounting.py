"""The gate's last check: nothing leaves a practitioner's request about a child the policy was not asked about.

Services read a child's rows and then ask the policy what of them the actor may have. A path that loads a
child's rows and never asks (a new resolver, a helper that forgot) would hand them on undecided. So the door
keeps two sets for the request: the children whose rows were loaded, and the children the policy was asked
about (allowed or refused, it does not matter: the path checked). The request scope compares them before it
commits; a child loaded and never decided fails the request closed: the work is rolled back, nothing is
returned, and the ledger says which children were read undecided (``hub.access.request``).

Rows loaded by a statement compiled from the policy (``hub.services.visibility``: lists filtered in SQL)
were decided in the database, and count as decided: such statements carry the ``SCOPED`` execution option.

Rows are counted as the ORM loads them (``loaded_as_persistent``): every content of a child (identity,
records, requests, grants, notifications, keys) is read as rows of these tables. Rows the request wrote
itself are not loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Result
from sqlalchemy.orm import ORMExecuteState, Session

from hub.storage import tables as t

ACCOUNTING = "hub.accounting"
SCOPED = "hub_scoped"  # execution option: the statement's rows are filtered by the compiled policy


class UndecidedReadError(RuntimeError):
    """A request loaded a child's rows and never asked the policy about the child: it returns nothing."""


@dataclass
class Accounting:
    loaded: set[str] = field(default_factory=set)
    decided: set[str] = field(default_factory=set)
    _scoped_depth: int = 0

    def unaccounted(self) -> frozenset[str]:
        """Children whose rows were loaded and about whom the policy was never asked."""
        return frozenset(self.loaded - self.decided)


def watch(session: Session) -> Accounting:
    """Count, from now on, which children's rows ``session`` loads."""
    accounting = Accounting()
    session.info[ACCOUNTING] = accounting
    if not event.contains(session, "loaded_as_persistent", _loaded):
        event.listen(session, "loaded_as_persistent", _loaded)
        event.listen(session, "do_orm_execute", _scoped)
    return accounting


def forget(session: Session) -> None:
    session.info.pop(ACCOUNTING, None)


def child_of(row: object) -> str | None:
    """The child a loaded row is about, or None for rows that are not a child's data."""
    if isinstance(row, t.Child):
        return row.id
    if isinstance(row, _ABOUT_A_CHILD):
        return row.child_id
    return None


# Every mapped table in the guard's CHILD_DATA with a child_id; a request target or rating change is reached
# through its request, which is one of these.
_ABOUT_A_CHILD = (t.RecordVersion, t.AgencyRecordLink, t.Grant, t.BreakGlassSession, t.InformationRequest,
                  t.Notification, t.ChildDataKey)


def _loaded(session: Session, row: object) -> None:
    accounting: Accounting | None = session.info.get(ACCOUNTING)
    if accounting is None:
        return
    child_id = child_of(row)
    if child_id is not None:
        (accounting.decided if accounting._scoped_depth else accounting.loaded).add(child_id)


def _scoped(state: ORMExecuteState) -> Result[Any] | None:
    """Load a policy-compiled statement's rows now, while they count as decided (the database decided)."""
    accounting: Accounting | None = state.session.info.get(ACCOUNTING)
    if accounting is None or not state.is_select or not state.execution_options.get(SCOPED):
        return None
    accounting._scoped_depth += 1
    try:
        frozen = state.invoke_statement().freeze()
    finally:
        accounting._scoped_depth -= 1
    return frozen()
