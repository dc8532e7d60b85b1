"""The gate's last check: nothing leaves a practitioner's request about a child the policy was not asked about.

Services read a child's rows and then ask the policy what of them the actor may have. A path that loads a
child's rows and never asks (a new resolver, a helper that forgot) would hand them on undecided. So the door
keeps two sets for the request: the children whose rows were loaded, and the children the policy was asked
about (allowed or refused, it does not matter: the path checked). A child's records are counted apart: a
decision about who the child is (reading or finding them) does not account for them. The request scope
compares the sets before it commits; a child loaded and never decided fails the request closed: the work is
rolled back, nothing is returned, and the ledger says which children were read undecided
(``hub.access.request``).

Rows loaded by a statement compiled from the policy (``hub.services.visibility``: lists filtered in SQL)
were decided in the database, and count as decided: such statements carry the ``SCOPED`` execution option.

Rows of mapped classes are counted as the ORM loads them (``loaded_as_persistent``); rows of columns by the
child id they carry. A statement reading columns of a child's data without the child's id cannot be
accounted for, and is refused before it runs (counts and computed yes/no answers name nobody's data and
pass). The two reads that release no row, matching and a partnership's statistics, say so (``READ_FOR``,
``hub.storage.reads``). Rows the request wrote itself are not loads.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Boolean, Column, Select, Table, event
from sqlalchemy.engine import Result
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import ClauseElement, functions
from sqlalchemy.sql.elements import Label
from sqlalchemy.sql.selectable import Exists
from sqlalchemy.sql.util import find_tables

from hub.storage import tables as t
from hub.storage.reads import READ_FOR, SCOPED, WHOLE_READS

__all__ = ["READ_FOR", "SCOPED", "SHAPES", "Accounting", "UnaccountableReadError", "UndecidedReadError",
           "child_of", "forget", "tables_of", "touched_tables", "watch"]

ACCOUNTING = "hub.accounting"
V = TypeVar("V")


class UnaccountableReadError(RuntimeError):
    """A statement read columns of a child's data without the child's id: refused before it runs."""


class UndecidedReadError(RuntimeError):
    """A request loaded a child's rows and never asked the policy about the child: it returns nothing."""


@dataclass
class Accounting:
    loaded: set[str] = field(default_factory=set)
    decided: set[str] = field(default_factory=set)
    # A child's records are accounted for by a decision about more than who the child is: reading a child's
    # identity must not make a list of their records that nobody decided on pass.
    records_loaded: set[str] = field(default_factory=set)
    records_decided: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)  # statements refused for reading whose-data-unknown columns
    _scoped_depth: int = 0

    def note(self, child_id: str, resource_type: str, action: str) -> None:
        """The policy was asked about ``child_id``: ``action`` on a resource of ``resource_type``."""
        self.decided.add(child_id)
        if (resource_type, action) not in IDENTITY:
            self.records_decided.add(child_id)

    def unaccounted(self) -> frozenset[str]:
        """Children whose rows were loaded and about whom the policy was never asked."""
        return frozenset((self.loaded - self.decided) | (self.records_loaded - self.records_decided))


# The decisions about who a child is, and nothing more: reading their identity, finding them, their address.
IDENTITY = frozenset({("child", "read"), ("child", "find"), ("child", "read_address")})


def watch(session: Session) -> Accounting:
    """Count, from now on, which children's rows ``session`` loads."""
    accounting = Accounting()
    session.info[ACCOUNTING] = accounting
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
    if child_id is None:
        return
    if accounting._scoped_depth:
        accounting.note(child_id, "record", "read")  # the compiled policy decided the row
    elif isinstance(row, t.RecordVersion):
        accounting.records_loaded.add(child_id)
    else:
        accounting.loaded.add(child_id)


def _account(state: ORMExecuteState) -> Result[Any] | None:
    """Count the children whose data a statement reads: a policy-compiled statement's rows are loaded now,
    while they count as decided (the database decided); rows of columns are counted by the child id they
    carry. Rows of mapped classes are counted as the ORM loads them (``_loaded``)."""
    accounting: Accounting | None = state.session.info.get(ACCOUNTING)
    if accounting is None or not state.is_select:
        return None
    if state.execution_options.get(SCOPED):
        accounting._scoped_depth += 1
        try:
            frozen = state.invoke_statement().freeze()
        finally:
            accounting._scoped_depth -= 1
        return frozen()
    if (read_for := state.execution_options.get(READ_FOR)) is not None:
        if read_for not in WHOLE_READS:
            raise ValueError(f"{read_for!r} is not a kind of read the door knows (hub.storage.reads)")
        return None  # read for matching or statistics: nothing of it is released row by row
    statement = state.statement
    if not isinstance(statement, Select):
        return None
    shape = _shape(statement)
    if not shape.content_tables or shape.holds_no_ones_data:
        return None  # entities are counted as they load; counts and computed yes/no answers hold no one's data
    if not shape.child_id_columns:
        accounting.refused.append(", ".join(sorted(shape.content_tables)))
        raise UnaccountableReadError(
            "A statement reads columns of child data without the child's id, so the door cannot account for "
            "whose data it is: select the child id with them (children.id or child_id), or the row itself.")
    frozen = state.invoke_statement().freeze()
    counted = accounting.records_loaded if shape.reads_records else accounting.loaded
    for row in frozen.data:
        for i in shape.child_id_columns:
            if row[i] is not None:
                counted.add(row[i])
    return frozen()


@dataclass(frozen=True)
class _Shape:
    """What the door needs to know of a select to count its rows: which tables of child data it reads, and
    which of its columns carry a child's id."""

    content_tables: frozenset[str]
    holds_no_ones_data: bool  # entities (counted as they load), or only counts and computed yes/no answers
    child_id_columns: tuple[int, ...]
    reads_records: bool


class Shapes:
    """``remembered`` off works each statement's shape out at every execution, as the door once did: the
    benchmark's baseline for this lever (bench/graphql_read.py)."""

    remembered = True


SHAPES = Shapes()


class _PerStatement(Generic[V]):
    """A fact about a statement worked out once per statement object.

    Statements are immutable and most are built once per process (``hub.storage.statements``): walking the
    expression on every execution was a seventh of an audited read. The map keeps each statement it is keyed
    by, so an id is not reused while its entry lives. Statements built per request pass through it: the
    least recently used go first, so a flood of one-off statements never costs the hot ones their facts."""

    def __init__(self, work: Callable[[Any], V], kept: int = 4096) -> None:
        self._work, self._kept = work, kept
        self._facts: OrderedDict[int, tuple[object, V]] = OrderedDict()

    def __call__(self, statement: Any) -> V:
        key = id(statement)
        known = self._facts.get(key) if SHAPES.remembered else None
        if known is not None and known[0] is statement:
            with contextlib.suppress(KeyError):  # another thread may have just let it go
                self._facts.move_to_end(key)
            return known[1]
        fact = self._work(statement)
        self._facts[key] = (statement, fact)
        while len(self._facts) > self._kept:
            with contextlib.suppress(KeyError):  # another thread may have emptied it first
                self._facts.popitem(last=False)
        return fact


def _work_out_shape(statement: Select[Any]) -> _Shape:
    content_tables = _CONTENT_TABLES & tables_of(statement)
    columns = [_column_kind(description) for description in statement.column_descriptions] if content_tables else []
    return _Shape(
        content_tables=content_tables,
        holds_no_ones_data=ENTITY in columns or all(kind == AGGREGATE for kind in columns),
        child_id_columns=tuple(i for i, kind in enumerate(columns) if kind == CHILD_ID),
        reads_records=_RECORDS in content_tables,
    )


_shape = _PerStatement(_work_out_shape)


ENTITY, CHILD_ID, AGGREGATE, OTHER = "entity", "child_id", "aggregate", "other"


def _column_kind(description: dict[str, Any]) -> str:
    expression = description["expr"]
    if isinstance(expression, type):
        return ENTITY if issubclass(expression, (t.Child, *_ABOUT_A_CHILD)) else OTHER
    expression = getattr(expression, "expression", expression)  # an ORM attribute: its column
    while isinstance(expression, Label):
        expression = expression.element
    if isinstance(expression, Column):
        table = expression.table.name if isinstance(expression.table, Table) else None
        if (table == "children" and expression.name == "id") or (
                table in _CONTENT_TABLES and expression.name == "child_id"):
            return CHILD_ID
        return OTHER
    if isinstance(expression, _AGGREGATES) or isinstance(getattr(expression, "type", None), Boolean):
        return AGGREGATE  # a count, or a computed yes/no (a relationship the policy decides on)
    return OTHER


def touched_tables(statement: ClauseElement) -> frozenset[str]:
    """The names of the tables a statement reads or writes (aliases and joins included)."""
    touched = set()
    for found in find_tables(statement, check_columns=True, include_aliases=True, include_joins=True,
                             include_crud=True):
        name = getattr(getattr(found, "element", found), "name", None)  # an alias names its table's element
        if isinstance(name, str):
            touched.add(name)
    return frozenset(touched)


tables_of = _PerStatement(touched_tables)  # touched_tables, worked out once per statement


_AGGREGATES = (functions.count, functions.max, functions.min, functions.sum, Exists)
# The tables holding a child's data that rows are counted on: every mapped table with the child's id, and the
# children themselves. Identity keys (blind indexes for matching) and quarantined payloads (sealed, read only
# by a decided, audited action) are not read as a child's data by a practitioner's request.
_CONTENT_TABLES = frozenset({"children", *(cls.__tablename__ for cls in _ABOUT_A_CHILD)})
_RECORDS = t.RecordVersion.__tablename__


# Listened for on every session once, not per request's session (listening cost a twentieth of a read); a
# session the door does not watch has no accounting in its info, and the listeners return at once.
event.listen(Session, "loaded_as_persistent", _loaded)
event.listen(Session, "do_orm_execute", _account)
