"""Working-time arithmetic against dates a MASH would meet: bank holiday Mondays, Christmas and Easter, a
request at 16:30 on a Friday, and the two changes of the clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from hub.domain.working_time import WorkingCalendar

CALENDAR = WorkingCalendar()
LONDON = CALENDAR.timezone


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def same_moment(a: datetime, b: datetime) -> bool:
    return a.astimezone(UTC) == b.astimezone(UTC) and a.tzinfo is not None


@pytest.mark.parametrize(("start", "hours", "due"), [
    # Within one day; a deadline that uses up the day falls at its close.
    (london(2026, 11, 3, 10, 0), 4, london(2026, 11, 3, 14, 0)),
    (london(2026, 11, 3, 13, 0), 4, london(2026, 11, 3, 17, 0)),
    # Before opening and at the weekend, the clock starts at the next opening.
    (london(2026, 11, 2, 7, 0), 1, london(2026, 11, 2, 10, 0)),
    (london(2026, 11, 7, 10, 0), 8, london(2026, 11, 9, 17, 0)),
    # 16:30 on a Friday: half an hour on Friday, the rest on Monday.
    (london(2026, 11, 6, 16, 30), 4, london(2026, 11, 9, 12, 30)),
    # 16:30 on the Friday before the Spring bank holiday (Monday 25 May 2026): Tuesday.
    (london(2026, 5, 22, 16, 30), 4, london(2026, 5, 26, 12, 30)),
    # Amber (24 working hours = three working days) over Easter: Good Friday and Easter Monday skipped.
    (london(2026, 4, 2, 16, 0), 24, london(2026, 4, 9, 16, 0)),
    # Christmas 2026: Friday 25th, the weekend, and Boxing Day observed on Monday 28th.
    (london(2026, 12, 24, 15, 0), 24, london(2026, 12, 31, 15, 0)),
    # Green (72 working hours = nine working days) from a Monday morning.
    (london(2026, 11, 2, 9, 0), 72, london(2026, 11, 12, 17, 0)),
    # Across the spring change (29 March 2026): Monday's hours are BST.
    (london(2026, 3, 27, 16, 0), 4, london(2026, 3, 30, 12, 0)),
    # Across the autumn change (25 October 2026): Monday's hours are GMT.
    (london(2026, 10, 23, 16, 0), 4, london(2026, 10, 26, 12, 0)),
    # Zero hours out of hours: the next opening.
    (london(2026, 11, 6, 18, 0), 0, london(2026, 11, 9, 9, 0)),
])
def test_working_hours_skip_nights_weekends_and_bank_holidays(start, hours, due) -> None:
    result = CALENDAR.add_working_hours(start, hours)
    assert result.tzinfo == UTC
    assert same_moment(result, due), (result.astimezone(LONDON), due)


def test_the_autumn_and_spring_changes_keep_a_working_day_eight_hours_long() -> None:
    assert CALENDAR.add_working_hours(london(2026, 3, 27, 9, 0), 16).astimezone(LONDON) == london(2026, 3, 30, 17, 0)
    assert CALENDAR.add_working_hours(london(2026, 10, 23, 9, 0), 16).astimezone(LONDON) == london(2026, 10, 26, 17, 0)


def test_clock_hours_are_elapsed_hours_even_when_the_clocks_go_back() -> None:
    # 23:30 BST on Saturday 24 October 2026; at 02:00 BST the clocks go back to 01:00 GMT.
    start = london(2026, 10, 24, 23, 30)
    due = CALENDAR.add_clock_hours(start, 4)
    assert due == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)
    assert due.astimezone(LONDON).strftime("%H:%M %Z") == "02:30 GMT"  # three hours later by the wall clock
    # And forward in spring: 4 elapsed hours from 23:00 GMT on 28 March read 04:00 BST.
    assert CALENDAR.add_clock_hours(london(2026, 3, 28, 23, 0), 4).astimezone(LONDON) == london(2026, 3, 29, 4, 0)


@pytest.mark.parametrize(("moment", "starts"), [
    # 22:00 on the Friday before the Spring bank holiday: Tuesday, not Monday.
    (london(2026, 5, 22, 22, 0), london(2026, 5, 26, 8, 30)),
    # Early on a school day: that morning.
    (london(2026, 11, 2, 7, 0), london(2026, 11, 2, 8, 30)),
    # At or after the start of a school day: the next one.
    (london(2026, 11, 2, 8, 30), london(2026, 11, 3, 8, 30)),
    (london(2026, 11, 2, 13, 0), london(2026, 11, 3, 8, 30)),
    # Christmas Eve night: Christmas Day, the weekend and Boxing Day (observed) skipped.
    (london(2026, 12, 24, 22, 0), london(2026, 12, 29, 8, 30)),
    # Saturday night before the clocks go back: Monday 08:30 GMT.
    (london(2026, 10, 24, 23, 0), london(2026, 10, 26, 8, 30)),
])
def test_the_next_school_day_start(moment, starts) -> None:
    assert same_moment(CALENDAR.next_school_day_start(moment), starts)


def test_bank_holidays_come_from_the_holidays_package_for_england() -> None:
    assert not CALENDAR.is_working_day(date(2026, 5, 25))  # Spring bank holiday
    assert not CALENDAR.is_working_day(date(2026, 8, 31))  # Summer bank holiday (England, not Scotland)
    assert CALENDAR.is_working_day(date(2026, 8, 3))  # Scotland's summer bank holiday: a working day here
    assert CALENDAR.is_working_day(date(2026, 1, 2))  # Scotland's 2 January: a working day here
    assert not CALENDAR.is_working_day(date(2027, 12, 28))  # Boxing Day observed
    assert not CALENDAR.is_working_day(date(2035, 12, 25))  # years expand on demand


def test_a_calendar_can_be_configured_and_refuses_nonsense() -> None:
    late = WorkingCalendar(day_start=time(10, 0), day_end=time(18, 0), bank_holidays=set())
    assert late.add_working_hours(london(2026, 5, 22, 17, 0), 2) == london(2026, 5, 25, 11, 0).astimezone(UTC)
    with pytest.raises(ValueError):
        WorkingCalendar(day_start=time(17, 0), day_end=time(9, 0))
    with pytest.raises(ValueError):
        CALENDAR.add_working_hours(datetime(2026, 5, 22, 10, 0), 1)  # naive: refused, not guessed
    with pytest.raises(ValueError):
        CALENDAR.add_working_hours(london(2026, 5, 22, 10, 0), -1)
