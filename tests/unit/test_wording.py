"""Notices are read by people: codes become words."""

from __future__ import annotations

from hub.domain.wording import plain_words, rating_words


def test_codes_read_as_words() -> None:
    assert plain_words(["ATTENDANCE_CONCERN", "MISSING_EPISODE"]) == "attendance concern, missing episode"
    assert rating_words("AMBER") == "Amber"
    assert rating_words("RED") == "Red"
