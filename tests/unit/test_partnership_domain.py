"""The partnership's domain rules: working-day countdowns, the de-identification of lessons and of what the
child death panel reads, the national form's modifiability, age bands and suppressed rates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hub.domain.child_death import (
    AgeBand,
    AnalysisDraft,
    DeathCategory,
    FactorContribution,
    FactorDomain,
    FactorJudgement,
    Modifiability,
    age_band,
    check_analysis,
    modifiability,
    rate_cell,
    strike_names,
)
from hub.domain.practice_review import (
    IncidentDraft,
    IncidentKind,
    LessonDraft,
    LessonTheme,
    add_working_days,
    check_incident,
    check_lesson,
    countdown,
)
from hub.domain.working_time import WorkingCalendar
from hub.errors import ValidationError

LONDON = ZoneInfo("Europe/London")
CALENDAR = WorkingCalendar()


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_five_working_days_from_awareness_skip_weekends_and_bank_holidays() -> None:
    assert add_working_days(CALENDAR, at(2026, 6, 15, 8, 30), 5) == at(2026, 6, 22, 17, 0)  # Monday to Monday
    assert add_working_days(CALENDAR, at(2026, 6, 19, 23, 0), 5) == at(2026, 6, 26, 17, 0)  # a Friday night
    # Christmas: the 25th, Boxing Day's substitute (the 28th) and New Year's Day do not count.
    assert add_working_days(CALENDAR, at(2026, 12, 23, 10, 0), 5) == at(2027, 1, 4, 17, 0)
    # The rapid review: 15 working days after the notification.
    assert add_working_days(CALENDAR, at(2026, 6, 22, 10, 0), 15) == at(2026, 7, 13, 17, 0)


def test_the_countdown_shows_working_days_left_and_when_it_is_overdue() -> None:
    due = add_working_days(CALENDAR, at(2026, 6, 15, 8, 30), 5)
    assert countdown(CALENDAR, at(2026, 6, 15, 10, 0), due, None).working_days_left == 5
    assert countdown(CALENDAR, at(2026, 6, 20, 10, 0), due, None).working_days_left == 1  # Saturday
    due_day = countdown(CALENDAR, at(2026, 6, 22, 16, 0), due, None)
    assert (due_day.working_days_left, due_day.overdue) == (0, False)
    assert countdown(CALENDAR, at(2026, 6, 22, 17, 1), due, None).overdue
    met = countdown(CALENDAR, at(2026, 6, 30, 9, 0), due, at(2026, 6, 18, 12, 0))
    assert (met.overdue, met.met_on_time) == (False, True)


def test_one_notification_covers_at_most_four_children_and_no_future_awareness() -> None:
    now = at(2026, 6, 15, 10, 0)
    with pytest.raises(ValidationError, match="at most 4"):
        check_incident(IncidentDraft(("a", "b", "c", "d", "e"), IncidentKind.DEATH, now, "A serious incident."), now)
    with pytest.raises(ValidationError, match="future"):
        check_incident(IncidentDraft(("a",), IncidentKind.DEATH, at(2026, 6, 16, 9, 0), "A serious incident."), now)
    assert check_incident(IncidentDraft(("a", "a"), IncidentKind.SERIOUS_HARM, now, "  Serious harm.  "),
                          now).child_ids == ("a",)


def test_a_lesson_naming_a_child_of_its_review_is_refused() -> None:
    draft = LessonDraft("Hear the child", "Practitioners did not speak with Amelia alone before the plan ended.",
                        (LessonTheme.VOICE_OF_THE_CHILD,), ("police",))
    with pytest.raises(ValidationError, match="Amelia"):
        check_lesson(draft, ["Amelia", "Hart"])
    assert check_lesson(draft, ["Noah", "Price"]).title == "Hear the child"
    assert check_lesson(LessonDraft("Hart of it", "Agencies should share earlier and say why they share.",
                                    (LessonTheme.INFORMATION_SHARING,), ("x",)), ["Hartley"]).title == "Hart of it"


def test_the_panel_reads_what_agencies_wrote_with_the_childs_names_struck() -> None:
    text = "Amelia Hart was seen by the health visitor; AMELIA's weight had fallen. Hartley Road clinic."
    assert strike_names(text, ["Amelia", "Hart"]) == (
        "[the child] [the child] was seen by the health visitor; [the child]'s weight had fallen. Hartley Road clinic.")


def test_modifiable_factors_in_any_domain_make_the_death_modifiable() -> None:
    def analysis(contribution: FactorContribution, sufficient: bool = True) -> AnalysisDraft:
        return check_analysis(AnalysisDraft(DeathCategory.SUDDEN_UNEXPECTED_UNEXPLAINED_DEATH, tuple(
            FactorJudgement(domain, contribution if domain == FactorDomain.SOCIAL_ENVIRONMENT
                            else FactorContribution.NONE_IDENTIFIED, "Unsafe sleeping arrangement.")
            for domain in FactorDomain), "Safer sleep advice at every contact.", sufficient))

    modifiable = analysis(FactorContribution.MAY_HAVE_CONTRIBUTED)
    assert modifiability(modifiable) == Modifiability.MODIFIABLE_FACTORS_IDENTIFIED
    assert modifiability(analysis(FactorContribution.NONE_IDENTIFIED)) == Modifiability.NO_MODIFIABLE_FACTORS
    assert modifiability(analysis(FactorContribution.NONE_IDENTIFIED, False)) == Modifiability.INSUFFICIENT_INFORMATION
    with pytest.raises(ValidationError, match="each domain once"):
        check_analysis(AnalysisDraft(DeathCategory.INFECTION, (
            FactorJudgement(FactorDomain.CHILD, FactorContribution.NONE_IDENTIFIED),), "Learning recorded."))
    assert DeathCategory.DELIBERATELY_INFLICTED_INJURY_ABUSE_OR_NEGLECT.number == 1
    assert DeathCategory.SUDDEN_UNEXPECTED_UNEXPLAINED_DEATH.number == 10


def test_age_bands_and_rates_per_100000_with_small_numbers_suppressed() -> None:
    assert age_band(date(2026, 6, 1), date(2026, 6, 20)) == AgeBand.UNDER_28_DAYS
    assert age_band(date(2025, 9, 1), date(2026, 6, 20)) == AgeBand.DAYS_28_TO_364
    assert age_band(date(2012, 6, 21), date(2026, 6, 20)) == AgeBand.YEARS_10_TO_14
    assert age_band(None, date(2026, 6, 20)) == AgeBand.NOT_KNOWN
    assert (rate_cell("x", 3, 50_000).count, rate_cell("x", 3, 50_000).rate_per_100k) == ("<5", "<5")
    assert (rate_cell("x", 12, 80_000).count, rate_cell("x", 12, 80_000).rate_per_100k) == ("12", "15.0")
    assert (rate_cell("x", 0, 80_000).count, rate_cell("x", 0, 80_000).rate_per_100k) == ("0", "0.0")


def test_a_local_review_is_due_six_calendar_months_on() -> None:
    from hub.domain.practice_review import months_after

    assert months_after(date(2026, 6, 22), 6) == date(2026, 12, 22)
    assert months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert months_after(date(2027, 8, 31), 6) == date(2028, 2, 29)
