"""Blocking keys: a person is compared only with children who share at least one key.

A child is indexed under its date of birth with the soundex of each name, and under the soundex of both
names with two of the three parts of the date of birth. A lookup asks for the same keys, and also for the
date with day and month transposed and for the names swapped, so that a typo in one field, a transposed
date or swapped names still meet the right child, while a block stays a handful of children in a million.
"""

from __future__ import annotations

from datetime import date

from hub.identity.demographics import Normalised


def index_keys(person: Normalised) -> set[str]:
    """The keys a child is stored under."""
    if person.dob is None:
        return {f"u:{person.family_sx}:{person.given_sx}"}  # unborn or undated: names only
    return _dob_keys(person.dob, person.family_sx, person.given_sx) | _name_keys(
        person.dob, person.family_sx, person.given_sx
    )


def lookup_keys(person: Normalised) -> set[str]:
    """The keys to look a person up by: the index keys, with the date transposed and the names swapped."""
    if person.dob is None:
        return {f"u:{person.family_sx}:{person.given_sx}", f"u:{person.given_sx}:{person.family_sx}"}
    dates = {person.dob}
    if person.dob.day <= 12 and person.dob.day != person.dob.month:
        dates.add(date(person.dob.year, person.dob.day, person.dob.month))
    keys: set[str] = set()
    for born in dates:
        keys |= _dob_keys(born, person.family_sx, person.given_sx)
    keys |= _name_keys(person.dob, person.family_sx, person.given_sx)
    keys |= _name_keys(person.dob, person.given_sx, person.family_sx)
    return keys


def _dob_keys(born: date, family_sx: str, given_sx: str) -> set[str]:
    day = born.strftime("%Y%m%d")
    return {f"d:{day}:{family_sx}", f"d:{day}:{given_sx}"}


def _name_keys(born: date, family_sx: str, given_sx: str) -> set[str]:
    names = f"{family_sx}:{given_sx}"
    return {f"ym:{names}:{born:%Y%m}", f"yd:{names}:{born:%Y%d}", f"md:{names}:{born:%m%d}"}
