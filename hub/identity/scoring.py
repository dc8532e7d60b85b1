"""How alike two people's details are, as a score from 0 to 1 with the reasons.

Points in the spirit of Fellegi and Sunter: agreement on a rare, reliable field earns more than agreement on
a common one, and disagreement costs. Names and the date of birth carry the weight; sex and postcode only
confirm. A fuzzy agreement (a typo, a transposed date) earns part of the points, never all of them, so two
fuzzy agreements cannot reach the auto-link threshold on their own: twins (same family name, birthday and
address, different given names) score well below it.

Two valid NHS numbers that differ mean two different people, whatever else agrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import JaroWinkler

from hub.identity.demographics import Normalised, postcode_parts

GIVEN, FAMILY, DOB, SEX, POSTCODE = 3.0, 3.0, 4.0, 0.5, 1.5
MAXIMUM = GIVEN + FAMILY + DOB + SEX + POSTCODE
CLOSE_SPELLING = 0.92  # Jaro-Winkler similarity treated as a likely typo


@dataclass(frozen=True)
class Score:
    value: float  # 0..1
    reasons: tuple[str, ...]


def score(query: Normalised, candidate: Normalised) -> Score:
    if query.nhs_number and candidate.nhs_number and query.nhs_number != candidate.nhs_number:
        return Score(0.0, ("different NHS numbers",))
    reasons: list[str] = []
    names = _names(query, candidate, reasons)
    points = names + _dob(query.dob, candidate.dob, reasons) + _sex(query, candidate, reasons)
    points += _postcode(query.postcode, candidate.postcode, reasons)
    return Score(max(0.0, min(1.0, points / MAXIMUM)), tuple(reasons))


def _names(query: Normalised, candidate: Normalised, reasons: list[str]) -> float:
    straight = (_given(query, candidate), _family(query, candidate))
    swapped = _swapped(query, candidate)
    if swapped > straight[0] + straight[1]:
        reasons.append("given and family names swapped")
        return swapped
    given, family = straight
    reasons.append(_say("given name", given, GIVEN))
    reasons.append(_say("family name", family, FAMILY))
    return given + family


def _given(query: Normalised, candidate: Normalised) -> float:
    if not query.given or not candidate.given:
        return 0.0
    if query.given == candidate.given:
        return GIVEN
    if JaroWinkler.similarity(query.given_folded, candidate.given_folded) >= CLOSE_SPELLING:
        return GIVEN / 3
    return -2.0


def _family(query: Normalised, candidate: Normalised) -> float:
    if query.family == candidate.family:
        return FAMILY
    if query.family_tokens & candidate.family_tokens:  # "Smith" and "Smith-Jones"
        return FAMILY * 2 / 3
    if JaroWinkler.similarity(query.family, candidate.family) >= CLOSE_SPELLING:
        return FAMILY / 2
    return -2.0


def _swapped(query: Normalised, candidate: Normalised) -> float:
    """Both names recorded the wrong way round: "Khan Ali" for "Ali Khan"."""
    if (
        query.given_folded
        and query.given_folded == candidate.family
        and candidate.given_folded == query.family
    ):
        return (GIVEN + FAMILY) * 0.85
    return -10.0


def _dob(query: date | None, candidate: date | None, reasons: list[str]) -> float:
    if query is None or candidate is None:
        reasons.append("date of birth missing")
        return 0.0
    if query == candidate:
        reasons.append("date of birth agrees")
        return DOB
    if (query.day, query.month, query.year) == (candidate.month, candidate.day, candidate.year):
        reasons.append("date of birth with day and month transposed")
        return DOB / 2
    a, b = query.strftime("%Y%m%d"), candidate.strftime("%Y%m%d")
    if sum(x != y for x, y in zip(a, b, strict=True)) == 1:
        reasons.append("date of birth one digit apart")
        return DOB / 2
    reasons.append("date of birth differs")
    return -DOB


def _sex(query: Normalised, candidate: Normalised, reasons: list[str]) -> float:
    if not query.sex or not candidate.sex:
        return 0.0
    if query.sex == candidate.sex:
        return SEX
    reasons.append("sex differs")
    return -2.0


def _postcode(query: str, candidate: str, reasons: list[str]) -> float:
    if not query or not candidate:
        return 0.0
    if query == candidate:
        reasons.append("postcode agrees")
        return POSTCODE
    (q_district, q_sector), (c_district, c_sector) = postcode_parts(query), postcode_parts(candidate)
    if q_sector == c_sector:
        reasons.append("postcode sector agrees")
        return POSTCODE * 2 / 3
    if q_district == c_district:
        reasons.append("postcode district agrees")
        return POSTCODE / 3
    return 0.0  # families move: a different postcode is no evidence of a different child


def about_address(reason: str) -> bool:
    """Whether a reason tells how the address compared (a withheld address must not be described)."""
    return reason.startswith("postcode")


def _say(field: str, points: float, full: float) -> str:
    if points >= full:
        return f"{field} agrees"
    if points > 0:
        return f"{field} similar"
    return f"{field} missing" if points == 0 else f"{field} differs"
