"""The synthetic children of Northbridge, as the agency simulators know them.

The same people as ``hub demo``: the named children (Amelia Hart, Noah Price, Leo Walsh, Jade Okafor and
her unborn child) with the same NHS numbers, dates of birth and postcodes, and a deterministic cohort.
Every person and number is invented; NHS numbers come from the 999 range reserved for testing and pass the
Modulus 11 check. Each agency records people its own way (``as_known_by``): the NHS holds the NHS number,
a school the legal and preferred names, the police spell names as they were given at the door — which is
what identity matching has to cope with.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from hub.adapters.contract import is_valid_nhs_number

TODAY = date(2026, 11, 2)  # the demo's day (hub/demo.py), so the simulators' dates agree with it
PRIMARY_URN, ACADEMY_URN = "190001", "190002"
GIVEN = [
    "Amelia",
    "Noah",
    "Olivia",
    "Leo",
    "Isla",
    "Oliver",
    "Ava",
    "Arthur",
    "Mia",
    "Muhammad",
    "Ivy",
    "George",
    "Freya",
    "Theo",
    "Lily",
    "Harry",
    "Willow",
    "Jack",
    "Grace",
    "Oscar",
    "Zara",
    "Ali",
    "Maya",
    "Kacper",
    "Aisha",
    "Ethan",
    "Chloe",
    "Reuben",
    "Sofia",
    "Dylan",
]
FAMILY = [
    "Hart",
    "Price",
    "Walsh",
    "Khan",
    "Nowak",
    "Okafor",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Evans",
    "Patel",
    "Begum",
    "Murphy",
    "Hughes",
    "Green",
    "Wood",
    "Hall",
    "Clarke",
]
POSTCODES = ["NB1 1AA", "NB1 2BD", "NB2 4QT", "NB3 7HX", "NB4 2LP", "NB5 9RS"]
# How a name may be written down by someone who heard it rather than read it.
SPOKEN_VARIANTS = {
    "Muhammad": "Mohammed",
    "Oliver": "Ollie",
    "Theo": "Theodore",
    "Olivia": "Liv",
    "Sofia": "Sophia",
    "Aisha": "Ayesha",
    "Zara": "Zahra",
    "Harry": "Henry",
    "Isla": "Isla",
    "Jack": "Jack",
    "Ali": "Aly",
}


@dataclass(frozen=True)
class Child:
    key: str  # stable across simulators: the population's own id
    nhs_number: str | None
    given: str
    family: str
    born: date | None
    sex: str | None
    postcode: str
    school_urn: str | None = None
    roll_since: date | None = None
    mother: Child | None = None
    address_withheld: bool = False
    police_spelling: str | None = None  # the given name as the police recorded it, when it differs
    police_dob_transposed: bool = False  # day and month swapped in the police record
    social_care_has_nhs_number: bool = True

    def as_known_by_police(self) -> Child:
        born = self.born
        if self.police_dob_transposed and born is not None and born.day <= 12:
            born = date(born.year, born.day, born.month)
        return replace(self, given=self.police_spelling or self.given, born=born, nhs_number=None)


def nhs_numbers() -> Iterator[str]:
    for body in range(999_000_000, 1_000_000_000):
        for digit in range(10):
            if is_valid_nhs_number(f"{body}{digit}"):
                yield f"{body}{digit}"
                break


def named_children() -> dict[str, Child]:
    numbers = nhs_numbers()
    amelia = Child(
        "amelia",
        next(numbers),
        "Amelia",
        "Hart",
        date(2017, 3, 14),
        "female",
        "NB1 2BD",
        PRIMARY_URN,
        date(2021, 9, 1),
    )
    noah = Child(
        "noah",
        next(numbers),
        "Noah",
        "Price",
        date(2012, 8, 2),
        "male",
        "NB3 7HX",
        ACADEMY_URN,
        date(2023, 9, 4),
    )
    leo = Child(
        "leo",
        next(numbers),
        "Leo",
        "Walsh",
        date(2015, 11, 20),
        "male",
        "NB4 2LP",
        PRIMARY_URN,
        date(2025, 2, 3),
        address_withheld=True,
    )
    jade = Child(
        "jade",
        next(numbers),
        "Jade",
        "Okafor",
        date(2010, 5, 9),
        "female",
        "NB2 4QT",
        ACADEMY_URN,
        date(2021, 9, 6),
    )
    unborn = Child("jade-unborn", None, "Unborn", "Okafor", None, None, "NB2 4QT", mother=jade)
    return {c.key: c for c in (amelia, noah, leo, jade, unborn)}


def cohort(size: int = 200) -> list[Child]:
    """Deterministic synthetic children, numbered after the twenty NHS numbers the named ones may use."""
    rng = random.Random(20161)  # noqa: S311 - synthetic data, fixed so every simulator agrees
    numbers = nhs_numbers()
    for _ in range(20):
        next(numbers)
    children = []
    for index in range(size):
        age = rng.randint(4, 15)
        born = TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
        given = rng.choice(GIVEN)
        urn = PRIMARY_URN if age <= 10 else ACADEMY_URN
        on_roll = rng.random() < 0.97  # a few are home-educated: on no roll
        children.append(
            Child(
                key=f"c{index:04d}",
                nhs_number=next(numbers),
                given=given,
                family=rng.choice(FAMILY),
                born=born,
                sex=rng.choice(["female", "male"]),
                postcode=rng.choice(POSTCODES),
                school_urn=urn if on_roll else None,
                roll_since=TODAY - timedelta(days=rng.randint(60, 2000)) if on_roll else None,
                police_spelling=SPOKEN_VARIANTS.get(given) if rng.random() < 0.5 else None,
                police_dob_transposed=rng.random() < 0.04,
                social_care_has_nhs_number=rng.random() < 0.85,
            )
        )
    return children


def facts_rng(child: Child, agency: str) -> random.Random:
    """A generator per child and agency, so each simulator's fixtures stay stable as others change."""
    return random.Random(f"{child.key}:{agency}")  # noqa: S311 - synthetic data
