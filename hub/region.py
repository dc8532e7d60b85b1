"""A region at scale for ``hub demo --children N``: about N synthetic Northbridge children with about ten
records each, loaded in batches (COPY on PostgreSQL), sealed with the real keys exactly as the services seal.

It reuses the demo's vocabulary (postcodes, agencies, lawful bases, the 999-range NHS numbers), draws names
from a few hundred (``hub.region_names``, so FIND meets an area's selectivity) and adds records in the demo's
categories. Each thousand children (by index) are on the rolls of a primary and a secondary school of their
own (``SCHOOL_BLOCK``), as an area's children are spread over its schools. Every child is derived from its
index alone (its id, school, NHS number and random choices), and a batch is written in one transaction, so a
second run finds its children there and skips them: the command is idempotent, and an interrupted run resumes
where it stopped. The demo's own children and records (``hub.demo.seed``) take the first NHS numbers; the
region starts after them. The 999 range holds about 909,000 valid numbers, so past that a region's children
are recorded without one.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, select, text

from hub.demo import AGENCIES, LAWFUL_BASIS, POSTCODES_NB, PRACTITIONERS, TODAY, nhs_numbers
from hub.identity.demographics import Demographics
from hub.identity.keys import index_keys
from hub.identity.tables import IdentityKey
from hub.keys import KeyStore
from hub.region_names import FAMILY, FAMILY_WEIGHTS, GIVEN, GIVEN_WEIGHTS
from hub.storage import sealing
from hub.storage import tables as t

# A region's ids are UUIDs (version 8) made of this prefix, a kind and a number that grows with the child's
# index: derived from the index alone, so reruns agree, and in index order, so each batch appends to the
# primary-key and child_id indexes instead of dirtying pages all over them (random uuid4s made the load
# slow down as the indexes outgrew memory).
PREFIX = "5f2b8f8e-43a1-8d8e"  # the first 64 bits; then the variant (0b10), six bits of kind, 56 of number
CHILD, RECORD, RECORD_KEY, LINK, NOTICE, SCHOOL, SCHOOL_DSL = range(7)
FIRST_NUMBER = 1_000  # the demo's own children use fewer of the 999 range's valid numbers than this
BATCH = 1_000
# Each thousand children (by index) have a primary and a secondary school of their own: about 570 and 400
# pupils (ages 4-10 and 11-15, a few home-educated), an area's real rolls, whatever the region's size, so a
# DSL's pupil list is measured at a school's size. The first thousand go to the demo's Northbridge Primary and
# Northbridge Academy (Dee's and Dan's schools); later thousands to schools the builder opens for them.
SCHOOL_BLOCK = 1_000
PHASES = ("primary", "academy")  # the demo's keys for its primary and its secondary
SCHOOL_PLACES = ("Lane", "Road", "Park", "Green", "Hill", "Vale", "Fields", "Brook", "Meadow", "Grange")
CREATED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

# (agency, category, tier, summary, detail): the demo's kinds of record, each drawn with its weight.
RECORD_KINDS: Sequence[tuple[int, str, str, str, str, str]] = (
    (8, "council", "CHILD_IN_NEED", "FLAG", "Child in need plan.", "Plan reviewed; actions agreed with family."),
    (5, "council", "CHILD_PROTECTION_PLAN", "FLAG", "Child protection plan: neglect.",
     "Conference agreed a plan under neglect; core group meets monthly."),
    (3, "council", "LOOKED_AFTER", "FLAG", "Looked after: s.20 agreement.", "Placed with foster carers."),
    (8, "council", "EARLY_HELP", "FLAG", "Early help assessment and family support.", "Family support plan."),
    (10, "police", "DOMESTIC_ABUSE_INCIDENT", "SUMMARY", "Domestic abuse incident at the child's home.",
     "Officers attended; adults separated; child present downstairs."),
    (4, "police", "MISSING_EPISODE", "SUMMARY", "Missing overnight; found at a friend's home.",
     "Return interview completed."),
    (3, "police", "POLICE_INTELLIGENCE", "RESTRICTED", "Intelligence about an adult connected to the child.",
     "Restricted intelligence."),
    (10, "nhs", "UNSCHEDULED_CARE_ATTENDANCE", "SUMMARY", "A&E attendance.", "Clinician's notes of the contact."),
    (8, "nhs", "HEALTH_CONCERN", "DETAIL", "Health contact of safeguarding interest.", "Health visitor notes."),
    (2, "nhs", "SEXUAL_HEALTH", "RESTRICTED", "Sexual health clinic contact.", "Confidential consultation."),
    (12, "school", "ATTENDANCE_CONCERN", "SUMMARY", "Attendance below 90% this term.", "DSL's chronology entry."),
    (6, "school", "SCHOOL_CONCERN", "SUMMARY", "School concern logged by the DSL.", "DSL's chronology entry."),
    (2, "school", "EXCLUSION", "SUMMARY", "Fixed-term exclusion.", "Exclusion letter and reintegration plan."),
)
_WEIGHTS = [kind[0] for kind in RECORD_KINDS]
LINK_PREFIX = {"council": "LCS", "police": "NBP", "nhs": "MRN", "primary": "UPN", "academy": "UPN"}


class RegionError(RuntimeError):
    """The region cannot be built here (the demo's reference data is missing)."""


@dataclass
class Rows:
    """One batch's rows, by table, ready for one bulk insert each."""

    children: list[dict[str, Any]] = field(default_factory=list)
    keys: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    notifications: list[dict[str, Any]] = field(default_factory=list)
    identity: list[dict[str, Any]] = field(default_factory=list)

    def written(self) -> Iterator[tuple[Table, list[dict[str, Any]]]]:
        # Parents before children: foreign keys hold at every statement.
        yield t.Child.__table__, self.children  # type: ignore[misc]
        yield t.ChildDataKey.__table__, self.keys  # type: ignore[misc]
        yield t.AgencyRecordLink.__table__, self.links  # type: ignore[misc]
        yield t.RecordVersion.__table__, self.records  # type: ignore[misc]
        yield t.Notification.__table__, self.notifications  # type: ignore[misc]
        yield IdentityKey.__table__, self.identity  # type: ignore[misc]


@dataclass(frozen=True)
class School:
    agency_id: str
    author_id: str  # who shares the school's records
    dsl_id: str  # who acknowledged the Operation Encompass notices sent to it


@dataclass(frozen=True)
class Region:
    """What the region needs from the demo's reference data."""

    partnership_id: str
    agencies: dict[str, str]  # demo key (council, police, ...) -> agency id
    authors: dict[str, str]  # demo key -> the practitioner who shares that agency's records
    dsls: dict[str, str]  # school key -> its DSL, who acknowledged the Encompass notices

    def school(self, index: int, phase: str) -> School:
        """The school (of ``phase``: primary or academy) whose roll child ``index`` is on."""
        block = index // SCHOOL_BLOCK
        if block == 0:
            return School(self.agencies[phase], self.authors[phase], self.dsls[phase])
        number = school_number(block, phase)
        dsl = ordered_id(SCHOOL_DSL, number)  # the DSL keeps the school's chronology too
        return School(ordered_id(SCHOOL, number), dsl, dsl)


@dataclass(frozen=True)
class Built:
    children: int  # children written by this run
    skipped: int  # children already there (an earlier run)
    records: int


def child_id(index: int) -> str:
    return ordered_id(CHILD, index)


def ordered_id(kind: int, number: int) -> str:
    low = f"{0x80 | kind:02x}{number:014x}"  # formatted directly: uuid.UUID would double the Python per child
    return f"{PREFIX}-{low[:4]}-{low[4:]}"


def school_number(block: int, phase: str) -> int:
    return block * len(PHASES) + PHASES.index(phase)


def load_region(connection: Connection) -> Region:
    agencies = dict(connection.execute(
        select(t.Agency.official_code, t.Agency.id).where(t.Agency.official_code.in_([a.code for a in AGENCIES]))
    ).all())
    partnership = connection.scalar(select(t.Partnership.id).where(t.Partnership.code == "NB"))
    if partnership is None or len(agencies) != len(AGENCIES):
        raise RegionError("The demo's partnerships and agencies are not there: run `hub demo` first.")
    by_key = {a.key: agencies[a.code] for a in AGENCIES}
    emails = dict(connection.execute(select(t.Practitioner.email, t.Practitioner.id)).all())
    authors: dict[str, str] = {}
    dsls: dict[str, str] = {}
    for email, _, agency, roles in PRACTITIONERS:
        if email in emails:
            authors.setdefault(agency, emails[email])
            if "DSL" in roles:
                dsls.setdefault(agency, emails[email])
    return Region(partnership, by_key, authors, dsls)


def build(engine: Engine, keys: KeyStore, children: int, *, batch: int = BATCH,
          progress: Callable[[int], None] = lambda _: None) -> Built:
    """Make sure region children 0..children-1 exist; ``progress`` is told how many children each batch held.

    One thread makes a batch's rows (names, keys, sealing: Python's share) while another writes the batch
    before it (COPY: the server's share), so the two overlap instead of taking turns."""
    with engine.begin() as connection:
        region = load_region(connection)
        _open_schools(connection, region, -(-children // SCHOOL_BLOCK))
        there = _existing(connection, children)
    numbers = _numbers(children)
    kek = keys.current_kek()  # read once: every child's data key is wrapped by it, as the services would
    records = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="region-writer") as writer:
        pending: Future[None] | None = None
        held = 0
        for start in range(0, children, batch):
            stop = min(start + batch, children)
            rows = Rows()
            for index in range(start, stop):
                if child_id(index) not in there:
                    _child(rows, region, kek, index, numbers[index] if index < len(numbers) else None)
            records += len(rows.records)
            if pending is not None:
                pending.result()
                progress(held)
            pending, held = writer.submit(_write, engine, rows), stop - start
        if pending is not None:
            pending.result()
            progress(held)
    written = children - len(there)
    if written and engine.dialect.name == "postgresql":
        with engine.connect() as connection:  # fresh statistics, so the planner sees the region's size
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return Built(written, len(there), records)


def _open_schools(connection: Connection, region: Region, blocks: int) -> None:
    """Open the schools of blocks 1..blocks-1 not yet there (block 0's are the demo's), each in the
    partnership with a DSL: a few rows a school, so plain inserts on every database."""
    wanted = {ordered_id(SCHOOL, school_number(block, phase)): (block, phase)
              for block in range(1, blocks) for phase in PHASES}
    if not wanted:
        return
    there = set(connection.scalars(select(t.Agency.id).where(t.Agency.id.between(min(wanted), max(wanted)))))
    agencies, members, dsls = [], [], []
    for agency_id, (block, phase) in sorted(wanted.items()):
        if agency_id in there:
            continue
        number = school_number(block, phase)
        place = f"{FAMILY[block % len(FAMILY)]} {SCHOOL_PLACES[block // len(FAMILY) % len(SCHOOL_PLACES)]}"
        domain = f"school{number}.northbridge.example"
        agencies.append({
            "id": agency_id, "kind": "SCHOOL", "official_code": str(191_000 + number),  # URN-like, after 1900xx
            "name": f"{place} {'Primary School' if phase == 'primary' else 'Academy'}",
            "office_hours_phone": "01632 960600", "out_of_hours_phone": "01632 960100",
            "email": f"safeguarding@{domain}"})
        members.append({"agency_id": agency_id, "partnership_id": region.partnership_id})
        dsls.append({
            "id": ordered_id(SCHOOL_DSL, number), "agency_id": agency_id, "email": f"dsl@{domain}",
            "name": f"{GIVEN[number % len(GIVEN)]} {FAMILY[(number * 7) % len(FAMILY)]}", "roles": ["DSL"],
            "active": True})
    for table, rows in ((t.Agency.__table__, agencies), (t.AgencyPartnership.__table__, members),
                        (t.Practitioner.__table__, dsls)):
        if rows:
            connection.execute(insert(table), rows)  # type: ignore[arg-type]


def _existing(connection: Connection, children: int) -> set[str]:
    """The region's children already there (an earlier or interrupted run): one range of the primary key."""
    if not children:
        return set()
    wanted = {child_id(index) for index in range(children)}
    found = connection.scalars(select(t.Child.id).where(t.Child.id.between(child_id(0), child_id(children - 1))))
    return wanted.intersection(found)


def _write(engine: Engine, rows: Rows) -> None:
    with engine.begin() as connection:  # a child is written whole with its rows, or not at all
        if connection.dialect.name == "postgresql":
            # A batch lost to a crash is written again by the rerun that resumes, so the load need not wait
            # for each commit to reach the disk.
            connection.execute(text("SET LOCAL synchronous_commit = off"))
        for table, values in rows.written():
            _insert(connection, table, values)


def _numbers(children: int) -> list[str]:
    numbers = nhs_numbers()
    for _ in range(FIRST_NUMBER):
        next(numbers, None)
    return [number for _, number in zip(range(children), numbers, strict=False)]


def _child(rows: Rows, region: Region, kek: tuple[str, bytes], index: int, nhs: str | None) -> None:
    rng = random.Random(index * 7919 + 20161)  # the child depends on its index alone: reruns agree
    cid = child_id(index)
    age = rng.randint(4, 15)
    born = TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
    given = rng.choices(GIVEN, cum_weights=GIVEN_WEIGHTS)[0]
    family = rng.choices(FAMILY, cum_weights=FAMILY_WEIGHTS)[0]
    sex = rng.choice(["female", "male"])
    postcode = rng.choice(POSTCODES_NB)
    rows.children.append({
        "id": cid, "nhs_number": nhs, "given_name": given, "family_name": family, "date_of_birth": born,
        "sex": sex, "postcode": postcode, "partnership_id": region.partnership_id, "mother_id": None,
        "address_withheld_by": None, "created_at": CREATED,
    })
    key_row, data_key = sealing.new_data_key_under(kek, cid, CREATED)
    rows.keys.append(key_row)
    for key in sorted(index_keys(Demographics(given, family, born, sex, postcode, nhs).normalised())):
        rows.identity.append({"key": key, "child_id": cid})
    school = "primary" if age <= 10 else "academy"  # the demo key of the phase: its lawful basis, its ids
    roll = region.school(index, school)
    owners = {**region.agencies, school: roll.agency_id}
    authors = {**region.authors, school: roll.author_id}
    on_roll = rng.random() < 0.97  # a few are home-educated: on no roll
    linked = {"nhs"} | ({school} if on_roll else set())
    notified = False
    first_record = len(rows.records)
    for _ in range(rng.randint(8, 12)):
        _, agency, category, tier, summary, detail = rng.choices(RECORD_KINDS, weights=_WEIGHTS)[0]
        if agency == "school":
            if not on_roll:
                continue
            agency = school
        linked.add(agency)
        start = TODAY - timedelta(days=rng.randint(1, 700))
        ended = rng.random() < 0.2
        number = index * 16 + len(rows.records) - first_record  # at most 12 records a child
        record_id, record_key = ordered_id(RECORD, number), ordered_id(RECORD_KEY, number)
        row = {
            "id": record_id, "record_key": record_key, "version": 1, "child_id": cid,
            "owner_agency_id": owners[agency], "category": category, "tier": tier,
            "status": "ENDED" if ended else "ACTIVE", "summary": summary, "detail": detail, "start_date": start,
            "end_date": min(TODAY, start + timedelta(days=rng.randint(30, 300))) if ended else None,
            "lawful_basis": LAWFUL_BASIS[agency], "reason": None, "source_adapter": "demo-region",
            "source_id": f"region-{index}-{len(rows.records)}", "source_version": "1",
            "created_by": authors[agency], "created_at": CREATED,
        }
        for column in ("summary", "detail") if tier == "RESTRICTED" else ("detail",):
            row[column] = sealing.seal_with(key_row["key_id"], data_key, cid, "record_versions", column, record_id,
                                            str(row[column]))
        rows.records.append(row)
        if category == "DOMESTIC_ABUSE_INCIDENT" and on_roll and not notified:
            notified = True  # Operation Encompass: the police told the school, and its DSL acknowledged
            rows.notifications.append({
                "id": ordered_id(NOTICE, index), "kind": "DOMESTIC_ABUSE_INCIDENT",
                "recipient_agency_id": roll.agency_id,
                "recipient_practitioner_id": None, "recipient_role": "DSL", "child_id": cid,
                "record_key": record_key, "actor_practitioner_id": None,
                "actor_agency_id": region.agencies["police"],
                "summary": f"Domestic abuse incident: {given} {family} may be affected.",
                "dedupe_key": f"ENCOMPASS:{record_key}:{school}", "created_at": CREATED,
                "acknowledged_at": CREATED + timedelta(minutes=40), "acknowledged_by": roll.dsl_id,
                "request_id": None, "due_at": None, "do_not_approach_parents": False,
            })
    for number, agency in enumerate(sorted(linked)):
        rows.links.append({
            "id": ordered_id(LINK, index * 8 + number), "agency_id": owners[agency], "child_id": cid,
            "local_id": f"{LINK_PREFIX[agency]}-R{index}", "kind": "ROLL" if agency == school else "INVOLVEMENT",
            "opened_on": born if agency == "nhs" else TODAY - timedelta(days=rng.randint(60, 2000)),
            "closed_on": None, "allocated_worker": "Sam Social" if agency == "council" else None,
            "allocated_practitioner_id": region.authors["council"] if agency == "council" else None,
        })


def _insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])
