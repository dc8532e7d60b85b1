"""Small-number suppression, the Operation Encompass notice, and webhook backoff: pure pieces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hub.domain.encompass import IncidentNotice, check_notice, compose
from hub.domain.statistics import suppress
from hub.errors import ValidationError
from hub.worker.webhooks import backoff

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 5, 22, 21, 0, tzinfo=UTC)


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (123, "123")])
def test_counts_from_one_to_four_are_suppressed(count: int, shown: str) -> None:
    assert suppress(count) == shown


def notice(**changes: object) -> IncidentNotice:
    fields = {"child_id": "c", "police_reference": "NB-1", "occurred_at": datetime(2026, 5, 22, 20, 10, tzinfo=UTC),
              "location": "The family home", "child_present": True, "child_location": "upstairs",
              "circumstances": "Argument; father arrested.", "child_spoken_to": True,
              "child_account": "She heard shouting.", "do_not_approach_parents": True}
    return IncidentNotice(**{**fields, **changes})  # type: ignore[arg-type]


def test_the_notice_carries_every_statutory_field_and_the_instruction() -> None:
    text = compose(check_notice(notice(), NOW), LONDON)
    for part in ("Police reference: NB-1", "Friday 22 May 2026 at 21:10", "The family home",
                 "Child present: yes, upstairs", "they said: She heard shouting.", "Argument; father arrested.",
                 "DO NOT APPROACH PARENTS"):
        assert part in text, part
    assert "DO NOT APPROACH" not in compose(check_notice(notice(do_not_approach_parents=False), NOW), LONDON)


@pytest.mark.parametrize(("changes", "field"), [
    ({"police_reference": " "}, "policeReference"), ({"location": ""}, "location"),
    ({"circumstances": ""}, "circumstances"), ({"child_location": None}, "childLocation"),
    ({"child_account": " "}, "childAccount"), ({"occurred_at": NOW + timedelta(hours=1)}, "occurredAt"),
    ({"occurred_at": datetime(2026, 5, 22, 20, 0)}, "occurredAt"), ({"circumstances": "x" * 601}, "circumstances"),
])
def test_a_notice_missing_what_the_school_needs_is_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_notice(notice(**changes), NOW)
    assert refused.value.field == field


def test_webhook_retries_back_off_exponentially_up_to_an_hour() -> None:
    assert [backoff(n, 30).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(20, 30) == timedelta(hours=1)
