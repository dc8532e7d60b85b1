"""NHS numbers: ten digits whose last is a Modulus 11 check digit."""

from __future__ import annotations

from hub.errors import ValidationError


class InvalidNhsNumberError(ValidationError):
    code = "INVALID_NHS_NUMBER"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="nhsNumber")


def normalise_nhs_number(raw: str) -> str:
    """Return the ten digits of ``raw`` (spaces and dashes allowed, as printed on letters) or raise.

    >>> normalise_nhs_number("999 000 0018")
    '9990000018'
    """
    digits = raw.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        raise InvalidNhsNumberError("An NHS number has exactly ten digits.")
    if check_digit(digits[:9]) != int(digits[9]):
        raise InvalidNhsNumberError("This is not a valid NHS number: its check digit does not match.")
    return digits


def check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for nine digits, or None when no valid number can end them."""
    total = sum(int(d) * weight for d, weight in zip(first_nine, range(10, 1, -1), strict=True))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    if digit == 10:
        return None
    return digit


def is_valid_nhs_number(raw: str) -> bool:
    try:
        normalise_nhs_number(raw)
    except InvalidNhsNumberError:
        return False
    return True
