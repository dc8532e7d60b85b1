"""Operation Encompass: what the police tell a child's school after a domestic abuse incident.

The statutory content (DOMAIN.md): the child, the police reference, the date, time and location, whether the
child was present and where, whether they were spoken to and what they said, the circumstances; and, when
the police ask it, that the school must not approach the parents. The notice is composed here into the text
a DSL reads (the record's summary); the police's fuller narrative, if any, stays at DETAIL tier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from hub.errors import ValidationError

MAX_FIELD = 600
MAX_NOTICE = 2_000  # a record summary's limit
DO_NOT_APPROACH = "DO NOT APPROACH PARENTS OR CARERS about this notice."


@dataclass(frozen=True)
class IncidentNotice:
    child_id: str
    police_reference: str
    occurred_at: datetime
    location: str
    child_present: bool
    circumstances: str
    child_location: str | None = None  # where the child was during the incident
    child_spoken_to: bool = False
    child_account: str | None = None  # what the child said, in their words where possible
    do_not_approach_parents: bool = False
    detail: str | None = None  # the police narrative: DETAIL tier, never part of the notice


def check_notice(notice: IncidentNotice, now: datetime) -> IncidentNotice:
    """The notice with its text trimmed, or a ValidationError naming the field at fault."""
    def text(value: str | None, field: str, required: bool) -> str | None:
        cleaned = (value or "").strip() or None
        if required and cleaned is None:
            raise ValidationError("Operation Encompass needs this.", field=field)
        if cleaned is not None and len(cleaned) > MAX_FIELD:
            raise ValidationError(f"At most {MAX_FIELD} characters.", field=field)
        return cleaned

    if notice.occurred_at.tzinfo is None:
        raise ValidationError("Give the incident's time with its UTC offset.", field="occurredAt")
    if notice.occurred_at > now:
        raise ValidationError("The incident cannot be in the future.", field="occurredAt")
    if notice.child_spoken_to and not (notice.child_account or "").strip():
        raise ValidationError("Say what the child said, or that they said nothing.", field="childAccount")
    checked = IncidentNotice(
        child_id=notice.child_id,
        police_reference=text(notice.police_reference, "policeReference", True) or "",
        occurred_at=notice.occurred_at,
        location=text(notice.location, "location", True) or "",
        child_present=notice.child_present,
        circumstances=text(notice.circumstances, "circumstances", True) or "",
        child_location=text(notice.child_location, "childLocation", notice.child_present),
        child_spoken_to=notice.child_spoken_to,
        child_account=text(notice.child_account, "childAccount", False) if notice.child_spoken_to else None,
        do_not_approach_parents=notice.do_not_approach_parents,
        detail=notice.detail,
    )
    if len(compose(checked, ZoneInfo("Europe/London"))) > MAX_NOTICE:
        raise ValidationError(f"The notice would exceed {MAX_NOTICE} characters: shorten the circumstances.",
                              field="circumstances")
    return checked


def compose(notice: IncidentNotice, timezone: ZoneInfo) -> str:
    """The notice as the school's DSL reads it."""
    when = notice.occurred_at.astimezone(timezone).strftime("%A %d %B %Y at %H:%M")
    present = f"yes, {notice.child_location}" if notice.child_present else "no"
    spoken = f"yes; they said: {notice.child_account}" if notice.child_spoken_to else "no"
    lines = [
        "Operation Encompass: domestic abuse incident.",
        f"Police reference: {notice.police_reference}.",
        f"When: {when}. Where: {notice.location}.",
        f"Child present: {present}.",
        f"Child spoken to: {spoken}.",
        f"Circumstances: {notice.circumstances}",
    ]
    if notice.do_not_approach_parents:
        lines.append(DO_NOT_APPROACH)
    return "\n".join(lines)
