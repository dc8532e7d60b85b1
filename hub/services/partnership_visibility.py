"""Lists of the partnership's work filtered in SQL by what the policy allows: the policy is asked once for
every combination of the facts that vary by row, and the combinations it permits become one condition."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import product

from sqlalchemy import ColumnElement, and_, false, not_, or_

from hub.door import Door, Subject
from hub.policy import Resource


def visible(door: Door, subject: Subject, action: str, facts: Callable[..., Resource],
            relations: Mapping[str, ColumnElement[bool]]) -> ColumnElement[bool]:
    names = list(relations)
    cases = []
    for values in product((False, True), repeat=len(names)):
        if door.decide(action, facts(**dict(zip(names, values, strict=True))), subject, audit=False).allowed:
            cases.append(and_(*(relations[name] if value else not_(relations[name])
                                for name, value in zip(names, values, strict=True))))
    return or_(*cases) if cases else false()
