"""GraphQL object types. They wrap the views the door releases; a withheld field resolves to null."""

from __future__ import annotations

import datetime

import strawberry

from hub.context import RequestContext
from hub.domain import actor as actor_domain
from hub.domain import record as record_domain
from hub.domain.child import ChildMatch, ChildView
from hub.domain.child import MatchConfidence as MatchConfidenceBand
from hub.domain.record import AgencyContact, RecordView
from hub.services import records

Tier = strawberry.enum(record_domain.Tier, description="Sensitivity of record content, least to most.")
Category = strawberry.enum(record_domain.Category, description="What a record is about.")
RecordStatus = strawberry.enum(record_domain.RecordStatus)
Role = strawberry.enum(actor_domain.Role)
AgencyKind = strawberry.enum(actor_domain.AgencyKind)
MatchConfidence = strawberry.enum(
    MatchConfidenceBand,
    description="How sure a FIND is, in bands: HIGH (an exact NHS number, or every detail agreeing), MEDIUM "
    "(names and date of birth agree), LOW (a possible match: check with the agencies before relying on it).",
)


@strawberry.type(description="An agency and how to reach it, in and out of office hours.")
class Agency:
    id: strawberry.ID
    name: str
    kind: AgencyKind
    office_hours_phone: str
    out_of_hours_phone: str
    email: str

    @classmethod
    def from_contact(cls, contact: AgencyContact) -> Agency:
        return cls(
            id=strawberry.ID(contact.agency_id),
            name=contact.name,
            kind=actor_domain.AgencyKind(contact.kind),
            office_hours_phone=contact.office_hours_phone,
            out_of_hours_phone=contact.out_of_hours_phone,
            email=contact.email,
        )


@strawberry.type(description="The practitioner the call acts for.")
class Me:
    id: strawberry.ID
    email: str
    name: str
    roles: list[Role]
    agency_id: strawberry.ID
    agency_name: str
    agency_kind: AgencyKind
    client_id: str | None = strawberry.field(description="The agency system acting for the practitioner.")


@strawberry.type(description="One version of a record an agency shared. Fields the caller may not read are null.")
class Record:
    """Fields that only pass on the released view are plain fields, copied from it when the type is built
    (a resolver per field costs strawberry several calls; a plain field is one getattr)."""

    view: strawberry.Private[RecordView]
    id: strawberry.ID = strawberry.field(description="Stable across versions.", init=False, default="")
    version: int = strawberry.field(init=False, default=0)
    tier: Tier = strawberry.field(init=False, default=None)
    category: Category | None = strawberry.field(init=False, default=None)
    status: RecordStatus | None = strawberry.field(init=False, default=None)
    start_date: datetime.date | None = strawberry.field(init=False, default=None)
    end_date: datetime.date | None = strawberry.field(init=False, default=None)
    owner: Agency | None = strawberry.field(
        description="The agency that shared the record, and how to contact it.", init=False, default=None)
    summary: str | None = strawberry.field(init=False, default=None)
    detail: str | None = strawberry.field(description="The narrative (DETAIL tier).", init=False, default=None)
    lawful_basis: str | None = strawberry.field(init=False, default=None)
    amendment_reason: str | None = strawberry.field(
        description="Why this version was made, for amended and ended records.", init=False, default=None)
    recorded_at: datetime.datetime = strawberry.field(init=False, default=None)
    redacted_fields: list[str] = strawberry.field(
        description="Fields withheld from the caller by policy.", init=False, default_factory=list)
    confidential_notice: str | None = strawberry.field(
        description="Set instead of content when the caller may only know that confidential information is held.",
        init=False, default=None)

    def __post_init__(self) -> None:
        view = self.view
        self.id = strawberry.ID(view.record_key)
        self.version = view.version
        self.tier = view.tier
        self.category = view.category
        self.status = view.status
        self.start_date = view.start_date
        self.end_date = view.end_date
        self.owner = Agency.from_contact(view.owner) if view.owner else None
        self.summary = view.summary
        self.detail = view.detail
        self.lawful_basis = view.lawful_basis
        self.amendment_reason = view.amendment_reason
        self.recorded_at = view.created_at
        self.redacted_fields = [_camel(name) for name in view.redacted_fields]
        self.confidential_notice = view.confidential_notice


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class RecordEdge:
    cursor: str
    node: Record


@strawberry.type(description="A page of records, counted after filtering: the count leaks nothing withheld.")
class RecordConnection:
    edges: list[RecordEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class RecordWorklist:
    edges: list[RecordEdge]
    page_info: PageInfo


@strawberry.input(description="Narrow a list of records; every filter is applied in the database.")
class RecordFilterInput:
    categories: list[Category] | None = None
    tiers: list[Tier] | None = None
    active_only: bool = True


@strawberry.type(description="A child, as far as the caller may know them.")
class Child:
    """Plain fields copied from the released view when the type is built, as for Record."""

    view: strawberry.Private[ChildView]
    id: strawberry.ID = strawberry.field(init=False, default="")
    nhs_number: str | None = strawberry.field(init=False, default=None)
    given_name: str = strawberry.field(init=False, default="")
    family_name: str = strawberry.field(init=False, default="")
    date_of_birth: datetime.date | None = strawberry.field(init=False, default=None)
    sex: str | None = strawberry.field(init=False, default=None)
    postcode: str | None = strawberry.field(
        description="Null when the address is withheld (refuge, adoption) from the caller.", init=False, default=None)
    address_withheld: bool = strawberry.field(
        description="The child's address is withheld from everyone but the agency that set it.",
        init=False, default=False)

    def __post_init__(self) -> None:
        view = self.view
        self.id = strawberry.ID(view.id)
        self.nhs_number = view.nhs_number
        self.given_name = view.given_name
        self.family_name = view.family_name
        self.date_of_birth = view.date_of_birth
        self.sex = view.sex
        self.postcode = view.postcode
        self.address_withheld = view.address_withheld

    @strawberry.field(description="The current version of each record the caller may see, newest first.")
    def records(
        self, info: strawberry.Info[RequestContext, None], first: int = 20, after: str | None = None
    ) -> RecordConnection:
        page = records.list_records(info.context.door, self.view.id, first=first, after=after,
                                    identified_by_nhs_number=self.view.identified_by_nhs_number)
        edges = [
            RecordEdge(cursor=cursor, node=Record(view=view))
            for cursor, view in zip(page.cursors, page.views, strict=True)
        ]
        return RecordConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total,
        )


@strawberry.type(description="FIND before FETCH: that a child is known, and who to contact. Never content.")
class ChildMatchResult:
    child_id: strawberry.ID
    confidence: MatchConfidence
    involved_agencies: list[Agency]

    @classmethod
    def from_match(cls, match: ChildMatch) -> ChildMatchResult:
        return cls(
            child_id=strawberry.ID(match.child_id),
            confidence=match.confidence,
            involved_agencies=[Agency.from_contact(c) for c in match.involved_agencies],
        )


@strawberry.input(description="A child's details as an agency holds them, to FIND them without an NHS number.")
class FindChildrenInput:
    given_name: str
    family_name: str
    date_of_birth: datetime.date
    sex: str | None = None
    postcode: str | None = None


@strawberry.type(description="A registered purpose for processing child data, with its lawful basis.")
class PurposeEntry:
    code: str
    name: str
    lawful_basis: str
    legislation: str


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


