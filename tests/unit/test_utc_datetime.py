"""One datetime column type: every moment goes in as UTC and comes back aware, on SQLite as on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select

from hub.storage.types import UtcDateTime


def test_moments_come_back_aware_and_in_utc() -> None:
    metadata = MetaData()
    table = Table("moments", metadata, Column("id", Integer, primary_key=True), Column("at", UtcDateTime()))
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    summer = datetime(2026, 6, 8, 13, 0, tzinfo=ZoneInfo("Europe/London"))  # 12:00 UTC
    with engine.begin() as connection:
        connection.execute(insert(table), [{"id": 1, "at": summer}, {"id": 2, "at": datetime(2026, 1, 1, 9, 0)},
                                           {"id": 3, "at": None}])
        rows = dict(connection.execute(select(table.c.id, table.c.at)).all())
        later = connection.execute(select(table.c.id).where(table.c.at > datetime(2026, 6, 8, 12, 30, tzinfo=UTC)))
        assert list(later.scalars()) == []  # compared as the same instant, not London's wall time
    assert rows[1] == datetime(2026, 6, 8, 12, 0, tzinfo=UTC) and rows[1].tzinfo is UTC
    assert rows[2] == datetime(2026, 1, 1, 9, 0, tzinfo=UTC)  # a naive moment is UTC by the hub's convention
    assert rows[3] is None
    engine.dispose()
