"""The demo's partnership work: Northbridge's integrated care board (its third lead partner), the lead
partners' signatories, a scrutineer, a reviewer and a CDOP member, the Department for Education's and the
national panel's representatives, the child death overview panel covering Northbridge and Southvale with
their child populations, and Northbridge's published arrangements (version 1, signed by all three).

Idempotent: ``seed_partnership`` adds only what is missing, so demos seeded before it get it too.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.storage import partnership_tables as pt
from hub.storage import tables as t

SEEDED_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

# (key, kind, official code, name, e-mail domain, partnership code or None, office phone, out-of-hours phone)
AGENCIES = [
    ("icb", "HEALTH", "QNB", "Northbridge Integrated Care Board", "icb.northbridge.example", "NB", "01632 960600",
     "01632 960699"),
    ("dfe", "OTHER_RELEVANT_AGENCY", "DFE", "Department for Education", "education.gov.example", None,
     "0370 000 2288", "0370 000 2288"),
    ("panel", "OTHER_RELEVANT_AGENCY", "CSPRP", "Child Safeguarding Practice Review Panel", "panel.gov.example", None,
     "0370 000 2289", "0370 000 2289"),
]

# (e-mail, name, agency key (these or the main demo's), roles); portal accounts follow hub.demo's scheme.
PRACTITIONERS = [
    ("lena.lead@council.northbridge.example", "Lena Lead", "council", ["LEAD_PARTNER_SIGNATORY"]),
    ("colin.chief@police.northbridge.example", "Colin Chief", "police", ["LEAD_PARTNER_SIGNATORY"]),
    ("iris.icb@icb.northbridge.example", "Iris Icb", "icb", ["LEAD_PARTNER_SIGNATORY"]),
    ("sid.scrutineer@council.northbridge.example", "Sid Scrutineer", "council", ["SCRUTINEER"]),
    ("rita.reviewer@icb.northbridge.example", "Rita Reviewer", "icb", ["REVIEWER"]),
    ("cara.cdop@icb.northbridge.example", "Cara Cdop", "icb", ["CDOP_MEMBER"]),
    ("sol.state@education.gov.example", "Sol State", "dfe", ["SECRETARY_OF_STATE_REPRESENTATIVE"]),
    ("nina.panel@panel.gov.example", "Nina Panel", "panel", ["NATIONAL_PANEL_MEMBER"]),
]

MAIN_AGENCY_CODES = {"council": "E06000901", "police": "NB01", "nhs": "RNB01", "primary": "190001",
                     "academy": "190002"}
POPULATIONS = {"NB": 48_200, "SV": 35_700}  # children aged 0-17 (synthetic)

ARRANGEMENTS = {
    "area_covered": "The area of Northbridge Council: the towns of Northbridge and Eastmoor and their villages.",
    "resourcing": "Funded by the three lead partners in equal shares (£420,000 in 2026-27), with contributions "
                  "in kind from schools; the business unit is hosted by the council.",
    "independent_scrutiny": "An independent scrutineer reviews the partnership's work twice a year, reads its "
                            "de-identified statistics and case-review decisions, and reports to the lead partners "
                            "and in the yearly report.",
    "scrutineer": "Sid Scrutineer, independent scrutineer",
    "yearly_report": "Yearly report 2025-26: published September 2026 on the partnership's website.",
}


def seed_partnership(session: Session) -> bool:
    """Add the demo's partnership work where missing; True when anything was added."""
    partnerships = {p.code: p for p in session.scalars(select(t.Partnership))}
    if "NB" not in partnerships or session.scalar(select(t.Agency).where(t.Agency.official_code == "QNB")):
        return False
    agencies: dict[str, t.Agency | None] = {
        key: session.scalar(select(t.Agency).where(t.Agency.official_code == code))
        for key, code in MAIN_AGENCY_CODES.items()}
    for key, kind, code, name, domain, partnership, phone, out_of_hours in AGENCIES:
        agency = t.Agency(id=t.new_id(), kind=kind, official_code=code, name=name, office_hours_phone=phone,
                          out_of_hours_phone=out_of_hours, email=f"safeguarding@{domain}")
        agencies[key] = agency
        session.add(agency)
        session.flush()
        if partnership:
            session.add(t.AgencyPartnership(agency_id=agency.id, partnership_id=partnerships[partnership].id))
    people: dict[str, t.Practitioner] = {}
    for email, name, agency_key, roles in PRACTITIONERS:
        found = agencies.get(agency_key)
        if found is None:
            continue
        people[email] = t.Practitioner(id=t.new_id(), agency_id=found.id, email=email, name=name, roles=roles)
        session.add(people[email])
    cdop = pt.Cdop(id=t.new_id(), code="NBSV-CDOP", name="Northbridge and Southvale Child Death Overview Panel")
    session.add(cdop)
    session.flush()
    for code, children in POPULATIONS.items():
        if code in partnerships:
            session.add(pt.CdopPartnership(cdop_id=cdop.id, partnership_id=partnerships[code].id))
            session.add(pt.PartnershipPopulation(partnership_id=partnerships[code].id, children=children,
                                                 as_of_year=2026))
    _publish(session, partnerships["NB"], agencies, people)
    session.flush()
    _deaths(session, cdop, people["cara.cdop@icb.northbridge.example"])
    return True


def _publish(session: Session, partnership: t.Partnership, agencies: dict[str, t.Agency | None],
             people: dict[str, t.Practitioner]) -> None:
    council, police, icb = agencies["council"], agencies["police"], agencies["icb"]
    paula = session.scalar(select(t.Practitioner).where(
        t.Practitioner.email == "paula.partnership@council.northbridge.example"))
    if council is None or police is None or icb is None or paula is None:
        return
    relevant = [(agencies[key], text) for key, text in (
        ("nhs", "Provider of hospital and community health services; sits on the safeguarding practice group."),
        ("primary", "Named in the education safeguarding sub-group; Operation Encompass through the hub."),
        ("academy", "Named in the education safeguarding sub-group; Operation Encompass through the hub."))]
    content = {**ARRANGEMENTS, "lead_partners": [
        {"partner": "LOCAL_AUTHORITY", "agency_id": council.id, "lead": "Chief Executive, Northbridge Council",
         "delegate": "Director of Children's Services"},
        {"partner": "POLICE", "agency_id": police.id, "lead": "Chief Constable, Northbridge Police",
         "delegate": "Detective Chief Superintendent, Public Protection"},
        {"partner": "INTEGRATED_CARE_BOARD", "agency_id": icb.id, "lead": "Chief Executive, Northbridge ICB",
         "delegate": "Chief Nursing Officer"}],
        "relevant_agencies": [{"agency_id": agency.id, "participation": text}
                              for agency, text in relevant if agency is not None]}
    arrangement = pt.Arrangement(id=t.new_id(), partnership_id=partnership.id, version=1, status="PUBLISHED",
                                 content=content, drafted_by=paula.id, drafted_at=SEEDED_AT, published_at=SEEDED_AT)
    session.add(arrangement)
    session.flush()
    for partner, agency, email in (("LOCAL_AUTHORITY", council, "lena.lead@council.northbridge.example"),
                                   ("POLICE", police, "colin.chief@police.northbridge.example"),
                                   ("INTEGRATED_CARE_BOARD", icb, "iris.icb@icb.northbridge.example")):
        session.add(pt.ArrangementSignature(id=t.new_id(), arrangement_id=arrangement.id, partner=partner,
                                            agency_id=agency.id, signed_by=people[email].id, signed_at=SEEDED_AT))


# Synthetic deaths the panel has analysed this year, so its statistics have something to show (most cells
# are small numbers, suppressed, as they would be).
DEATHS = [
    ("PERINATAL_NEONATAL_EVENT", "NO_MODIFIABLE_FACTORS", False), ("INFECTION", "NO_MODIFIABLE_FACTORS", False),
    ("SUDDEN_UNEXPECTED_UNEXPLAINED_DEATH", "MODIFIABLE_FACTORS_IDENTIFIED", True),
    ("TRAUMA_AND_OTHER_EXTERNAL_FACTORS", "MODIFIABLE_FACTORS_IDENTIFIED", True),
    ("CHRONIC_MEDICAL_CONDITION", "NO_MODIFIABLE_FACTORS", False), ("MALIGNANCY", "NO_MODIFIABLE_FACTORS", False),
    ("CHROMOSOMAL_GENETIC_AND_CONGENITAL_ANOMALIES", "NO_MODIFIABLE_FACTORS", False),
    ("ACUTE_MEDICAL_OR_SURGICAL_CONDITION", "INSUFFICIENT_INFORMATION", False),
    ("SUDDEN_UNEXPECTED_UNEXPLAINED_DEATH", "MODIFIABLE_FACTORS_IDENTIFIED", True),
    ("SUICIDE_OR_DELIBERATE_SELF_INFLICTED_HARM", "MODIFIABLE_FACTORS_IDENTIFIED", True),
    ("PERINATAL_NEONATAL_EVENT", "NO_MODIFIABLE_FACTORS", False), ("INFECTION", "MODIFIABLE_FACTORS_IDENTIFIED", True),
]


def _deaths(session: Session, cdop: pt.Cdop, analyst: t.Practitioner) -> None:
    from datetime import date, timedelta

    from hub.domain.child_death import age_band
    from hub.storage import sealing

    partnerships = [p.partnership_id for p in session.scalars(
        select(pt.CdopPartnership).where(pt.CdopPartnership.cdop_id == cdop.id))]
    children = session.scalars(select(t.Child).where(
        t.Child.partnership_id.in_(partnerships), t.Child.date_of_birth.is_not(None), t.Child.nhs_number.is_not(None),
        t.Child.given_name != "Amelia").order_by(t.Child.nhs_number.desc()).limit(len(DEATHS))).all()
    for number, (child, (category, modifiable, unexpected)) in enumerate(zip(children, DEATHS, strict=False), 1):
        died = date(2026, 1, 10) + timedelta(days=23 * number)
        death_id = t.new_id()
        factors = [{"domain": domain, "contribution": "MAY_HAVE_CONTRIBUTED" if modifiable.startswith("MODIFIABLE")
                    and domain != "CHILD" else "NONE_IDENTIFIED", "factors": None if domain == "CHILD" or not
                    modifiable.startswith("MODIFIABLE") else "Recorded by the panel."}
                   for domain in ("CHILD", "SOCIAL_ENVIRONMENT", "SERVICE_DELIVERY")]
        session.add(pt.ChildDeath(
            id=death_id, case_number=f"CDR-2026-{number:05d}", child_id=child.id, partnership_id=child.partnership_id,
            cdop_id=cdop.id, notifying_agency_id=analyst.agency_id, notified_by=analyst.id,
            notified_at=datetime.combine(died, datetime.min.time(), UTC), date_of_death=died,
            age_band=str(age_band(child.date_of_birth, died)), sex=child.sex, unexpected=unexpected,
            place_of_death="hospital", status="ANALYSED", category=category, factors=factors,
            modifiability=modifiable, learning="Learning shared with the partnerships.", analysed_by=analyst.id,
            analysed_at=SEEDED_AT,
            circumstances=sealing.seal_text(session, child.id, "child_deaths", "circumstances", death_id,
                                            "Synthetic demo circumstances.") or ""))
    session.flush()
