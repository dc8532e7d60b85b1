"""Pure mapping: a case system involvement (JSON) to the hub's ``SourceRecord``, or a ``BadRecordError``.

An involvement is one episode of the council's work with a child: a child protection plan (CP-IS code
CPPI), looked after (LACI), an unborn child's plan (UCPI), child in need or early help. The flag is shared;
the case notes stay with the council and are fetched on demand.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from hub.adapters.contract import (
    BadRecordError,
    Category,
    InvalidNhsNumberError,
    Involvement,
    LinkKind,
    Person,
    RawItem,
    RecordContent,
    SourceRecord,
    Tier,
    normalise_nhs_number,
)

TYPES: dict[str, tuple[Category, str | None, str]] = {
    # case system type: (hub category, the CP-IS code it must carry, summary prefix)
    "CP_PLAN": (Category.CHILD_PROTECTION_PLAN, "CPPI", "Child protection plan"),
    "LOOKED_AFTER": (Category.LOOKED_AFTER, "LACI", "Looked after"),
    "UNBORN_CP_PLAN": (Category.UNBORN_CHILD_PROTECTION_PLAN, "UCPI", "Unborn child protection plan"),
    "CHILD_IN_NEED": (Category.CHILD_IN_NEED, None, "Child in need"),
    "EARLY_HELP": (Category.EARLY_HELP, None, "Early help"),
}
SEX = {"F": "female", "M": "male", "U": None, None: None}


def map_involvement(item: RawItem) -> SourceRecord:
    raw = item.payload
    source_id = _text(raw, "involvementId")
    kind = _text(raw, "type")
    if kind not in TYPES:
        raise BadRecordError(f"unknown involvement type {kind!r}", source_id)
    category, cpis, prefix = TYPES[kind]
    code = raw.get("cpisCode")
    if code != cpis:
        raise BadRecordError(
            f"CP-IS code {code!r} does not match a {kind} involvement (expected {cpis!r})", source_id
        )
    start = _date(raw, "startDate", source_id)
    end = _date(raw, "endDate", source_id, required=False)
    status = raw.get("status")
    if status not in ("OPEN", "CLOSED"):
        raise BadRecordError(f"status must be OPEN or CLOSED, not {status!r}", source_id)
    if status == "CLOSED" and end is None:
        raise BadRecordError("a CLOSED involvement needs an endDate", source_id)
    if end is not None and end < start:
        raise BadRecordError("endDate is before startDate", source_id)
    person = _person(raw.get("person"), source_id)
    if (
        category == Category.UNBORN_CHILD_PROTECTION_PLAN
        and person.date_of_birth is None
        and person.mother is None
    ):
        raise BadRecordError("an unborn child's plan must name the mother", source_id)
    worker = raw.get("allocatedWorker") or {}
    detail_reason = raw.get("categoryOfAbuse") or raw.get("legalStatus") or raw.get("primaryNeed")
    summary = f"{prefix}: {detail_reason}." if detail_reason else f"{prefix}."
    version = raw.get("version")
    if not isinstance(version, int) or version < 1:
        raise BadRecordError("version must be a positive whole number", source_id)
    return SourceRecord(
        source_id=source_id,
        version=version,
        person=person,
        involvement=Involvement(
            LinkKind.INVOLVEMENT,
            _date(raw, "caseOpened", source_id, required=False) or start,
            end if status == "CLOSED" else None,
            worker.get("name"),
        ),
        record=RecordContent(
            category=category,
            tier=Tier.FLAG,
            summary=summary,
            start_date=start,
            end_date=end,
            detail=None,
            detail_on_request=True,
        ),
    )


def _person(raw: Any, source_id: str, *, mother_of: bool = False) -> Person:
    if not isinstance(raw, Mapping):
        raise BadRecordError("the involvement has no person", source_id)
    nhs = raw.get("nhsNumber") or None
    if nhs is not None:
        try:
            nhs = normalise_nhs_number(str(nhs))
        except InvalidNhsNumberError as error:
            raise BadRecordError(f"person {raw.get('personId')}: {error}", source_id) from None
    mother = raw.get("mother")
    return Person(
        local_id=_text(raw, "personId", source_id),
        given_name=_text(raw, "forename", source_id),
        family_name=_text(raw, "surname", source_id),
        date_of_birth=_date(raw, "dateOfBirth", source_id, required=False),
        sex=SEX.get(raw.get("gender")),
        postcode=raw.get("postcode") or None,
        nhs_number=nhs,
        mother=_person(mother, source_id, mother_of=True) if mother and not mother_of else None,
        address_withheld=bool(raw.get("addressConfidential")),
    )


def _text(raw: Mapping[str, Any], key: str, source_id: str | None = None) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadRecordError(f"{key} is missing", source_id)
    return value.strip()


def _date(raw: Mapping[str, Any], key: str, source_id: str, *, required: bool = True) -> date | None:
    value = raw.get(key)
    if value in (None, ""):
        if required:
            raise BadRecordError(f"{key} is missing", source_id)
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BadRecordError(f"{key} {value!r} is not a date (YYYY-MM-DD)", source_id) from None
