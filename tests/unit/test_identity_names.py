"""Name normalisation and scoring: the pure parts of identity matching."""

from __future__ import annotations

from datetime import date

import pytest

from hub.identity.demographics import Demographics
from hub.identity.matcher import AUTO_LINK, REVIEW, Candidate, Outcome, decide
from hub.identity.names import canonical_given, compact, fold, soundex
from hub.identity.scoring import score

BORN = date(2015, 3, 4)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bob", "Robert"),
        ("Kate", "Katherine"),
        ("Mohammed", "Muhammad"),
        ("Mohammad", "MUHAMMAD"),
        ("Zoë", "zoe"),
        ("Ollie", "Oliver"),
    ],
)
def test_variants_share_one_canonical_given_name(a: str, b: str) -> None:
    assert canonical_given(a) == canonical_given(b)


def test_folding_transliterates_and_drops_punctuation() -> None:
    assert fold("O'Brien-Zoë") == "o brien zoe"
    assert compact("Smith-Jones") == compact("Smith Jones") == "smithjones"
    assert fold("Łukasz") == "lukasz"
    assert soundex("Robert") == soundex("Rupert") == "R163"


def person(
    given: str = "Muhammad",
    family: str = "Khan",
    born: date | None = BORN,
    sex: str | None = "male",
    postcode: str | None = "NB1 2BD",
    nhs: str | None = None,
) -> Demographics:
    return Demographics(given, family, born, sex, postcode, nhs)


@pytest.mark.parametrize(
    ("other", "band"),
    [
        (person("Mohammed", "KHAN"), "link"),  # transliteration variant, upper case family name
        (person("Khan", "Muhammad"), "link"),  # names swapped
        (person(postcode="NB1 2ZZ"), "link"),  # moved within the sector
        (person(born=date(2015, 4, 3)), "review"),  # day and month transposed
        (person(born=date(2015, 3, 5)), "review"),  # one digit of the date wrong
        (person("Muhamad"), "review"),  # a typo in the given name
        (person(sex=None, postcode=None), "review"),  # names and date only: not enough to link unseen
        (person("Ali"), "new"),  # a twin: same family, birthday and address, another given name
        (person(born=date(2013, 9, 21)), "new"),  # same name, another child
    ],
)
def test_scores_fall_in_the_expected_band(other: Demographics, band: str) -> None:
    value = score(person().normalised(), other.normalised()).value
    expected = {"link": value >= AUTO_LINK, "review": REVIEW <= value < AUTO_LINK, "new": value < REVIEW}
    assert expected[band], f"{other} scored {value:.3f}"


def test_different_valid_nhs_numbers_are_different_children_whatever_else_agrees() -> None:
    a, b = person(nhs="9990000018").normalised(), person(nhs="9990000026").normalised()
    assert score(a, b).value == 0.0


def test_two_strong_candidates_too_close_to_call_are_queued_not_linked() -> None:
    close = decide((Candidate("a", 0.95, ()), Candidate("b", 0.93, ())))
    assert close.outcome == Outcome.REVIEW and close.child_id is None
    clear = decide((Candidate("a", 0.95, ()), Candidate("b", 0.70, ())))
    assert clear.outcome == Outcome.LINK and clear.child_id == "a"
