"""Lessons from reviews: published de-identified (a lesson naming a child of its review is refused), tagged
by theme and agency, pushed to every agency it names (a notification to its front door, and its webhooks),
searchable by any practitioner of the partnership; the national panel searches across partnerships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_

from hub.domain.notification import Notice, NotificationKind
from hub.domain.partnership_access import LessonFacts
from hub.domain.practice_review import LessonDraft, LessonTheme, LessonView, check_lesson
from hub.domain.working_time import as_utc
from hub.door import Door, Subject
from hub.errors import ValidationError
from hub.services import notices
from hub.services.paging import Keyset, Sort
from hub.services.partnership_visibility import visible
from hub.services.serious_incidents import load, refusal
from hub.storage import partnership_tables as pt
from hub.storage import tables as t
from hub.storage.partnership_rows import PartnershipRows

RESOURCE = "lesson"
# Newest first; the id breaks ties between lessons published in the same moment.
LESSONS = Keyset("lesson", Sort(pt.Lesson.published_at, datetime, descending=True), Sort(pt.Lesson.id, str))
FIELDS = ("title", "summary", "themes", "agencies")


def _rows(door: Door) -> PartnershipRows:
    return door.query(PartnershipRows)


def publish_lesson(door: Door, incident_id: str, draft: LessonDraft) -> LessonView:
    rows = _rows(door)
    incident, facts, subject = load(door, rows, incident_id, "publish_lesson")

    def write() -> tuple[pt.Lesson, LessonDraft]:
        """The lesson, and the draft as checked."""
        review = rows.review_of(incident.id)
        members = rows.partnership_agencies(incident.partnership_id)
        names = [n for child in rows.children(incident.child_ids) for n in (child.given_name, child.family_name)]
        try:
            if any(agency_id not in members for agency_id in draft.agency_ids):
                raise ValidationError("Name agencies of the partnership.", field="agencyIds")
            checked = check_lesson(draft, names)
        except ValidationError as error:
            door.refuse(subject, "publish_lesson", error.message)
            raise
        lesson = pt.Lesson(id=t.new_id(), partnership_id=incident.partnership_id,
                           review_id=review.id if review else None, title=checked.title, summary=checked.summary,
                           themes=[str(x) for x in checked.themes], agency_ids=list(checked.agency_ids),
                           published_by=door.actor.practitioner_id, published_at=door.now())
        rows.add(lesson)
        for agency_id in checked.agency_ids:
            notices.notify(door, Notice(
                kind=NotificationKind.LESSON_PUBLISHED, recipient=rows.front_door(agency_id),
                summary=f"A lesson for your agency from a practice review: {checked.title}",
                dedupe_key=f"{NotificationKind.LESSON_PUBLISHED}:{lesson.id}:{agency_id}"))
        return lesson, checked

    lesson, _ = door.change(
        "publish_lesson", facts, subject, write, fields=FIELDS,
        recorded_as=lambda made: Subject(RESOURCE, made[0].id, subject.child_id, subject.owner_agency_id),
        reason=lambda made: f"sent to {len(made[1].agency_ids)} agencies",
        refused=refusal(door, facts, subject, "publish_lesson"))
    return _views(rows, [lesson])[0]


@dataclass(frozen=True)
class LessonSearch:
    text: str | None = None
    theme: LessonTheme | None = None
    agency_id: str | None = None


@dataclass(frozen=True)
class LessonPage:
    views: tuple[LessonView, ...]
    cursors: tuple[str, ...]  # one per view
    has_next: bool
    has_previous: bool
    total: int


def search_lessons(door: Door, wanted: LessonSearch, *, first: int = 20, after: str | None = None) -> LessonPage:
    """Lessons the actor may read (their partnerships', or every one for the national panel), newest first."""
    rows = _rows(door)
    LESSONS.check(first, after)
    subject = Subject(RESOURCE)
    door.access(subject, "list")
    partnerships = sorted(door.actor.partnership_ids)
    condition = visible(door, subject, "read", LessonFacts, {
        "own_partnership": pt.Lesson.partnership_id.in_(partnerships)})
    text = (wanted.text or "").strip()[:200] or None
    found, total = rows.lessons(condition, text, str(wanted.theme) if wanted.theme else None, wanted.agency_id,
                                lambda statement: LESSONS.page(statement, first, after))
    released = []
    for lesson in found[:first]:
        facts = LessonFacts(own_partnership=lesson.partnership_id in door.actor.partnership_ids)
        decision = door.decide("read", facts, subject, audit=False)
        if not decision.allowed:  # SQL and policy disagree: fail closed, and say so
            door.refuse(Subject(RESOURCE, lesson.id), "read", "withheld: visible in SQL but not by policy")
            continue
        door.record(Subject(RESOURCE, lesson.id), "read", decision, fields=FIELDS)
        released.append(lesson)
    cursors = tuple(LESSONS.encode((lesson.published_at, lesson.id)) for lesson in released)
    return LessonPage(tuple(_views(rows, released)), cursors, len(found) > first, after is not None, total)


def read_lesson(door: Door, lesson_id: str) -> LessonView | None:
    """One lesson the actor may read; None (refused, audited) for one they may not or that does not exist."""
    rows = _rows(door)
    subject = Subject(RESOURCE, lesson_id[:64])
    door.access(subject, "read")
    partnerships = sorted(door.actor.partnership_ids)
    condition = visible(door, subject, "read", LessonFacts, {
        "own_partnership": pt.Lesson.partnership_id.in_(partnerships)})
    found, _ = rows.lessons(and_(condition, pt.Lesson.id == lesson_id[:64]), None, None, None,
                            lambda statement: LESSONS.page(statement, 1, None))
    lesson = found[0] if found else None
    if lesson is None:
        door.refuse(subject, "read", "no such lesson, or not one the actor may read")
        return None
    facts = LessonFacts(own_partnership=lesson.partnership_id in door.actor.partnership_ids)
    decision = door.decide("read", facts, subject, audit=False)
    door.record(subject, "read", decision, fields=FIELDS if decision.allowed else ())
    return _views(rows, [lesson])[0] if decision.allowed else None


def _views(rows: PartnershipRows, lessons: list[pt.Lesson]) -> list[LessonView]:
    names = rows.names(lesson.published_by for lesson in lessons)
    partnerships = rows.partnership_names(lesson.partnership_id for lesson in lessons)
    return [LessonView(id=x.id, partnership_id=x.partnership_id,
                       partnership_name=partnerships.get(x.partnership_id, ""),
                       review_id=x.review_id, title=x.title, summary=x.summary,
                       themes=tuple(LessonTheme(theme) for theme in x.themes), agency_ids=tuple(x.agency_ids),
                       published_by_name=names.get(x.published_by, ""), published_at=as_utc(x.published_at))
            for x in lessons]
