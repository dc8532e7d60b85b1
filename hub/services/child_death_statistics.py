"""The child death overview panel's population statistics and its export to the national database.

Statistics cover every partnership the panel spans, so patterns show across areas too small to show them
alone: deaths by category, by modifiability and by the domain of the factors that may have contributed, each
as a count and a rate per 100,000 children (the panel's child population), counts from 1 to 4 and their
rates suppressed. The export is the documented CSV of the README ("The national child death export"):
one row per analysed death, de-identified (case number, age band, sex, month of death; no name, NHS number
or date of birth).
"""

from __future__ import annotations

import csv
import io
from datetime import date

from hub.domain.child_death import (
    DeathCategory,
    DeathStatistics,
    DeathStatus,
    FactorContribution,
    FactorDomain,
    Modifiability,
    rate_cell,
)
from hub.domain.partnership_access import CdopScope
from hub.door import Door, Subject
from hub.errors import ValidationError
from hub.storage import partnership_tables as pt
from hub.storage.partnership_rows import PartnershipRows

RESOURCE = "cdop_statistics"
EXPORT_COLUMNS = ("case_number", "cdop_code", "partnership_code", "month_of_death", "age_band", "sex", "unexpected",
                  "joint_agency_response", "place_of_death", "category_number", "category",
                  "child_factors", "social_environment_factors", "service_delivery_factors", "modifiability",
                  "reports_submitted")
EXPORT_FORMAT_VERSION = "hub-cdop-export/1"


def _rows(door: Door) -> PartnershipRows:
    return door.query(PartnershipRows)


def _authorise(door: Door, rows: PartnershipRows, cdop_id: str, action: str, start: date | None,
               end: date | None) -> pt.Cdop | None:
    subject = Subject(RESOURCE, cdop_id)
    door.access(subject, action)
    if start and end and end <= start:
        door.refuse(subject, action, "period ends before it starts")
        raise ValidationError("The period must end after it starts.", field="toDate")
    cdop = rows.get(pt.Cdop, cdop_id)
    member = cdop is not None and cdop_id in rows.cdops_of(door.actor.partnership_ids)
    decision = door.decide(action, CdopScope(member=member), subject, audit=False)
    door.record(subject, action, decision, fields=("statistics",) if decision.allowed else (),
                reason=None if cdop else "no such panel")
    return cdop if cdop is not None and decision.allowed else None


def death_statistics(door: Door, cdop_id: str, start: date | None = None, end: date | None = None
                     ) -> DeathStatistics | None:
    """None when there is no such panel or it is not the actor's (the same answer)."""
    rows = _rows(door)
    cdop = _authorise(door, rows, cdop_id, "read", start, end)
    if cdop is None:
        return None
    partnerships = rows.cdop_partnerships(cdop.id)
    populations = rows.populations(partnerships)
    population = sum(populations.values())
    deaths = rows.analysed_deaths(cdop.id, start, end)
    analysed = [d for d in deaths if d.status == DeathStatus.ANALYSED]
    names = rows.partnership_names(partnerships)

    return DeathStatistics(
        cdop_id=cdop.id, cdop_name=cdop.name, period_start=start, period_end=end, child_population=population,
        partnerships=tuple(sorted(names.values())),
        total=rate_cell("ALL_DEATHS_NOTIFIED", len(deaths), population),
        by_category=tuple(rate_cell(str(c), sum(1 for d in analysed if d.category == c), population)
                          for c in DeathCategory),
        by_modifiability=tuple(rate_cell(str(m), sum(1 for d in analysed if d.modifiability == m), population)
                               for m in Modifiability),
        by_factor_domain=tuple(rate_cell(str(domain), sum(1 for d in analysed if _contributed(d, domain)), population)
                               for domain in FactorDomain),
        by_partnership=tuple(rate_cell(names.get(p, p), sum(1 for d in deaths if d.partnership_id == p),
                                       populations.get(p, 0))
                             for p in sorted(partnerships, key=lambda p: names.get(p, p))))


def _contributed(death: pt.ChildDeath, domain: FactorDomain) -> bool:
    return any(f["domain"] == domain and f["contribution"] != FactorContribution.NONE_IDENTIFIED
               for f in death.factors or [])


def national_export(door: Door, cdop_id: str, start: date | None = None, end: date | None = None) -> str | None:
    """The panel's analysed deaths as the national database's CSV; None when not the actor's panel."""
    rows = _rows(door)
    cdop = _authorise(door, rows, cdop_id, "export", start, end)
    if cdop is None:
        return None
    codes = {p: code for p, code in ((p, rows.get_code(p)) for p in rows.cdop_partnerships(cdop.id))}
    out = io.StringIO()
    out.write(f"# {EXPORT_FORMAT_VERSION}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for death in rows.analysed_deaths(cdop.id, start, end):
        if death.status != DeathStatus.ANALYSED or death.category is None:
            continue
        category = DeathCategory(death.category)
        factors = {f["domain"]: f["contribution"] for f in death.factors or []}
        writer.writerow([
            death.case_number, cdop.code, codes.get(death.partnership_id, ""), f"{death.date_of_death:%Y-%m}",
            death.age_band, death.sex or "NOT_KNOWN", _yes(death.unexpected), _yes(death.unexpected),
            death.place_of_death, category.number, str(category),
            *(factors.get(str(domain), "") for domain in FactorDomain), death.modifiability or "",
            len([r for r in rows.reports(death.id) if r.status == "SUBMITTED"])])
    return out.getvalue()


def _yes(value: bool) -> str:
    return "Y" if value else "N"


def panels(door: Door) -> list[tuple[str, str]]:
    """The child death overview panels covering the actor's partnerships (their ids and names): no child data."""
    rows = _rows(door)
    found = [rows.get(pt.Cdop, cdop_id) for cdop_id in sorted(rows.cdops_of(door.actor.partnership_ids))]
    return [(cdop.id, cdop.name) for cdop in found if cdop is not None]
