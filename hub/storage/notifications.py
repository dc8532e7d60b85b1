"""Writing notifications at most once per dedupe key, safely under concurrency on both databases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.storage import tables as t


def add_once(session: Session, *, kind: str, recipient_agency_id: str, summary: str, dedupe_key: str,
             created_at: datetime, child_id: str | None = None, record_key: str | None = None,
             actor_practitioner_id: str | None = None, actor_agency_id: str | None = None,
             recipient_practitioner_id: str | None = None, recipient_role: str | None = None) -> bool:
    """Insert unless a notification with this dedupe key exists; True when inserted."""
    values = {
        "id": t.new_id(), "kind": kind, "recipient_agency_id": recipient_agency_id,
        "recipient_practitioner_id": recipient_practitioner_id, "recipient_role": recipient_role,
        "child_id": child_id, "record_key": record_key, "actor_practitioner_id": actor_practitioner_id,
        "actor_agency_id": actor_agency_id, "summary": summary, "dedupe_key": dedupe_key[:200],
        "created_at": created_at,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(t.Notification).values(values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    result: CursorResult[Any] = session.execute(statement)  # type: ignore[assignment]
    return bool(result.rowcount)
