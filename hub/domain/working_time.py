"""Working time: deadlines counted in working hours or school days, skipping weekends and England & Wales bank
holidays (from the maintained ``holidays`` package, never a hand-written list).

Pure arithmetic on aware datetimes; every answer is in UTC. Working hours are wall-clock hours in the
calendar's time zone (09:00-17:00 Europe/London by default), so a working day is eight hours in summer and in
winter alike; clock hours (``add_clock_hours``) are elapsed hours, so four hours across a change of the clocks
are still four hours.

School days: every weekday that is not a bank holiday. Term dates differ from school to school and the hub
does not know them, so it treats a term holiday as a school day: a deadline "before the next school day" then
falls earlier, never later, than the school's own.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

# A calendar with no working day within ten years is misconfigured; stop rather than loop.
_MAX_DAYS = 3660


def england_and_wales_bank_holidays() -> Container[date]:
    """Bank holidays in England (Wales shares them), substitute days included; years expand on demand."""
    return holidays.country_holidays("GB", subdiv="ENG")


@dataclass(frozen=True)
class WorkingCalendar:
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    school_day_start: time = time(8, 30)
    bank_holidays: Container[date] = field(default_factory=england_and_wales_bank_holidays, compare=False)

    def __post_init__(self) -> None:
        if not self.day_start < self.day_end:
            raise ValueError("A working day must start before it ends.")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.bank_holidays

    def add_clock_hours(self, start: datetime, hours: float) -> datetime:
        """Elapsed time: what a Red rating runs on, out of hours and over weekends."""
        return _utc(start) + timedelta(hours=hours)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` of working time after ``start``. Time outside working hours does not count;
        a deadline that uses up a day exactly falls at that day's close, not the next day's opening."""
        if hours < 0:
            raise ValueError("Working hours to add cannot be negative.")
        remaining = timedelta(hours=hours)
        cursor = _utc(start).astimezone(self.timezone)
        day = cursor.date()
        for _ in range(_MAX_DAYS):
            if self.is_working_day(day):
                opens, closes = self._local(day, self.day_start), self._local(day, self.day_end)
                # Same-zone arithmetic is wall-clock arithmetic; the clocks in England change at 01:00-02:00,
                # never inside a working day, so wall-clock and elapsed time agree here.
                begin = max(cursor, opens)
                if begin < closes:
                    if remaining <= closes - begin:
                        return _utc(begin + remaining)
                    remaining -= closes - begin
            day += timedelta(days=1)
            cursor = self._local(day, time(0, 0))
        raise ValueError("No working day within ten years: check the working calendar.")

    def next_school_day_start(self, moment: datetime) -> datetime:
        """The first start of a school day strictly after ``moment``: when a notice must be there by."""
        local = _utc(moment).astimezone(self.timezone)
        day = local.date()
        for _ in range(_MAX_DAYS):
            if self.is_working_day(day):
                starts = self._local(day, self.school_day_start)
                if starts > local:
                    return _utc(starts)
            day += timedelta(days=1)
        raise ValueError("No school day within ten years: check the working calendar.")

    def _local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, self.timezone)


def _utc(moment: datetime) -> datetime:
    """Aware, in UTC. A naive datetime is refused: guessing its zone would move a deadline by an hour."""
    if moment.tzinfo is None:
        raise ValueError("Working-time arithmetic needs an aware datetime.")
    return moment.astimezone(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored moment as an aware UTC datetime: SQLite hands back the UTC wall time without its zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
