"""Codes in the words a person reads: notices are read by practitioners, not parsed by programs.

>>> plain_words(["ATTENDANCE_CONCERN", "MISSING_EPISODE"])
'attendance concern, missing episode'
>>> rating_words("AMBER")
'Amber'
"""

from __future__ import annotations

from collections.abc import Iterable


def plain_words(categories: Iterable[str]) -> str:
    return ", ".join(str(category).replace("_", " ").lower() for category in categories)


def rating_words(rating: str) -> str:
    return str(rating).capitalize()
