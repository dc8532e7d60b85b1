"""Menu entries and home pages of the partnership's own people: managers, scrutineers and CDOP members."""

from __future__ import annotations

from hub.domain.actor import Actor, Role

STATISTICS = ("Partnership statistics", "/portal/partnership/statistics")
REVIEWS = ("Serious incidents", "/portal/partnership/reviews")
CDOP = ("Child death review", "/portal/cdop")
ARRANGEMENTS = ("Arrangements", "/portal/partnership/arrangements")
LESSONS = ("Lessons from reviews", "/portal/lessons")


def partnership_nav(actor: Actor) -> list[tuple[str, str]]:
    entries = []
    if actor.roles & {Role.PARTNERSHIP_MANAGER, Role.SCRUTINEER}:
        entries.append(STATISTICS)
    if Role.PARTNERSHIP_MANAGER in actor.roles:
        entries.append(REVIEWS)
    if Role.CDOP_MEMBER in actor.roles:
        entries.append(CDOP)
    if actor.roles & {Role.PARTNERSHIP_MANAGER, Role.LEAD_PARTNER_SIGNATORY}:
        entries.append(ARRANGEMENTS)
    return entries


def lessons_nav(actor: Actor) -> list[tuple[str, str]]:
    """Lessons from reviews: for every practitioner of a partnership (the services decide what each reads)."""
    return [LESSONS] if actor.partnership_ids and Role.ADAPTER not in actor.roles else []


def partnership_home(actor: Actor) -> str | None:
    entries = partnership_nav(actor)
    return entries[0][1] if entries else None
