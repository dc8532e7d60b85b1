"""The identity resolution queue: people an agency holds whom the hub could not match with confidence."""

from __future__ import annotations

import datetime

import strawberry

from hub.context import RequestContext
from hub.identity import resolution
from hub.identity.resolution import ResolutionView
from schema.types import MatchConfidence


@strawberry.type(description="A child the person may be, how strongly (a band, never a score) and why "
                                         "(never the child's details, nor an address withheld from you).")
class IdentityCandidate:
    child_id: strawberry.ID
    confidence: MatchConfidence
    reasons: list[str]


@strawberry.type(description="A person your agency holds whom the hub could not match with confidence.")
class IdentityResolution:
    view: strawberry.Private[ResolutionView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.id)

    @strawberry.field(description="The adapter that brought the person, e.g. police.")
    def adapter(self) -> str:
        return self.view.adapter

    @strawberry.field(description="Your agency's own id for the person.")
    def local_id(self) -> str:
        return self.view.local_id

    @strawberry.field
    def given_name(self) -> str:
        return self.view.given_name

    @strawberry.field
    def family_name(self) -> str:
        return self.view.family_name

    @strawberry.field
    def date_of_birth(self) -> datetime.date | None:
        return self.view.date_of_birth

    @strawberry.field
    def sex(self) -> str | None:
        return self.view.sex

    @strawberry.field
    def postcode(self) -> str | None:
        return self.view.postcode

    @strawberry.field(description="Why it was queued: a possible match, or candidates too close to call.")
    def reason(self) -> str:
        return self.view.reason

    @strawberry.field
    def status(self) -> str:
        return self.view.status

    @strawberry.field
    def candidates(self) -> list[IdentityCandidate]:
        return [
            IdentityCandidate(child_id=strawberry.ID(c.child_id), confidence=c.confidence,
                              reasons=list(c.reasons))
            for c in self.view.candidates
        ]

    @strawberry.field
    def resolved_child_id(self) -> strawberry.ID | None:
        return strawberry.ID(self.view.resolved_child_id) if self.view.resolved_child_id else None


def identity_resolutions(info: strawberry.Info[RequestContext, None]) -> list[IdentityResolution]:
    return [IdentityResolution(view=view) for view in resolution.list_open(info.context.door)]
