from __future__ import annotations

import pytest

from hub.demo import nhs_numbers
from hub.domain.nhs_number import (
    InvalidNhsNumberError,
    check_digit,
    is_valid_nhs_number,
    normalise_nhs_number,
)


def test_the_published_worked_example() -> None:
    # NHS Digital's worked example: 943 476 5919 is valid.
    assert normalise_nhs_number("943 476 5919") == "9434765919"
    assert check_digit("943476591") == 9


@pytest.mark.parametrize("raw", ["9434765918", "943476591", "94347659199", "94347659A9", "", "943-476-591 X"])
def test_invalid_numbers_are_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(InvalidNhsNumberError) as raised:
        normalise_nhs_number(raw)
    assert raised.value.field == "nhsNumber"
    assert raised.value.message


def test_a_remainder_of_ten_has_no_valid_number() -> None:
    # Such nine-digit stems can never be completed into a valid number.
    stems = [f"{n:09d}" for n in range(999_000_000, 999_000_200) if check_digit(f"{n:09d}") is None]
    assert stems, "the range should contain stems whose check digit would be 10"
    assert not any(is_valid_nhs_number(stem + str(d)) for stem in stems for d in range(10))


def test_demo_numbers_are_in_the_test_range_and_valid() -> None:
    numbers = [number for number, _ in zip(nhs_numbers(), range(500), strict=False)]
    assert all(n.startswith("999") and is_valid_nhs_number(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
