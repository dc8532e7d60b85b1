"""What the policy sees of the partnership's own work: arrangements, serious incidents and their reviews,
lessons, child deaths and the child death overview panel's statistics. Plain facts without ids, like
``hub.domain.access``, so decisions are memoised."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArrangementFacts:
    published: bool  # the version in force, which anyone may read
    own_partnership: bool  # the actor's agency belongs to the partnership
    lead_partner_agency: bool  # the actor's agency is one of the partnership's three lead partners


@dataclass(frozen=True)
class IncidentFacts:
    """A serious incident and its rapid review, as they relate to the actor."""

    own_partnership: bool
    notifying_agency: bool  # the actor's agency recorded and notifies it
    assigned_reviewer: bool  # the actor is one of the review's reviewers
    asked_agency: bool  # the actor's agency was asked for its agency summary
    notified: bool  # notified to the national panel


@dataclass(frozen=True)
class LessonFacts:
    own_partnership: bool  # the lesson is from one of the actor's partnerships


@dataclass(frozen=True)
class ChildDeathFacts:
    in_cdop: bool  # the child lived in an area the actor's child death overview panel covers
    notifying_agency: bool  # the actor's agency notified the death
    asked_agency: bool  # the actor's agency was asked for its reporting form


@dataclass(frozen=True)
class CdopScope:
    """A child death overview panel's statistics or export."""

    member: bool  # the panel covers one of the actor's partnerships
