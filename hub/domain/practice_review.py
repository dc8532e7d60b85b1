"""Serious incidents, rapid reviews, practice reviews and their lessons.

Timescales (DOMAIN.md): the local authority notifies the national panel within 5 working days of becoming
aware of a serious incident (one notification, up to 4 children); the partners' rapid review is due 15
working days after the notification, agencies' summaries first; a local child safeguarding practice review
is published within about 6 months. Working days skip weekends and England & Wales bank holidays
(``hub.domain.working_time``); a deadline of N working days falls at the close of the Nth working day after
the day it counts from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from hub.domain.working_time import WorkingCalendar, as_utc
from hub.errors import ValidationError

MAX_TEXT = 10_000
MAX_CHILDREN = 4
NOTIFICATION_WORKING_DAYS = 5
RAPID_REVIEW_WORKING_DAYS = 15
LOCAL_REVIEW_PUBLICATION_MONTHS = 6  # "about 6 months"


class IncidentKind(StrEnum):
    DEATH = "DEATH"
    SERIOUS_HARM = "SERIOUS_HARM"


class IncidentStatus(StrEnum):
    AWARE = "AWARE"  # recorded: the notification to the national panel is due
    NOTIFIED = "NOTIFIED"


class ReviewStatus(StrEnum):
    COLLECTING_SUMMARIES = "COLLECTING_SUMMARIES"
    DECIDED = "DECIDED"


class ReviewDecision(StrEnum):
    LOCAL_REVIEW = "LOCAL_REVIEW"  # a local child safeguarding practice review
    NATIONAL_REVIEW = "NATIONAL_REVIEW"  # recommended to the national panel
    NO_FURTHER_REVIEW = "NO_FURTHER_REVIEW"


class SummaryStatus(StrEnum):
    REQUESTED = "REQUESTED"
    SUBMITTED = "SUBMITTED"


class LocalReviewStatus(StrEnum):
    IN_PROGRESS = "IN_PROGRESS"
    PUBLISHED = "PUBLISHED"


class LessonTheme(StrEnum):
    INFORMATION_SHARING = "INFORMATION_SHARING"
    RISK_ASSESSMENT = "RISK_ASSESSMENT"
    MULTI_AGENCY_WORKING = "MULTI_AGENCY_WORKING"
    VOICE_OF_THE_CHILD = "VOICE_OF_THE_CHILD"
    DOMESTIC_ABUSE = "DOMESTIC_ABUSE"
    NEGLECT = "NEGLECT"
    PARENTAL_MENTAL_HEALTH = "PARENTAL_MENTAL_HEALTH"
    SUBSTANCE_MISUSE = "SUBSTANCE_MISUSE"
    SAFER_SLEEPING = "SAFER_SLEEPING"
    CHILD_EXPLOITATION = "CHILD_EXPLOITATION"
    EDUCATION = "EDUCATION"
    HEALTH = "HEALTH"


# -- working-day countdowns ---------------------------------------------------------------------------------
def add_working_days(calendar: WorkingCalendar, start: datetime, days: int) -> datetime:
    """The close of the ``days``-th working day after the day of ``start`` (that day itself never counts)."""
    if days < 1:
        raise ValueError("Count at least one working day.")
    day = as_utc(start).astimezone(calendar.timezone).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return as_utc(datetime.combine(day, calendar.day_end, calendar.timezone))


def working_days_left(calendar: WorkingCalendar, now: datetime, due: datetime) -> int:
    """Whole working days after today up to the day ``due`` falls on: 5 on the day of awareness, 0 on the day
    it is due (and after)."""
    now, due = as_utc(now), as_utc(due)
    last = due.astimezone(calendar.timezone).date()
    day, left = now.astimezone(calendar.timezone).date(), 0
    while day < last:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            left += 1
    return left


def months_after(day: date, months: int) -> date:
    """The same day of the month ``months`` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in range(day.day, 27, -1):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    return date(year, month, min(day.day, 28))


@dataclass(frozen=True)
class Countdown:
    """A statutory deadline as a person sees it: when it falls, working days left, and whether it was met."""

    due_at: datetime
    working_days_left: int
    met_at: datetime | None
    overdue: bool  # passed, and not met

    @property
    def met_on_time(self) -> bool | None:
        return None if self.met_at is None else self.met_at <= self.due_at


def countdown(calendar: WorkingCalendar, now: datetime, due: datetime, met_at: datetime | None) -> Countdown:
    due = as_utc(due)
    met = as_utc(met_at) if met_at else None
    return Countdown(due, 0 if met else working_days_left(calendar, now, due), met, met is None and as_utc(now) > due)


# -- drafts and their rules --------------------------------------------------------------------------------
def check_text(value: str, field: str, what: str, minimum: int = 1) -> str:
    text = value.strip()
    if len(text) < minimum:
        raise ValidationError(what, field=field)
    if len(text) > MAX_TEXT:
        raise ValidationError(f"At most {MAX_TEXT} characters.", field=field)
    return text


@dataclass(frozen=True)
class IncidentDraft:
    child_ids: tuple[str, ...]
    kind: IncidentKind
    aware_at: datetime
    description: str
    looked_after: bool = False


def check_incident(draft: IncidentDraft, now: datetime) -> IncidentDraft:
    children = tuple(dict.fromkeys(draft.child_ids))
    if not children:
        raise ValidationError("Name the child the incident concerns.", field="childIds")
    if len(children) > MAX_CHILDREN:
        raise ValidationError(f"One notification covers at most {MAX_CHILDREN} children: notify the others "
                              "separately.", field="childIds")
    if draft.aware_at.tzinfo is None:
        raise ValidationError("Give the time you became aware with its offset.", field="awareAt")
    if as_utc(draft.aware_at) > as_utc(now):
        raise ValidationError("You cannot have become aware in the future.", field="awareAt")
    return IncidentDraft(children, draft.kind, as_utc(draft.aware_at),
                         check_text(draft.description, "description", "Describe what happened.", 10),
                         draft.looked_after)


@dataclass(frozen=True)
class ReviewDecisionDraft:
    decision: ReviewDecision
    reasons: str


@dataclass(frozen=True)
class LessonDraft:
    title: str
    summary: str
    themes: tuple[LessonTheme, ...]
    agency_ids: tuple[str, ...]


_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*", re.UNICODE)


def names_in(text: str, names: Iterable[str]) -> list[str]:
    """Which of ``names`` (a child's given and family names) appear in ``text`` as whole words."""
    words = {word.casefold() for word in _WORD.findall(text)}
    return sorted({name for name in names if name and name.casefold() in words})


def check_lesson(draft: LessonDraft, child_names: Iterable[str]) -> LessonDraft:
    """A lesson is published de-identified: it may not name a child of the review it comes from."""
    title = check_text(draft.title, "title", "Give the lesson a title.", 5)
    summary = check_text(draft.summary, "summary", "Say what was learned.", 20)
    if not draft.themes:
        raise ValidationError("Tag the lesson with at least one theme.", field="themes")
    if not draft.agency_ids:
        raise ValidationError("Name the agencies the lesson is for: it is sent to them.", field="agencyIds")
    if named := names_in(f"{title} {summary}", child_names):
        raise ValidationError(f"A published lesson must not identify the child: remove {', '.join(named)}.",
                              field="summary")
    return LessonDraft(title, summary, tuple(dict.fromkeys(draft.themes)), tuple(dict.fromkeys(draft.agency_ids)))


# -- views -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IncidentChild:
    """A child of an incident as reviewers see them: no name, no number, only what frames the review."""

    age_years: int | None
    sex: str | None


@dataclass(frozen=True)
class IncidentView:
    id: str
    partnership_id: str
    notifying_agency_id: str
    kind: IncidentKind
    status: IncidentStatus
    looked_after: bool
    children: tuple[IncidentChild, ...]
    child_ids: tuple[str, ...]  # empty unless the actor's agency notified it
    description: str
    aware_at: datetime
    notification: Countdown
    recorded_by_name: str
    review_id: str | None


@dataclass(frozen=True)
class SummaryView:
    agency_id: str
    status: SummaryStatus
    summary: str | None
    submitted_by_name: str | None
    requested_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True)
class ReviewView:
    id: str
    incident_id: str
    partnership_id: str
    status: ReviewStatus
    due: Countdown
    summaries: tuple[SummaryView, ...]
    reviewer_names: tuple[str, ...]
    decision: ReviewDecision | None
    reasons: str | None
    decided_by_name: str | None
    local_review_status: LocalReviewStatus | None
    local_review_due_on: date | None
    local_review_published_at: datetime | None


@dataclass(frozen=True)
class LessonView:
    id: str
    partnership_id: str
    partnership_name: str
    review_id: str | None
    title: str
    summary: str
    themes: tuple[LessonTheme, ...]
    agency_ids: tuple[str, ...]
    published_by_name: str
    published_at: datetime
