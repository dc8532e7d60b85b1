"""The demo partnerships: synthetic, realistic, deterministic. ``hub demo`` seeds them once (idempotent).

Northbridge (council, police, NHS, a primary school and an academy) and Southvale (its own council, for
out-of-area access). Every person and number is invented; NHS numbers come from the 999 range reserved for
testing and pass the Modulus 11 check.
"""

from __future__ import annotations

import base64
import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub import demo_partnership
from hub.authentication import hash_secret
from hub.domain.nhs_number import check_digit
from hub.identity import matcher
from hub.services.portal_sign_in import hash_password, seal_totp_secret
from hub.storage import sealing
from hub.storage import tables as t
from hub.storage.portal_tables import PortalAccount

TODAY = date(2026, 11, 2)  # the demo's records are dated relative to this day, so runs are reproducible


@dataclass(frozen=True)
class DemoAgency:
    key: str
    kind: str
    code: str
    name: str
    domain: str
    partnership: str
    phone: str
    out_of_hours: str


AGENCIES = [
    DemoAgency("council", "LOCAL_AUTHORITY", "E06000901", "Northbridge Council Children's Services",
               "council.northbridge.example", "NB", "01632 960100", "01632 960199"),
    DemoAgency("police", "POLICE", "NB01", "Northbridge Police", "police.northbridge.example", "NB",
               "01632 960200", "01632 960299"),
    DemoAgency("nhs", "HEALTH", "RNB01", "Northbridge NHS Foundation Trust", "nhs.northbridge.example", "NB",
               "01632 960300", "01632 960399"),
    DemoAgency("primary", "SCHOOL", "190001", "Northbridge Primary School", "primary.northbridge.example",
               "NB", "01632 960400", "01632 960100"),
    DemoAgency("academy", "SCHOOL", "190002", "Northbridge Academy", "academy.northbridge.example", "NB",
               "01632 960500", "01632 960100"),
    DemoAgency("southvale", "LOCAL_AUTHORITY", "E06000902", "Southvale Council Children's Services",
               "council.southvale.example", "SV", "01632 961100", "01632 961199"),
]

PRACTITIONERS = [
    ("sam.social@council.northbridge.example", "Sam Social", "council", ["SOCIAL_WORKER"]),
    ("mia.mash@council.northbridge.example", "Mia Mash", "council", ["MASH_PRACTITIONER"]),
    ("ian.ig@council.northbridge.example", "Ian Ig", "council", ["IG_OFFICER"]),
    ("paula.partnership@council.northbridge.example", "Paula Partnership", "council", ["PARTNERSHIP_MANAGER"]),
    ("pat.police@police.northbridge.example", "Pat Police", "police", ["POLICE_OFFICER"]),
    ("hana.health@nhs.northbridge.example", "Hana Health", "nhs", ["HEALTH_SAFEGUARDING_PRACTITIONER"]),
    ("ula.urgent@nhs.northbridge.example", "Ula Urgent", "nhs", ["UNSCHEDULED_CARE_CLINICIAN"]),
    ("dee.dsl@primary.northbridge.example", "Dee Dsl", "primary", ["DSL"]),
    ("dan.dsl@academy.northbridge.example", "Dan Dsl", "academy", ["DSL"]),
    ("sue.social@council.southvale.example", "Sue Social", "southvale", ["SOCIAL_WORKER"]),
    # The agencies' adapters: service accounts that write each agency's records as its systems send them.
    ("adapter@council.northbridge.example", "Case system adapter", "council", ["ADAPTER"]),
    ("adapter@police.northbridge.example", "Records system adapter", "police", ["ADAPTER"]),
    ("adapter@nhs.northbridge.example", "FHIR adapter", "nhs", ["ADAPTER"]),
    ("adapter@primary.northbridge.example", "MIS adapter", "primary", ["ADAPTER"]),
    ("adapter@academy.northbridge.example", "MIS adapter", "academy", ["ADAPTER"]),
    # Who overdue requests and unacknowledged notices escalate to (MASH leads; a school's deputy DSL).
    ("lou.lead@council.northbridge.example", "Lou Lead", "council", ["MASH_PRACTITIONER", "MASH_LEAD"]),
    ("max.lead@police.northbridge.example", "Max Lead", "police", ["POLICE_OFFICER", "MASH_LEAD"]),
    ("nia.lead@nhs.northbridge.example", "Nia Lead", "nhs", ["HEALTH_SAFEGUARDING_PRACTITIONER", "MASH_LEAD"]),
    ("deb.deputy@primary.northbridge.example", "Deb Deputy", "primary", ["DEPUTY_DSL"]),
]

# Demo API clients: (client id, agency, secret). Demo secrets are published in the README; real ones never are.
API_CLIENTS = [
    ("northbridge-council-case-system", "council", "demo-council-secret"),
    ("northbridge-police-records", "police", "demo-police-secret"),
    ("northbridge-nhs-ehr", "nhs", "demo-nhs-secret"),
    ("northbridge-primary-mis", "primary", "demo-primary-secret"),
    ("northbridge-academy-mis", "academy", "demo-academy-secret"),
]

# Portal sign-in for every demo practitioner: the password is "demo-<first name>-portal" (published in the
# README, like the API clients' secrets), and the TOTP secret is derived from the e-mail address so that the
# README can print it and `hub portal code` and the tests can compute the current code. Dan has no second
# factor yet: his first sign-in shows the enrolment QR code.
NOT_ENROLLED = {"dan.dsl@academy.northbridge.example"}


def demo_password(email: str) -> str:
    return f"demo-{email.split('.')[0]}-portal"


def demo_totp_secret(email: str) -> str:
    """A deterministic base32 secret of 160 bits (RFC 4226's recommended length)."""
    digest = hashlib.sha256(f"hub demo totp {email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def seed_portal_accounts(session: Session) -> int:
    """Give each demo practitioner a portal account once (demos seeded before the portal get them too)."""
    added = 0
    for email, _, _, roles in [*PRACTITIONERS, *demo_partnership.PRACTITIONERS]:
        if "ADAPTER" in roles:  # service accounts: they never sign in to the portal
            continue
        practitioner = session.scalar(select(t.Practitioner).where(t.Practitioner.email == email))
        if practitioner is None or session.get(PortalAccount, practitioner.id) is not None:
            continue
        enrolled = email not in NOT_ENROLLED
        session.add(PortalAccount(
            practitioner_id=practitioner.id, password_hash=hash_password(demo_password(email)),
            totp_secret=seal_totp_secret(session, practitioner.id, demo_totp_secret(email)) if enrolled else None,
            totp_confirmed_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC) if enrolled else None,
            created_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC)))
        added += 1
    session.flush()
    return added


GIVEN = ["Amelia", "Noah", "Olivia", "Leo", "Isla", "Oliver", "Ava", "Arthur", "Mia", "Muhammad", "Ivy",
         "George", "Freya", "Theo", "Lily", "Harry", "Willow", "Jack", "Grace", "Oscar", "Zara", "Ali",
         "Maya", "Kacper", "Aisha", "Ethan", "Chloe", "Reuben", "Sofia", "Dylan"]
FAMILY = ["Hart", "Price", "Walsh", "Khan", "Nowak", "Okafor", "Smith", "Jones", "Taylor", "Brown",
          "Williams", "Evans", "Patel", "Begum", "Murphy", "Hughes", "Green", "Wood", "Hall", "Clarke"]
POSTCODES_NB = ["NB1 1AA", "NB1 2BD", "NB2 4QT", "NB3 7HX", "NB4 2LP", "NB5 9RS"]
POSTCODES_SV = ["SV1 3EF", "SV2 8GH"]


def nhs_numbers() -> Iterator[str]:
    """Valid test NHS numbers (999 range) in order."""
    for body in range(999_000_000, 1_000_000_000):
        digit = check_digit(str(body))
        if digit is not None:
            yield f"{body}{digit}"


def is_seeded(session: Session) -> bool:
    return session.scalar(select(t.Partnership).where(t.Partnership.code == "NB")) is not None


def seed(session: Session, children: int = 200, *, records: bool = True) -> bool:
    """Seed the demo once; returns False when it was already there.

    ``records=False`` seeds the reference data only (partnerships, agencies, practitioners, clients) and
    Southvale, which has no simulator: Northbridge's children and records then arrive from the agency
    simulators through the adapters (``make run``), the way real data would.
    """
    if is_seeded(session):
        demo_partnership.seed_partnership(session)
        seed_portal_accounts(session)
        return False
    rng = random.Random(20161)  # fixed: the same demo every time
    created = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    partnerships = {
        "NB": t.Partnership(id=t.new_id(), code="NB", name="Northbridge Safeguarding Children Partnership"),
        "SV": t.Partnership(id=t.new_id(), code="SV", name="Southvale Safeguarding Children Partnership"),
    }
    session.add_all(partnerships.values())
    agencies: dict[str, t.Agency] = {}
    for a in AGENCIES:
        agencies[a.key] = t.Agency(id=t.new_id(), kind=a.kind, official_code=a.code, name=a.name,
                                   office_hours_phone=a.phone, out_of_hours_phone=a.out_of_hours,
                                   email=f"safeguarding@{a.domain}")
    session.add_all(agencies.values())
    session.flush()
    for a in AGENCIES:
        session.add(t.AgencyPartnership(agency_id=agencies[a.key].id, partnership_id=partnerships[a.partnership].id))
    people: dict[str, t.Practitioner] = {}  # the first practitioner of each agency shares its demo records
    by_name: dict[str, t.Practitioner] = {}
    for email, name, agency, roles in PRACTITIONERS:
        practitioner = t.Practitioner(id=t.new_id(), agency_id=agencies[agency].id, email=email, name=name,
                                      roles=roles)
        session.add(practitioner)
        people.setdefault(agency, practitioner)
        by_name[name] = practitioner
    for client_id, agency, secret in API_CLIENTS:
        session.add(t.ApiClient(client_id=client_id, agency_id=agencies[agency].id,
                                name=f"{agencies[agency].name} case system", secret_hash=hash_secret(secret)))
    session.flush()
    builder = _Builder(session, rng, agencies, people, partnerships, created, by_name)
    if records:
        builder.named_children()
    builder.southvale_named()
    numbers = nhs_numbers()
    for _ in range(20):  # skip the numbers the named children use
        next(numbers)
    for i in range(children):
        nhs = next(numbers)
        if records:
            builder.random_child(nhs, i)
    for i in range(20):
        builder.southvale_child(next(numbers), i)
    session.flush()
    matcher.index_missing(session)  # so FIND by details and adapters' matching meet the demo's children
    demo_partnership.seed_partnership(session)  # arrangements, reviewers, the child death overview panel
    seed_portal_accounts(session)
    return True


class _Builder:
    def __init__(self, session: Session, rng: random.Random, agencies: dict[str, t.Agency],
                 people: dict[str, t.Practitioner], partnerships: dict[str, t.Partnership],
                 created: datetime, by_name: dict[str, t.Practitioner]) -> None:
        self.session, self.rng, self.agencies, self.people = session, rng, agencies, people
        self.partnerships, self.created, self.by_name = partnerships, created, by_name
        self.local_ids: dict[str, int] = {}

    def child(self, nhs: str | None, given: str, family: str, born: date | None, sex: str | None,
              postcode: str | None, area: str = "NB", **extra: object) -> t.Child:
        row = t.Child(id=t.new_id(), nhs_number=nhs, given_name=given, family_name=family, date_of_birth=born,
                      sex=sex, postcode=postcode, partnership_id=self.partnerships[area].id,
                      created_at=self.created, **extra)
        self.session.add(sealing.seal_child(self.session, row))  # a withheld address is sealed
        self.session.flush()
        return row

    def link(self, child: t.Child, agency: str, kind: str, opened: date, closed: date | None = None,
             worker: str | None = None) -> None:
        self.local_ids[agency] = self.local_ids.get(agency, 1000) + 1
        prefix = {"council": "LCS", "police": "NBP", "nhs": "MRN", "primary": "UPN", "academy": "UPN",
                  "southvale": "SVC"}[agency]
        allocated = self.by_name.get(worker) if worker else None
        self.session.add(t.AgencyRecordLink(agency_id=self.agencies[agency].id, child_id=child.id,
                                            local_id=f"{prefix}-{self.local_ids[agency]}", kind=kind,
                                            opened_on=opened, closed_on=closed, allocated_worker=worker,
                                            allocated_practitioner_id=allocated.id if allocated else None))

    def record(self, child: t.Child, agency: str, category: str, tier: str, summary: str, detail: str | None,
               start: date, end: date | None = None) -> str:
        record_key = t.new_id()
        self.session.add(sealing.seal_record(self.session, t.RecordVersion(  # sealed at rest
            id=t.new_id(), record_key=record_key, version=1, child_id=child.id,
            owner_agency_id=self.agencies[agency].id, category=category, tier=tier,
            status="ENDED" if end else "ACTIVE", summary=summary, detail=detail, start_date=start,
            end_date=end, lawful_basis=LAWFUL_BASIS[agency], created_by=self.people[agency].id,
            created_at=self.created, source_adapter="demo", source_id=f"demo-{self.rng.randrange(10**9)}",
            source_version="1")))
        return record_key

    def notify_school(self, child: t.Child, record_key: str, school: str) -> None:
        """Operation Encompass: the police told the child's school about a domestic abuse incident."""
        self.session.add(t.Notification(
            id=t.new_id(), kind="DOMESTIC_ABUSE_INCIDENT", recipient_agency_id=self.agencies[school].id,
            recipient_role="DSL", child_id=child.id, record_key=record_key,
            actor_agency_id=self.agencies["police"].id,
            summary=f"Domestic abuse incident: {child.given_name} {child.family_name} may be affected.",
            dedupe_key=f"ENCOMPASS:{record_key}:{school}", created_at=self.created,
            # Historical notices: the school's DSL acknowledged each within the hour.
            acknowledged_at=self.created + timedelta(minutes=40),
            acknowledged_by=next(p.id for p in self.by_name.values()
                                 if p.agency_id == self.agencies[school].id and "DSL" in p.roles)))

    def named_children(self) -> None:
        """The children the README and the tests talk about by name."""
        numbers = nhs_numbers()
        amelia = self.child(next(numbers), "Amelia", "Hart", date(2017, 3, 14), "female", "NB1 2BD")
        self.link(amelia, "primary", "ROLL", date(2021, 9, 1))
        self.link(amelia, "council", "INVOLVEMENT", date(2026, 6, 3), worker="Sam Social")
        self.link(amelia, "police", "INVOLVEMENT", date(2026, 5, 30))
        self.link(amelia, "nhs", "INVOLVEMENT", date(2017, 3, 14))
        self.record(amelia, "council", "CHILD_PROTECTION_PLAN", "FLAG",
                    "Child protection plan: emotional abuse and neglect.",
                    "Initial child protection conference on 24 June 2026 agreed a plan under emotional abuse "
                    "and neglect. Core group meets monthly. Mother engaging; concerns about father's "
                    "contact.", date(2026, 6, 24))
        incident = self.record(amelia, "police", "DOMESTIC_ABUSE_INCIDENT", "SUMMARY",
                    "Domestic abuse incident at home; Amelia present, not injured.",
                    "Officers attended at 22:40 after a neighbour's call. Verbal argument escalated; father "
                    "arrested for common assault on mother. Amelia was upstairs and heard shouting.",
                    date(2026, 5, 30))
        self.notify_school(amelia, incident, "primary")
        self.record(amelia, "police", "POLICE_INTELLIGENCE", "RESTRICTED",
                    "Live investigation concerning an adult in the household.",
                    "Operation LARCH: intelligence about the father's associates. Do not disclose.",
                    date(2026, 7, 2))
        self.record(amelia, "nhs", "HEALTH_CONCERN", "DETAIL",
                    "Missed health appointments; weight below expected.",
                    "Health visitor notes: three missed appointments since March; weight on the 9th "
                    "centile, dropping from the 25th.", date(2026, 4, 18))
        self.record(amelia, "primary", "ATTENDANCE_CONCERN", "SUMMARY",
                    "Attendance 84% this term; late most Mondays.", None, date(2026, 10, 10))

        noah = self.child(next(numbers), "Noah", "Price", date(2012, 8, 2), "male", "NB3 7HX")
        self.link(noah, "academy", "ROLL", date(2023, 9, 4))
        self.link(noah, "council", "INVOLVEMENT", date(2025, 1, 10), worker="Sam Social")
        self.link(noah, "nhs", "INVOLVEMENT", date(2012, 8, 2))
        self.record(noah, "council", "LOOKED_AFTER", "FLAG", "Looked after under a care order (s.31).",
                    "Placed with foster carers in Northbridge since January 2025.", date(2025, 1, 10))
        self.record(noah, "police", "MISSING_EPISODE", "SUMMARY", "Missing overnight; found at a friend's home.",
                    "Reported missing by carers at 21:00; located 07:30. Return interview completed.",
                    date(2026, 9, 12))
        self.record(noah, "nhs", "UNSCHEDULED_CARE_ATTENDANCE", "SUMMARY", "A&E attendance: wrist injury.",
                    "Fall from bicycle per Noah; injury consistent with account.", date(2026, 10, 1))

        leo = self.child(next(numbers), "Leo", "Walsh", date(2015, 11, 20), "male", "NB4 2LP",
                         address_withheld_by=self.agencies["council"].id)
        self.link(leo, "primary", "ROLL", date(2025, 2, 3))
        self.link(leo, "council", "INVOLVEMENT", date(2025, 1, 28), worker="Sam Social")
        self.record(leo, "council", "CHILD_IN_NEED", "FLAG", "Child in need: family in refuge after domestic abuse.",
                    "Mother and Leo moved to a refuge in January 2025. Address must not be disclosed.",
                    date(2025, 1, 28))

        # A 16-year-old looked-after young woman, pregnant, and her unborn child (linked until birth).
        jade = self.child(next(numbers), "Jade", "Okafor", date(2010, 5, 9), "female", "NB2 4QT")
        self.link(jade, "academy", "ROLL", date(2021, 9, 6))
        self.link(jade, "council", "INVOLVEMENT", date(2024, 3, 1), worker="Sam Social")
        self.link(jade, "nhs", "INVOLVEMENT", date(2010, 5, 9))
        self.record(jade, "council", "LOOKED_AFTER", "FLAG", "Looked after (s.20).", None, date(2024, 3, 1))
        self.record(jade, "nhs", "SEXUAL_HEALTH", "RESTRICTED", "Sexual health clinic contact.",
                    "Confidential sexual health consultation.", date(2026, 6, 1))
        unborn = self.child(None, "Unborn", "Okafor", None, None, "NB2 4QT", mother_id=jade.id)
        self.link(unborn, "council", "INVOLVEMENT", date(2026, 8, 15), worker="Sam Social")
        self.record(unborn, "council", "UNBORN_CHILD_PROTECTION_PLAN", "FLAG",
                    "Unborn child protection plan; due date February 2027.",
                    "Pre-birth assessment concluded risk of neglect; plan agreed at conference.",
                    date(2026, 9, 20))

    def southvale_named(self) -> None:
        numbers = nhs_numbers()
        for _ in range(4):  # the numbers of Amelia, Noah, Leo and Jade
            next(numbers)
        sophie = self.child(next(numbers), "Sophie", "Reed", date(2014, 1, 30), "female", "SV1 3EF", area="SV")
        self.link(sophie, "southvale", "INVOLVEMENT", date(2026, 2, 1), worker="Sue Social")
        self.record(sophie, "southvale", "CHILD_PROTECTION_PLAN", "FLAG", "Child protection plan: neglect.",
                    "Southvale conference agreed a plan under neglect.", date(2026, 2, 20))

    def random_child(self, nhs: str, index: int) -> None:
        rng = self.rng
        age = rng.randint(4, 15)
        born = TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
        sex = rng.choice(["female", "male"])
        child = self.child(nhs, rng.choice(GIVEN), rng.choice(FAMILY), born, sex, rng.choice(POSTCODES_NB))
        school = "primary" if age <= 10 else "academy"
        on_roll = rng.random() < 0.97  # a few are home-educated: on no roll
        if on_roll:
            self.link(child, school, "ROLL", TODAY - timedelta(days=rng.randint(60, 2000)))
        self.link(child, "nhs", "INVOLVEMENT", born)
        started = TODAY - timedelta(days=rng.randint(10, 700))
        ended = started + timedelta(days=rng.randint(30, 300)) if rng.random() < 0.2 else None
        if ended and ended >= TODAY:
            ended = None
        roll = rng.random()
        if roll < 0.25:
            category, summary = "CHILD_PROTECTION_PLAN", "Child protection plan: " + rng.choice(
                ["neglect.", "emotional abuse.", "physical abuse.", "sexual abuse."])
        elif roll < 0.4:
            category, summary = "LOOKED_AFTER", "Looked after: " + rng.choice(["care order.", "s.20 agreement."])
        elif roll < 0.65:
            category, summary = "CHILD_IN_NEED", "Child in need plan."
        elif roll < 0.85:
            category, summary = "EARLY_HELP", "Early help assessment and family support."
        else:
            category, summary = "", ""
        if category:
            self.link(child, "council", "INVOLVEMENT", started, closed=ended, worker="Sam Social")
            self.record(child, "council", category, "FLAG", summary,
                        f"Case notes for {child.given_name}: plan reviewed, actions agreed with family.",
                        started, ended)
        if rng.random() < 0.3:
            self.link(child, "police", "INVOLVEMENT", started)
            incident = self.record(child, "police", "DOMESTIC_ABUSE_INCIDENT", "SUMMARY",
                                   "Domestic abuse incident at the child's home.",
                                   "Officers attended; adults separated; child present downstairs.",
                                   TODAY - timedelta(days=rng.randint(1, 300)))
            if on_roll:
                self.notify_school(child, incident, school)
            if rng.random() < 0.3:
                self.record(child, "police", "POLICE_INTELLIGENCE", "RESTRICTED",
                            "Intelligence about an adult connected to the child.", "Restricted intelligence.",
                            TODAY - timedelta(days=rng.randint(1, 300)))
        if rng.random() < 0.3:
            self.record(child, "nhs", rng.choice(["UNSCHEDULED_CARE_ATTENDANCE", "HEALTH_CONCERN"]),
                        rng.choice(["SUMMARY", "DETAIL"]), "Health contact of safeguarding interest.",
                        "Clinician's notes of the contact.", TODAY - timedelta(days=rng.randint(1, 300)))
        if rng.random() < 0.2:
            self.record(child, school, rng.choice(["ATTENDANCE_CONCERN", "EXCLUSION", "SCHOOL_CONCERN"]),
                        "SUMMARY", "School concern logged by the DSL.", "DSL's chronology entry.",
                        TODAY - timedelta(days=rng.randint(1, 200)))

    def southvale_child(self, nhs: str, index: int) -> None:
        rng = self.rng
        born = TODAY - timedelta(days=rng.randint(4, 15) * 365)
        child = self.child(nhs, rng.choice(GIVEN), rng.choice(FAMILY), born, rng.choice(["female", "male"]),
                           rng.choice(POSTCODES_SV), area="SV")
        self.link(child, "southvale", "INVOLVEMENT", TODAY - timedelta(days=100), worker="Sue Social")
        self.record(child, "southvale", "CHILD_IN_NEED", "FLAG", "Child in need plan (Southvale).",
                    "Southvale case notes.", TODAY - timedelta(days=100))


LAWFUL_BASIS = {
    "council": "UK GDPR Art 6(1)(e); DPA 2018 Sch 1 para 18; Children Act 1989",
    "southvale": "UK GDPR Art 6(1)(e); DPA 2018 Sch 1 para 18; Children Act 1989",
    "police": "DPA 2018 Part 3; Sch 8 para 4",
    "nhs": "UK GDPR Art 6(1)(e), Art 9(2)(h); DPA 2018 Sch 1 para 18",
    "primary": "UK GDPR Art 6(1)(c); DPA 2018 Sch 1 para 18; Education Act 2002 s.175",
    "academy": "UK GDPR Art 6(1)(c); DPA 2018 Sch 1 para 18; Education Act 2002 s.175",
}
