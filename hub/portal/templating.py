"""Jinja2 for the portal: autoescaped, strict about undefined names, with filters for dates and labels."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
from starlette.background import BackgroundTask
from starlette.responses import HTMLResponse

from hub.domain.working_time import as_utc

TEMPLATES = Path(__file__).resolve().parent / "templates"

try:
    LOCAL = ZoneInfo("Europe/London")  # the people using the portal work in England
except ZoneInfoNotFoundError:  # a machine without tzdata: say UTC rather than guess
    LOCAL = ZoneInfo("UTC")

LABELS = {
    "CHILD_PROTECTION_PLAN": "Child protection plan",
    "LOOKED_AFTER": "Looked after",
    "UNBORN_CHILD_PROTECTION_PLAN": "Unborn child protection plan",
    "CHILD_IN_NEED": "Child in need",
    "EARLY_HELP": "Early help",
    "MASH_ENQUIRY": "MASH enquiry",
    "DOMESTIC_ABUSE_INCIDENT": "Domestic abuse incident",
    "MISSING_EPISODE": "Missing episode",
    "POLICE_INTELLIGENCE": "Police intelligence",
    "UNSCHEDULED_CARE_ATTENDANCE": "Unscheduled care attendance",
    "HEALTH_CONCERN": "Health concern",
    "SEXUAL_HEALTH": "Sexual health",
    "ATTENDANCE_CONCERN": "Attendance concern",
    "EXCLUSION": "Exclusion",
    "SCHOOL_CONCERN": "School concern",
    "MASH_TRIAGE": "MASH triage",
    "S47_ENQUIRY": "Section 47 enquiry",
    "S17_ASSESSMENT": "Section 17 assessment",
    "SHARE_ALL": "Shared all",
    "SHARE_PART": "Shared part",
    "DECLINE": "Declined",
}


def long_date(value: date | datetime | None) -> str:
    """GOV.UK style: 2 November 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return f"{value.day} {value:%B %Y}"


def date_time(value: datetime | None) -> str:
    """GOV.UK style: 2 November 2026 at 9:05am (local time)."""
    if value is None:
        return ""
    local = _local(value)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def label(value: object) -> str:
    text = str(value) if value is not None else ""
    return LABELS.get(text, text.replace("_", " ").capitalize())


def _local(value: datetime) -> datetime:
    return as_utc(value).astimezone(LOCAL)


class Templates:
    def __init__(self, directory: Path = TEMPLATES) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(long_date=long_date, date_time=date_time, label=label)

    def render(self, template: str, context: dict[str, Any]) -> str:
        return self.env.get_template(template).render(context)

    def response(self, template: str, context: dict[str, Any], status: int = 200,
                 headers: dict[str, str] | None = None, background: BackgroundTask | None = None) -> HTMLResponse:
        return HTMLResponse(self.render(template, context), status_code=status, headers=headers,
                            background=background)
