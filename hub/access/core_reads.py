"""Statements that go past the session: the gate and the door's accounting hold for them too.

The guard (``hub.access.guard``) and the accounting (``hub.access.accounting``) listen to the session's
executions. A helper handed the session (``door.query``) could still reach its connection and run a statement
on it (``session.connection().execute(...)``), which no session listener sees. So each connection a request's
session begins carries that session's info, and every statement the connection runs without the session's
listeners having seen it is judged here:

- before a door is entered, a statement reaching child data fails as the guard fails it;
- past a practitioner's door, a read of a child's data fails before it runs: rows read past the session cannot
  be counted, so the door cannot account for them; a write of a child's data fails too, as no decision covers
  it. The session's own flush is the one writer past its listeners: the unit of work writing the rows
  ``Door.change`` decided and added, while the session says it is flushing (``hub.storage.database``).

Textual SQL (``text(...)``) names no tables the door can see, through the session or past it: in a request it
fails the same way, whatever it reads.

Reads that release no row (``READ_FOR``) and policy-compiled lists (``SCOPED``) say so as they do through the
session. Connections opened without a session (the region builder, the audit export's reader) are not a
request's and pass.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Select, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql import ClauseElement, TextClause

from hub.access import accounting, guard
from hub.access.accounting import ACCOUNTING, READ_FOR, SCOPED, UnaccountableReadError, tables_of
from hub.storage.database import FLUSHING

SESSION_INFO = "hub.session_info"  # a connection's execution option: the info of the session that began it
SEEN = "hub.seen_by_session"  # a statement's execution option: the session's listeners judged it


def _began(session: Session, _transaction: SessionTransaction, connection: Connection) -> None:
    connection.execution_options(**{SESSION_INFO: session.info})


def _seen(state: ORMExecuteState) -> None:
    state.update_execution_options(**{SEEN: True})


def _executing(_connection: Connection, statement: Any, _multiparams: Any, _params: Any,
               options: dict[str, Any]) -> None:
    info = options.get(SESSION_INFO)
    if info is None or not isinstance(statement, ClauseElement):
        return
    if isinstance(statement, TextClause):  # through the session or past it, nobody can tell what it reaches
        reaches = "textual SQL"
    elif options.get(SEEN):
        return
    else:
        child_data = tables_of(statement) & guard.CHILD_DATA
        if not child_data:
            return
        reaches = ", ".join(sorted(child_data))
    if info.get(guard.GATE) is False:
        raise guard.GateClosedError(f"{reaches} reached past the session's checks before the request entered a "
                                    "door: identify the caller, then open the door")
    counted: accounting.Accounting | None = info.get(ACCOUNTING)
    if counted is None or options.get(READ_FOR) or options.get(SCOPED):
        return
    if isinstance(statement, Select | TextClause):
        counted.refused.append(reaches)
        raise UnaccountableReadError(
            f"A statement reads {reaches} past the session's checks, where the door cannot count whose rows it "
            "reads: build it as a SQLAlchemy expression and execute it through the door (door.execute).")
    if info.get(FLUSHING):
        return  # the unit of work writing the rows Door.change decided (tests/lint/test_writes_through_change.py)
    counted.refused.append(reaches)
    raise UnaccountableReadError(
        f"A statement writes {reaches} past the session's checks, where no decision covers it: write through "
        "the door (door.change), which decides, writes and records.")


# Registered once for every session and engine: a connection no request's session began carries no info.
# ``_seen`` goes first among the session's listeners: the accounting invokes statements itself.
event.listen(Session, "after_begin", _began)
event.listen(Session, "do_orm_execute", _seen, insert=True)
event.listen(Engine, "before_execute", _executing)
