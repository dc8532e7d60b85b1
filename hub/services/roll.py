"""A school's roll: its pupils (its ROLL links), each with their current flags, for the DSL.

Listing the roll reads each pupil's identity and every flag shown, so each is decided by the policy and
audited, exactly as reading the child and their records one by one would be; the flags come through the same
compiled SQL filter and release as any list of records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select

from hub.domain.child import ChildView
from hub.domain.record import RecordStatus, RecordView, Tier
from hub.door import Door, Subject
from hub.errors import ValidationError
from hub.services.children import child_facts, load_children, read_child
from hub.services.paging import Keyset, Sort
from hub.services.records import release_rows
from hub.services.visibility import child_facts_from_flags, records_across_children
from hub.storage import tables as t

ROLL = "ROLL"
# A pupil without a date of birth sorts as born on the earliest date, the same on every database (PostgreSQL
# and SQLite put NULLs at opposite ends), so the sort key of every pupil is a value a cursor can carry.
EARLIEST = date(1, 1, 1)
# By family name, given name and date of birth (so two pupils of the same name keep their order); the child's
# id breaks the last ties.
PUPILS = Keyset("pupil", Sort(t.Child.family_name, str), Sort(t.Child.given_name, str),
                Sort(func.coalesce(t.Child.date_of_birth, EARLIEST), date), Sort(t.Child.id, str))
# A pupil list's cursor names the last pupil shown by id alone: their names and date of birth, the sort key,
# are looked up again rather than carried in a link (cursors end up in URLs, browser histories and logs).
PUPIL_CURSOR = Keyset("pupil", Sort(t.Child.id, str))


@dataclass(frozen=True)
class Pupil:
    child: ChildView
    roll_reference: str  # the school's own id for the pupil (e.g. a UPN)
    on_roll_since: date
    flags: tuple[RecordView, ...]


@dataclass(frozen=True)
class RollPage:
    pupils: tuple[Pupil, ...]
    cursors: tuple[str, ...]  # one per pupil
    has_next: bool
    has_previous: bool
    total: int


@dataclass(frozen=True)
class RollFilter:
    """Which pupils to list: a part of a name, an English school year group (0 is Reception), and a current
    flag the DSL may see (a category)."""

    name: str = ""
    year_group: int | None = None
    flag: str | None = None


def year_group(born: date | None, today: date) -> int | None:
    """The school year a child born on ``born`` is in on ``today`` (England: the year runs from 1 September;
    Reception, 0, is the year a child turns 5). None before Reception or without a date of birth."""
    if born is None:
        return None
    school_year = today.year if today.month >= 9 else today.year - 1
    # Born 1 September (Y-5) to 31 August (Y-4) starts Reception in September of Y.
    cohort = born.year + (1 if (born.month, born.day) >= (9, 1) else 0)
    group = school_year - cohort - 4
    return group if group >= 0 else None


def list_pupils(door: Door, *, first: int = 25, after: str | None = None,
                wanted: RollFilter | None = None) -> RollPage:
    """The actor's school's current pupils, in ``PUPILS`` order, with their current flags."""
    PUPIL_CURSOR.check(first, after)
    wanted = wanted or RollFilter()
    subject = Subject("roll", door.actor.agency_id, None, door.actor.agency_id)
    door.access(subject, "list")
    link = t.AgencyRecordLink
    on_roll = select(link, t.Child).join(t.Child, t.Child.id == link.child_id).where(
        link.agency_id == door.actor.agency_id, link.kind == ROLL,
        link.closed_on.is_(None) | (link.closed_on > door.today()))
    on_roll = _filtered(door, on_roll, wanted)
    total = door.scalar(select(func.count()).select_from(on_roll.subquery())) or 0
    page, params = PUPILS.page_after(on_roll, first, _key_after(door, after) if after else None)
    rows = door.execute(page, params).all()
    visible: list[tuple[t.AgencyRecordLink, ChildView, str]] = []
    has_next = len(rows) > first and _may_know(door, rows[first][1])
    load_children(door, {row_link.child_id for row_link, _ in rows[:first]})  # one statement, not one a pupil
    for row_link, row_child in rows[:first]:
        view = read_child(door, row_link.child_id)  # decided and audited like any read of a child
        if view is not None:
            visible.append((row_link, view, PUPIL_CURSOR.encode((row_child.id,))))
    flags = current_flags(door, [child.id for _, child, _ in visible])
    pupils = tuple(Pupil(child, row_link.local_id, row_link.opened_on, tuple(flags.get(child.id, ())))
                   for row_link, child, _ in visible)
    return RollPage(pupils, tuple(cursor for _, _, cursor in visible), has_next, after is not None, int(total))


def _key_after(door: Door, cursor: str) -> tuple[str, str, date, str]:
    """The sort key of the pupil a cursor names, if the actor may still know them; else the cursor is bad."""
    [child_id] = PUPIL_CURSOR.decode(cursor)
    child = door.get(t.Child, child_id)
    if child is None or not _may_know(door, child):
        raise ValidationError("This page's place in the roll is gone: start from the first page again.",
                              field="after")
    return child.family_name, child.given_name, child.date_of_birth or EARLIEST, child.id


def _may_know(door: Door, child: t.Child) -> bool:
    """Whether the actor may know the next page's first pupil exists: what "there is a next page" tells."""
    subject = Subject("child", child.id, child.id)
    return door.decide("read", child_facts(door, child), subject, audit=False).allowed


def _filtered(door: Door, on_roll: Select[t.AgencyRecordLink, t.Child],
              wanted: RollFilter) -> Select[t.AgencyRecordLink, t.Child]:
    if wanted.name.strip():
        pattern = f"%{wanted.name.strip().lower()}%"
        full = func.lower(t.Child.given_name + " " + t.Child.family_name)
        on_roll = on_roll.where(or_(func.lower(t.Child.given_name).like(pattern),
                                    func.lower(t.Child.family_name).like(pattern), full.like(pattern)))
    if wanted.year_group is not None:
        today = door.today()
        school_year = today.year if today.month >= 9 else today.year - 1
        cohort = school_year - 4 - wanted.year_group
        on_roll = on_roll.where(t.Child.date_of_birth >= date(cohort - 1, 9, 1),
                                t.Child.date_of_birth <= date(cohort, 8, 31))
    if wanted.flag:
        # Only flags the DSL may see: the same compiled policy condition as the flags listed beside each pupil.
        flagged = records_across_children(door, Subject("records")).where(
            t.RecordVersion.category == wanted.flag, t.RecordVersion.tier == str(Tier.FLAG),
            t.RecordVersion.status == str(RecordStatus.ACTIVE)).subquery()
        on_roll = on_roll.where(t.Child.id.in_(select(flagged.c.child_id)))
    return on_roll


def current_flags(door: Door, child_ids: list[str]) -> dict[str, list[RecordView]]:
    if not child_ids:
        return {}
    statement = records_across_children(door, Subject("records")).where(
        t.RecordVersion.child_id.in_(child_ids), t.RecordVersion.tier == str(Tier.FLAG),
        t.RecordVersion.status == str(RecordStatus.ACTIVE),
    ).order_by(t.RecordVersion.start_date.desc(), t.RecordVersion.record_key)
    rows = door.execute(statement).all()
    views = release_rows(door, [(row, row_flags, child_facts_from_flags(child_flags))
                                for row, child_flags, row_flags in rows])
    by_child: dict[str, list[RecordView]] = {}
    for view in views:
        by_child.setdefault(view.child_id, []).append(view)
    return by_child
