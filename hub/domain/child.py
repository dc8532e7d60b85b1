"""A child as the hub knows them, and what finding one reveals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from hub.domain.record import AgencyContact


@dataclass(frozen=True)
class ChildView:
    """A child's identity as released to an actor. ``postcode`` is None when the address is withheld."""

    id: str
    nhs_number: str | None
    given_name: str
    family_name: str
    date_of_birth: date | None
    sex: str | None
    postcode: str | None
    address_withheld: bool
    identified_by_nhs_number: bool = False  # how the caller named the child (unscheduled care reads flags so)


class MatchConfidence(StrEnum):
    """How sure a FIND is, in coarse bands: a score to the hundredth would let a caller watch it move with each
    guessed detail and so learn details they may not read."""

    HIGH = "HIGH"  # an exact NHS number, or every detail agreeing, address included
    MEDIUM = "MEDIUM"  # names and date of birth agree
    LOW = "LOW"  # a possible match: check with the agencies before relying on it


@dataclass(frozen=True)
class ChildMatch:
    """FIND before FETCH: that a child is known, and who to contact; never content."""

    child_id: str
    confidence: MatchConfidence
    involved_agencies: tuple[AgencyContact, ...]
