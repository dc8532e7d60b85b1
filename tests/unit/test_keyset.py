"""The keyset helper: cursors carry a list's sort key faithfully, refuse anything else, and the seek condition
walks a list in exactly its order, ties and mixed directions included."""

from __future__ import annotations

import base64
import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, create_engine, insert, select

from hub.errors import ValidationError
from hub.services.paging import Keyset, Sort
from hub.storage.types import UtcDateTime

rows = Table("rows", MetaData(), Column("id", String(36), primary_key=True), Column("day", Date),
             Column("at", UtcDateTime()), Column("rank", Integer))
BY_DAY = Keyset("by_day", Sort(rows.c.day, date, descending=True), Sort(rows.c.id, str))
BY_MOMENT = Keyset("by_moment", Sort(rows.c.at, datetime, descending=True), Sort(rows.c.id, str, descending=True))
BY_RANK = Keyset("by_rank", Sort(rows.c.rank, int), Sort(rows.c.day, date, descending=True), Sort(rows.c.id, str))


def test_a_cursor_gives_back_the_key_it_was_made_from() -> None:
    moment = datetime(2026, 3, 29, 1, 30, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert BY_MOMENT.decode(BY_MOMENT.encode((moment, "b"))) == (moment.astimezone(UTC), "b")
    assert BY_DAY.decode(BY_DAY.encode((date(2026, 2, 28), "a"))) == (date(2026, 2, 28), "a")
    assert BY_RANK.decode(BY_RANK.encode((7, date(2026, 1, 1), "x"))) == (7, date(2026, 1, 1), "x")


@pytest.mark.parametrize("text", [
    'by_day:["2026-02-28"]', 'by_day:["2026-02-30","a"]', 'by_day:[20260228,"a"]', 'by_day:["2026-02-28",1]',
    'by_moment:["2026-01-01T00:00:00","a"]',  # a moment without its zone
    'by_rank:[-1,"2026-01-01","a"]', 'by_rank:[true,"2026-01-01","a"]', 'by_rank:[1e3,"2026-01-01","a"]',
    'by_rank:[9007199254740992,"2026-01-01","a"]',
    'other:["2026-02-28","a"]', 'by_day:{"a":1}', "by_day:", "by_day", 'by_day:["' + "x" * 3000 + '"]',
])
def test_anything_but_a_key_of_the_list_is_refused(text: str) -> None:
    cursor = base64.urlsafe_b64encode(text.encode()).decode()
    keyset = {"by_day": BY_DAY, "by_moment": BY_MOMENT, "by_rank": BY_RANK}.get(text.split(":")[0], BY_DAY)
    with pytest.raises(ValidationError):
        keyset.decode(cursor)
    with pytest.raises(ValidationError):
        BY_DAY.decode("not base64 at all!")


@pytest.mark.parametrize("keyset", [BY_DAY, BY_MOMENT, BY_RANK], ids=lambda keyset: keyset.kind)
def test_pages_walk_the_whole_list_in_its_order(keyset: Keyset) -> None:
    """Many ties on the leading columns, so the later columns decide: the pages, joined, are the list."""
    rng = random.Random(12)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    engine = create_engine("sqlite://")
    rows.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(rows), [
            {"id": f"{i:04d}-{rng.randrange(16**8):08x}"[::-1], "day": date(2026, 1, rng.randint(1, 3)),
             "at": start + timedelta(microseconds=rng.randint(0, 3)), "rank": rng.randint(0, 2)} for i in range(60)])
        whole = [row.id for row in connection.execute(select(rows).order_by(*keyset.order_by()))]
        walked: list[str] = []
        after = None
        while True:
            statement, params = keyset.page(select(rows), 7, after)
            page = connection.execute(statement, params).all()
            walked += [row.id for row in page[:7]]
            if len(page) <= 7:
                break
            last = page[6]
            after = keyset.encode([getattr(last, sort.column.name) for sort in keyset.sorts])
    assert walked == whole and len(set(walked)) == 60
