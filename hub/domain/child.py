"""A child as the hub knows them, and what finding one reveals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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


@dataclass(frozen=True)
class ChildMatch:
    """FIND before FETCH: that a child is known, and who to contact; never content."""

    child_id: str
    confidence: float
    involved_agencies: tuple[AgencyContact, ...]
