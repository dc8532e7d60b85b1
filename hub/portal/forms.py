"""Small helpers for reading the portal's forms and query strings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any


def text(source: Mapping[str, Any], name: str, *, strip: bool = True) -> str:
    value = source.get(name)
    if not isinstance(value, str):
        return ""
    return value.strip() if strip else value


def page_number(source: Mapping[str, Any]) -> int:
    """A 1-based page number from ?page=; anything else is page 1."""
    raw = text(source, "page")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def date_parts(source: Mapping[str, Any], name: str) -> dict[str, str]:
    return {part: text(source, f"{name}-{part}") for part in ("day", "month", "year")}


def parse_date(parts: Mapping[str, str], what: str, today: date) -> tuple[date | None, str | None]:
    """(the date, None) or (None, the message for the error summary), worded as the design system advises."""
    if not any(parts.values()):
        return None, f"Enter {what}"
    missing = [part for part in ("day", "month", "year") if not parts.get(part)]
    if missing:
        return None, f"{what[0].upper()}{what[1:]} must include a {' and a '.join(missing)}"
    try:
        value = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        return None, f"{what[0].upper()}{what[1:]} must be a real date"
    if value > today:
        return None, f"{what[0].upper()}{what[1:]} must be today or in the past"
    return value, None


def case_reference(given: str, default_prefix: str, today: date) -> str:
    """The case a view serves: what the person entered, else a default naming the page and the day."""
    return given or f"{default_prefix}-{today:%Y-%m-%d}"
