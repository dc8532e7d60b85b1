"""Looking up a practitioner by e-mail address, to filter the audit by who acted. Practitioners' names and
agencies are not child data: the lookup declares no purpose, and the audit query it feeds records the filter."""

from __future__ import annotations

from dataclasses import dataclass

from hub.door import Door
from hub.storage import queries


@dataclass(frozen=True)
class PractitionerRef:
    id: str
    name: str
    email: str


def practitioner_by_email(door: Door, email: str) -> PractitionerRef | None:
    row = queries.practitioner_by_email(door.session, email.strip())
    return PractitionerRef(row.id, row.name, row.email) if row is not None else None
