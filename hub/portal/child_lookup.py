"""What an IG officer typed to identify a child for an access review, checked before anything is looked up:
an NHS number, or given name, family name and date of birth, or the hub id an audit event links to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hub.door import Door
from hub.portal import forms
from hub.services.review_subjects import (
    ChildIdentity,
    identify_by_details,
    identify_by_id,
    identify_by_nhs_number,
)

NOTHING_ENTERED = "Enter the child's NHS number, or their given name, family name and date of birth"


@dataclass(frozen=True)
class ChildLookup:
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    child_id: str = ""
    nhs_number: str = ""
    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None

    @classmethod
    def of(cls, query: Mapping[str, Any], today: date) -> ChildLookup:
        values: dict[str, Any] = {key: forms.text(query, key) for key in ("child", "nhs", "given", "family")}
        values["dob"] = forms.date_parts(query, "dob")
        errors: dict[str, str] = {}
        born = None
        by_details = any((values["given"], values["family"], *values["dob"].values()))
        if values["child"] or values["nhs"]:
            pass  # checked by the lookup itself: only the hub knows whether it is a child's
        elif by_details:
            if not values["given"]:
                errors["given"] = "Enter the child's given name"
            if not values["family"]:
                errors["family"] = "Enter the child's family name"
            born, problem = forms.parse_date(values["dob"], "the child's date of birth", today)
            if problem:
                errors["dob"] = problem
            elif born is not None and born > today:
                errors["dob"] = "The child's date of birth must be in the past"
        elif "nhs" in query:  # the form was sent empty
            errors["nhs"] = NOTHING_ENTERED
        return cls(values, errors, values["child"], values["nhs"], values["given"], values["family"], born)

    @property
    def by_details(self) -> bool:
        return not (self.child_id or self.nhs_number) and self.date_of_birth is not None

    @property
    def error_field(self) -> str:
        return "given" if self.by_details else "nhs"

    def identify(self, door: Door) -> list[ChildIdentity] | None:
        """The child or children this may be; None when nothing was asked yet. Raises NotFoundError or
        ValidationError (with a message for the officer) when the input is no child's."""
        if self.child_id:
            return [identify_by_id(door, self.child_id)]
        if self.nhs_number:
            return [identify_by_nhs_number(door, self.nhs_number)]
        if self.date_of_birth is not None:
            return identify_by_details(door, self.given_name, self.family_name, self.date_of_birth)
        return None
