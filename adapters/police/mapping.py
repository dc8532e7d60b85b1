"""Pure mapping: a police occurrence (JSON, UK dates) to the hub's ``SourceRecord``, or a ``BadRecordError``.

Domestic abuse occurrences carry the Operation Encompass fields a school needs before the next school day:
police reference, date, time and location, whether the child was present and where, whether they were
spoken to and what they said, the circumstances, and whether the school must not approach the parents.
The summary says what a DSL needs; the circumstances and the child's words are the detail. Intelligence
markers are RESTRICTED: others learn only that confidential information is held.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from hub.adapters.contract import (
    BadRecordError,
    Category,
    Involvement,
    LinkKind,
    Person,
    RawItem,
    RecordContent,
    SourceRecord,
    Tier,
)

SEX = {"F": "female", "M": "male"}


def map_occurrence(item: RawItem) -> SourceRecord:
    raw = item.payload
    ref = _text(raw, "occurrenceRef", item.source_id)
    revision = raw.get("revision")
    if not isinstance(revision, int) or revision < 1:
        raise BadRecordError("revision must be a positive whole number", ref)
    person = _nominal(raw.get("subject"), ref)
    occurred = _moment(raw, "occurredAt", ref)
    kind = raw.get("type")
    if kind == "DOMESTIC_ABUSE":
        content = _domestic_abuse(raw, ref, occurred)
    elif kind == "MISSING_PERSON":
        content = _missing(raw, ref, occurred)
    elif kind == "INTELLIGENCE_MARKER":
        content = _marker(raw, ref, occurred)
    else:
        raise BadRecordError(f"unknown occurrence type {kind!r}", ref)
    return SourceRecord(ref, revision, person, Involvement(LinkKind.INVOLVEMENT, occurred.date()), content)


def _domestic_abuse(raw: Mapping[str, Any], ref: str, occurred: datetime) -> RecordContent:
    encompass = raw.get("encompass")
    if not isinstance(encompass, Mapping):
        raise BadRecordError("a domestic abuse occurrence needs its Operation Encompass details", ref)
    present = encompass.get("childPresent")
    if not isinstance(present, bool):
        raise BadRecordError("encompass.childPresent must be true or false", ref)
    spoken = encompass.get("spokenTo")
    if not isinstance(spoken, bool):
        raise BadRecordError("encompass.spokenTo must be true or false", ref)
    circumstances = _text(encompass, "circumstances", ref)
    where = encompass.get("childLocation") or "not recorded"
    location = raw.get("location") or "not recorded"
    parts = [
        f"Domestic abuse incident {ref} on {occurred:%d %B %Y at %H:%M} at {location}.",
        f"Child present: {'yes, ' + where if present else 'no'}.",
        f"Spoken to: {'yes' if spoken else 'no'}.",
    ]
    if encompass.get("doNotApproachParents"):
        parts.append("Police ask that the school does not approach the parents.")
    detail = circumstances
    if spoken and encompass.get("childAccount"):
        detail += f" The child said: {encompass['childAccount']}"
    return RecordContent(
        Category.DOMESTIC_ABUSE_INCIDENT, Tier.SUMMARY, " ".join(parts), occurred.date(), None, detail
    )


def _missing(raw: Mapping[str, Any], ref: str, occurred: datetime) -> RecordContent:
    missing = raw.get("missing")
    if not isinstance(missing, Mapping):
        raise BadRecordError("a missing person occurrence needs its missing episode", ref)
    found = missing.get("foundAt")
    found_at = _moment(missing, "foundAt", ref) if found else None
    if found_at is not None and found_at < occurred:
        raise BadRecordError("foundAt is before the child was reported missing", ref)
    summary = f"Missing episode {ref}: reported {occurred:%d %B %Y %H:%M}; " + (
        f"found {found_at:%d %B %Y %H:%M} at {missing.get('foundLocation') or 'not recorded'}."
        if found_at
        else "not yet found."
    )
    detail = missing.get("notes")
    if missing.get("returnInterview"):
        detail = (detail + " " if detail else "") + "Return interview completed."
    return RecordContent(
        Category.MISSING_EPISODE,
        Tier.SUMMARY,
        summary,
        occurred.date(),
        found_at.date() if found_at else None,
        detail,
    )


def _marker(raw: Mapping[str, Any], ref: str, occurred: datetime) -> RecordContent:
    marker = raw.get("marker")
    if not isinstance(marker, Mapping) or marker.get("handling") != "RESTRICTED":
        raise BadRecordError("an intelligence marker must carry handling RESTRICTED", ref)
    return RecordContent(
        Category.POLICE_INTELLIGENCE,
        Tier.RESTRICTED,
        _text(marker, "summary", ref),
        occurred.date(),
        None,
        marker.get("detail"),
    )


def _nominal(raw: Any, ref: str) -> Person:
    if not isinstance(raw, Mapping):
        raise BadRecordError("the occurrence names no child", ref)
    born = _uk_date(raw.get("dob"), "subject.dob", ref)
    address = raw.get("address") if isinstance(raw.get("address"), Mapping) else {}
    return Person(
        local_id=_text(raw, "nominalId", ref),
        given_name=_text(raw, "forenames", ref).split()[0],
        family_name=_text(raw, "surname", ref).title(),
        date_of_birth=born,
        sex=SEX.get(raw.get("sex") or ""),
        postcode=address.get("postcode") or None,
    )


def _uk_date(value: Any, field: str, ref: str) -> date:
    try:
        return datetime.strptime(str(value), "%d/%m/%Y").date()
    except ValueError:
        raise BadRecordError(f"{field} {value!r} is not a date (DD/MM/YYYY)", ref) from None


def _moment(raw: Mapping[str, Any], key: str, ref: str) -> datetime:
    try:
        return datetime.fromisoformat(str(raw.get(key)))
    except ValueError:
        raise BadRecordError(f"{key} {raw.get(key)!r} is not a date and time (ISO 8601)", ref) from None


def _text(raw: Mapping[str, Any], key: str, ref: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadRecordError(f"{key} is missing", ref)
    return value.strip()
