"""Pure mapping: FHIR R4 resources to the hub's ``SourceRecord``, validated by ``fhir.resources``.

Each item is one resource (Patient, Flag or Encounter) and, for a Flag or an Encounter, the Patient it is
about. The FHIR models check the resources' shape and types (dates, codes, required elements); this module
checks what the sharing agreement adds: a valid NHS number, a known flag code, an unscheduled care class.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.patient import Patient
from pydantic import ValidationError

from adapters.health_fhir.config import (
    ACT_CODE,
    CONFIDENTIALITY,
    FLAG_CODES,
    NHS_NUMBER_SYSTEM,
    SHARING_TIER,
)
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

FLAG_CATEGORIES = {"health-concern": Category.HEALTH_CONCERN, "sexual-health": Category.SEXUAL_HEALTH}
UNSCHEDULED_CLASSES = {"EMER"}  # emergency: A&E, walk-in, ambulance
_TAGS = re.compile(r"<[^>]+>")


def map_resource(item: RawItem) -> SourceRecord:
    resource = item.payload.get("resource")
    if not isinstance(resource, Mapping):
        raise BadRecordError("the item holds no FHIR resource", item.source_id)
    kind = resource.get("resourceType")
    if kind == "Patient":
        patient = _validate(Patient, resource, item.source_id)
        return SourceRecord(
            item.source_id,
            _version(patient, item.source_id),
            _person(patient, item.source_id),
            Involvement(LinkKind.INVOLVEMENT, _birth(patient, item.source_id)),
        )
    subject_raw = item.payload.get("subject")
    if not isinstance(subject_raw, Mapping):
        raise BadRecordError(f"the {kind} arrived without its Patient", item.source_id)
    subject = _validate(Patient, subject_raw, item.source_id)
    if kind == "Flag":
        flag = _validate(Flag, resource, item.source_id)
        _check_reference(flag.subject.reference, subject, item.source_id)
        content = _flag(flag, item.source_id)
        version = _version(flag, item.source_id)
    elif kind == "Encounter":
        encounter = _validate(Encounter, resource, item.source_id)
        if encounter.subject is None:
            raise BadRecordError("the Encounter has no subject", item.source_id)
        _check_reference(encounter.subject.reference, subject, item.source_id)
        content = _encounter(encounter, item.source_id)
        version = _version(encounter, item.source_id)
    else:
        raise BadRecordError(f"unexpected resource type {kind!r}", item.source_id)
    person = _person(subject, item.source_id)
    return SourceRecord(
        item.source_id,
        version,
        person,
        Involvement(LinkKind.INVOLVEMENT, _birth(subject, item.source_id)),
        content,
    )


def _validate(model: Any, raw: Mapping[str, Any], source_id: str) -> Any:
    try:
        return model.model_validate(dict(raw))
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise BadRecordError(
            f"invalid FHIR {raw.get('resourceType')}: {where}: {first.get('msg')}", source_id
        ) from None


def _person(patient: Patient, source_id: str) -> Person:
    nhs = None
    for identifier in patient.identifier or []:
        if identifier.system == NHS_NUMBER_SYSTEM and identifier.value:
            try:
                nhs = normalise_nhs_number(identifier.value)
            except InvalidNhsNumberError as error:
                raise BadRecordError(f"Patient/{patient.id}: {error}", source_id) from None
    names = patient.name or []
    name = next((n for n in names if n.use == "official"), names[0] if names else None)
    if name is None or not name.family or not name.given:
        raise BadRecordError(f"Patient/{patient.id} has no official name", source_id)
    postcode = next((a.postalCode for a in patient.address or [] if a.postalCode), None)
    return Person(
        local_id=f"Patient/{patient.id}",
        given_name=name.given[0],
        family_name=name.family,
        date_of_birth=_birth(patient, source_id),
        sex=patient.gender if patient.gender in ("female", "male") else None,
        postcode=postcode,
        nhs_number=nhs,
    )


def _birth(patient: Patient, source_id: str) -> date:
    if patient.birthDate is None:
        raise BadRecordError(f"Patient/{patient.id} has no birthDate", source_id)
    born: date = patient.birthDate
    return born


def _flag(flag: Flag, source_id: str) -> RecordContent:
    codes = [c.code for c in (flag.code.coding or []) if c.system == FLAG_CODES]
    if not codes or codes[0] not in FLAG_CATEGORIES:
        raise BadRecordError(
            f"Flag code {codes[0] if codes else None!r} is not in the agreed flag codes", source_id
        )
    if flag.status == "entered-in-error":
        raise BadRecordError(
            "the trust marked this Flag entered-in-error: an operator must decide", source_id
        )
    if flag.period is None or flag.period.start is None:
        raise BadRecordError("the Flag has no period.start", source_id)
    start = _day(flag.period.start)
    end = _day(flag.period.end) if flag.period.end else None
    if flag.status == "inactive" and end is None:
        end = start
    summary = flag.code.text or codes[0]
    return RecordContent(FLAG_CATEGORIES[codes[0]], _tier(flag), summary, start, end, _narrative(flag))


def _encounter(encounter: Encounter, source_id: str) -> RecordContent:
    klass = encounter.class_fhir
    if klass is None or klass.system != ACT_CODE or klass.code not in UNSCHEDULED_CLASSES:
        raise BadRecordError(
            f"Encounter class {getattr(klass, 'code', None)!r} is not unscheduled care", source_id
        )
    if encounter.period is None or encounter.period.start is None:
        raise BadRecordError("the Encounter has no period.start", source_id)
    reasons = [r.text for r in encounter.reasonCode or [] if r.text]
    summary = f"A&E attendance: {reasons[0]}." if reasons else "A&E attendance."
    return RecordContent(
        Category.UNSCHEDULED_CARE_ATTENDANCE,
        Tier.SUMMARY,
        summary,
        _day(encounter.period.start),
        None,
        _narrative(encounter),
    )


def _tier(flag: Flag) -> Tier:
    meta = flag.meta
    security = {(s.system, s.code) for s in (meta.security if meta and meta.security else [])}
    if (CONFIDENTIALITY, "R") in security or (CONFIDENTIALITY, "V") in security:
        return Tier.RESTRICTED
    for tag in meta.tag if meta and meta.tag else []:
        if tag.system == SHARING_TIER and tag.code in ("FLAG", "SUMMARY", "DETAIL"):
            return Tier(tag.code)
    return Tier.SUMMARY


def _narrative(resource: Any) -> str | None:
    if resource.text is None or not resource.text.div:
        return None
    return " ".join(_TAGS.sub(" ", resource.text.div).split()) or None


def _version(resource: Any, source_id: str) -> int:
    raw = resource.meta.versionId if resource.meta else None
    if raw is None or not str(raw).isdigit():
        raise BadRecordError("meta.versionId must be a whole number", source_id)
    return int(raw)


def _check_reference(reference: str | None, subject: Patient, source_id: str) -> None:
    if reference != f"Patient/{subject.id}":
        raise BadRecordError(f"subject {reference!r} is not the Patient sent with it", source_id)


def _day(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
