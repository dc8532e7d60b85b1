"""A person's identifying details, normalised once for blocking and scoring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hub.identity.names import canonical_given, compact, fold, soundex


@dataclass(frozen=True)
class Demographics:
    given_name: str
    family_name: str
    date_of_birth: date | None
    sex: str | None = None
    postcode: str | None = None
    nhs_number: str | None = None

    def normalised(self) -> Normalised:
        return Normalised.of(self)


@dataclass(frozen=True)
class Normalised:
    given: str  # canonical first given name: "bob" -> "robert"
    given_folded: str
    family: str  # compact folded family name
    family_tokens: frozenset[str]  # parts of a double-barrelled name
    given_sx: str
    family_sx: str
    dob: date | None
    sex: str | None
    postcode: str  # upper case, no spaces
    nhs_number: str | None

    @classmethod
    def of(cls, person: Demographics) -> Normalised:
        given = canonical_given(person.given_name)
        return cls(
            given=given,
            given_folded=fold(person.given_name).split(" ")[0] if fold(person.given_name) else "",
            family=compact(person.family_name),
            family_tokens=frozenset(fold(person.family_name).split()),
            given_sx=soundex(given),
            family_sx=soundex(person.family_name),
            dob=person.date_of_birth,
            sex=person.sex.lower() if person.sex else None,
            postcode=(person.postcode or "").replace(" ", "").upper(),
            nhs_number=person.nhs_number,
        )


def postcode_parts(postcode: str) -> tuple[str, str]:
    """(district, sector) of a compact postcode: "NB12BD" -> ("NB1", "NB12")."""
    if len(postcode) < 5:
        return postcode, postcode
    inward = postcode[-3:]
    outward = postcode[:-3]
    return outward, outward + inward[0]
