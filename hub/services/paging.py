"""The one way every paged list pages: keyset (seek) paging behind opaque Relay cursors.

A cursor names its list's kind (so one list's cursor is refused by another) and the sort key of a row shown:
the list's ordering columns, ending with a unique one so the key names exactly one row. The next page is the
rows beyond that key in the list's order, ``LIMIT first + 1`` (the extra row says whether more follow). Unlike
an OFFSET, the database seeks to the key through the index the list is ordered by, however deep the page, and
a row added or removed between pages neither repeats nor skips a row on the next page.

A cursor the hub did not issue, or one whose key no database could hold, is bad input (INVALID_INPUT), never
an internal error.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVarTuple

from sqlalchemy import BindParameter, ColumnElement, Select, and_, bindparam, or_, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from hub.errors import ValidationError

MAX_PAGE = 100
# Past any real list, and well inside the 64-bit integers PostgreSQL and SQLite take for ids.
MAX_POSITION = 2**53 - 1
MAX_TEXT = 500  # longer than any sorted column holds
MAX_CURSOR = 4 * MAX_TEXT  # a few keys of at most that: anything longer is not ours, and is not parsed
NOT_OURS = "This cursor was not issued by the hub for this list: ask for the first page again, without it."

Value = str | int | date | datetime
Ts = TypeVarTuple("Ts")


@dataclass(frozen=True)
class Sort:
    """One ordering column of a list: its SQL, the type of its values, and its direction."""

    column: ColumnElement[Any] | InstrumentedAttribute[Any]
    kind: type[str] | type[int] | type[date] | type[datetime]
    descending: bool = False


class Keyset:
    """A list's order, and the cursors and seek conditions that follow from it."""

    def __init__(self, kind: str, *sorts: Sort) -> None:
        self.kind = kind
        self.sorts = sorts
        # Bound once: a statement built once (hub.storage.statements) takes a cursor's key as parameters.
        self._bound: tuple[BindParameter[Any], ...] = tuple(
            bindparam(f"{kind}_after_{i}", type_=sort.column.expression.type) for i, sort in enumerate(sorts))

    # -- SQL ---------------------------------------------------------------------------------------------
    def order_by(self) -> list[ColumnElement[Any] | InstrumentedAttribute[Any]]:
        return [sort.column.desc() if sort.descending else sort.column for sort in self.sorts]

    def seek(self) -> ColumnElement[bool]:
        """Rows beyond the key bound by ``parameters``, in the list's order."""
        if len({sort.descending for sort in self.sorts}) == 1:  # one direction: a row comparison an index serves
            columns, bound = tuple_(*(sort.column for sort in self.sorts)), tuple_(*self._bound)
            return columns < bound if self.sorts[0].descending else columns > bound
        # Mixed directions: beyond on the first column, or equal on it and beyond on the next, and so on;
        # the leading bound alone is what an index on the first column seeks by.
        first, first_bound = self.sorts[0], self._bound[0]
        leading = first.column <= first_bound if first.descending else first.column >= first_bound
        cases = [and_(*(sort.column == bound for sort, bound in zip(self.sorts[:i], self._bound[:i], strict=True)),
                      _beyond(self.sorts[i], self._bound[i])) for i in range(len(self.sorts))]
        return and_(leading, or_(*cases))

    def parameters(self, key: Sequence[Value]) -> dict[str, Any]:
        return {bound.key: value for bound, value in zip(self._bound, key, strict=True)}

    def page(self, statement: Select[*Ts], first: int, after: str | None) -> tuple[Select[*Ts], dict[str, Any]]:
        """One page of ``statement`` after the cursor (one extra row, to tell whether more follow), with the
        parameters to run it with."""
        return self.page_after(statement, first, None if after is None else self.decode(after))

    def page_after(self, statement: Select[*Ts], first: int, key: Sequence[Value] | None
                   ) -> tuple[Select[*Ts], dict[str, Any]]:
        """One page of ``statement`` after the row whose sort key is ``key`` (None: the first page)."""
        check_page_size(first)
        ordered = statement.order_by(*self.order_by()).limit(first + 1)
        if key is None:
            return ordered, {}
        return ordered.where(self.seek()), self.parameters(key)

    def check(self, first: int, after: str | None) -> None:
        """Refuse a bad page size or cursor before anything is read (or audited)."""
        check_page_size(first)
        if after is not None:
            self.decode(after)

    # -- cursors -----------------------------------------------------------------------------------------
    def encode(self, key: Sequence[Value]) -> str:
        values = [_plain(value) for value in key]
        return base64.urlsafe_b64encode(f"{self.kind}:{json.dumps(values, separators=(',', ':'))}".encode()).decode()

    def decode(self, cursor: str, *, field: str = "after") -> tuple[Value, ...]:
        """The key a cursor of this list names, or a ValidationError."""
        try:
            if len(cursor) > MAX_CURSOR:
                raise ValueError(len(cursor))
            found, _, text = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
            values = json.loads(text)
            if found != self.kind or not isinstance(values, list) or len(values) != len(self.sorts):
                raise ValueError(found)
            return tuple(_typed(sort.kind, value) for sort, value in zip(self.sorts, values, strict=True))
        except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
            raise ValidationError(NOT_OURS, field=field) from None


def check_page_size(first: int) -> None:
    if not 0 < first <= MAX_PAGE:
        raise ValidationError(f"first must be between 1 and {MAX_PAGE}.", field="first")


def _beyond(sort: Sort, bound: BindParameter[Any]) -> ColumnElement[bool]:
    return sort.column < bound if sort.descending else sort.column > bound


def _plain(value: Value) -> str | int:
    if isinstance(value, datetime):
        return (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _typed(kind: type, value: object) -> Value:
    """A key's value as its column's type; ValueError for anything the hub would not have written."""
    if kind is int and type(value) is int and 0 <= value <= MAX_POSITION:
        return value
    if kind is str and isinstance(value, str) and len(value) <= MAX_TEXT:
        return value
    if kind is date and isinstance(value, str) and len(value) == len("2000-01-01"):
        return date.fromisoformat(value)
    if kind is datetime and isinstance(value, str) and len(value) <= len("2000-01-01T00:00:00.000000+00:00"):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)
    raise ValueError(value)
