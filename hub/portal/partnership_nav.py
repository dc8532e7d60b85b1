"""Menu entries and home pages of the partnership's own people: managers, scrutineers and CDOP members."""

from __future__ import annotations

from hub.domain.actor import Actor, Role

STATISTICS = ("Partnership statistics", "/portal/partnership/statistics")
REVIEWS = ("Serious incidents", "/portal/partnership/reviews")
CDOP = ("Child death review", "/portal/cdop")


def partnership_nav(actor: Actor) -> list[tuple[str, str]]:
    entries = []
    if actor.roles & {Role.PARTNERSHIP_MANAGER, Role.SCRUTINEER}:
        entries.append(STATISTICS)
    if Role.PARTNERSHIP_MANAGER in actor.roles:
        entries.append(REVIEWS)
    if Role.CDOP_MEMBER in actor.roles:
        entries.append(CDOP)
    return entries


def partnership_home(actor: Actor) -> str | None:
    entries = partnership_nav(actor)
    return entries[0][1] if entries else None
