"""Column types of the hub's own.

``UtcDateTime``: every moment is stored and read back as an aware UTC datetime. PostgreSQL keeps the zone;
SQLite stores the UTC wall time and hands it back naive. Reading through this type gives the same aware value
on both, so no caller needs to mend a naive datetime after a query.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # A naive moment in the hub is UTC by convention (as SQLite hands it back); store it as such.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
