"""GraphQL types of the partnership's own work. Each wraps a view a service released through the door."""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry

from hub.context import RequestContext
from hub.domain import child_death as deaths
from hub.domain import partnership as arrangements
from hub.domain import practice_review as reviews
from hub.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from hub.services import lessons as lesson_service
from schema.errors import RecordError
from schema.requests.types import agency
from schema.types import Agency, PageInfo

Info = strawberry.Info[RequestContext, None]

LeadPartner = strawberry.enum(arrangements.LeadPartner, description="The three statutory safeguarding partners.")
ArrangementStatus = strawberry.enum(arrangements.ArrangementStatus)
InterventionStatus = strawberry.enum(arrangements.InterventionStatus,
                                     description="What the Secretary of State has done about a partnership.")
IncidentKind = strawberry.enum(reviews.IncidentKind)
IncidentStatus = strawberry.enum(reviews.IncidentStatus)
ReviewStatus = strawberry.enum(reviews.ReviewStatus)
ReviewDecision = strawberry.enum(reviews.ReviewDecision, description="LOCAL_REVIEW: a local child safeguarding "
                                 "practice review; NATIONAL_REVIEW: recommended to the national panel.")
SummaryStatus = strawberry.enum(reviews.SummaryStatus)
LocalReviewStatus = strawberry.enum(reviews.LocalReviewStatus)
LessonTheme = strawberry.enum(reviews.LessonTheme)
DeathCategory = strawberry.enum(deaths.DeathCategory, description="The national child death analysis form's "
                                "categories, in its order.")
FactorDomain = strawberry.enum(deaths.FactorDomain)
FactorContribution = strawberry.enum(deaths.FactorContribution)
Modifiability = strawberry.enum(deaths.Modifiability)
DeathStatus = strawberry.enum(deaths.DeathStatus)
ReportStatus = strawberry.enum(deaths.ReportStatus)
AgeBand = strawberry.enum(deaths.AgeBand)


# -- errors -------------------------------------------------------------------------------------------------
Expected = NotFoundError | ForbiddenError | ValidationError | ConflictError
EXPECTED = (NotFoundError, ForbiddenError, ValidationError, ConflictError)


@strawberry.enum
class PartnershipErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID_INPUT = "INVALID_INPUT"
    CONFLICT = "CONFLICT"


@strawberry.type(description="An expected failure of the partnership's arrangements, reviews or child death review.")
class PartnershipError:
    code: PartnershipErrorCode
    message: str
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    suggestion: str | None = None

    @classmethod
    def from_error(cls, error: Expected) -> PartnershipError:
        record = RecordError.from_error(error)  # one mapping of the hub's errors to codes, as WorkflowError does
        return cls(code=PartnershipErrorCode(record.code.value), message=record.message, field=record.field,
                   suggestion=record.suggestion)


# -- arrangements -------------------------------------------------------------------------------------------
@strawberry.type(description="A lead safeguarding partner, its lead and its delegated safeguarding partner.")
class LeadPartnerEntry:
    entry: strawberry.Private[arrangements.LeadPartnerEntry]

    @strawberry.field
    def partner(self) -> LeadPartner:
        return self.entry.partner

    @strawberry.field
    def agency(self, info: Info) -> Agency | None:
        return agency(info, self.entry.agency_id)

    @strawberry.field
    def lead(self) -> str:
        return self.entry.lead

    @strawberry.field
    def delegate(self) -> str:
        return self.entry.delegate


@strawberry.type(description="A relevant agency named in the arrangements, and how it takes part.")
class RelevantAgencyEntry:
    entry: strawberry.Private[arrangements.RelevantAgencyEntry]

    @strawberry.field
    def agency(self, info: Info) -> Agency | None:
        return agency(info, self.entry.agency_id)

    @strawberry.field
    def participation(self) -> str:
        return self.entry.participation


@strawberry.type(description="A lead partner's signature of one version of the arrangements.")
class ArrangementSignature:
    partner: LeadPartner
    signed_by: str
    signed_at: datetime.datetime


@strawberry.type(description="One version of a partnership's arrangements; published once all three lead partners "
                 "have signed it.")
class PartnershipArrangement:
    view: strawberry.Private[arrangements.ArrangementView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.id)

    @strawberry.field
    def partnership_id(self) -> strawberry.ID:
        return strawberry.ID(self.view.partnership_id)

    @strawberry.field
    def partnership_name(self) -> str:
        return self.view.partnership_name

    @strawberry.field
    def version(self) -> int:
        return self.view.version

    @strawberry.field
    def status(self) -> ArrangementStatus:
        return self.view.status

    @strawberry.field
    def area_covered(self) -> str:
        return self.view.content.area_covered

    @strawberry.field
    def lead_partners(self) -> list[LeadPartnerEntry]:
        return [LeadPartnerEntry(entry=e) for e in self.view.content.lead_partners]

    @strawberry.field
    def relevant_agencies(self) -> list[RelevantAgencyEntry]:
        return [RelevantAgencyEntry(entry=e) for e in self.view.content.relevant_agencies]

    @strawberry.field
    def resourcing(self) -> str:
        return self.view.content.resourcing

    @strawberry.field
    def independent_scrutiny(self) -> str:
        return self.view.content.independent_scrutiny

    @strawberry.field
    def scrutineer(self) -> str:
        return self.view.content.scrutineer

    @strawberry.field
    def yearly_report(self) -> str | None:
        return self.view.content.yearly_report

    @strawberry.field
    def signatures(self) -> list[ArrangementSignature]:
        return [ArrangementSignature(partner=s.partner, signed_by=s.signed_by_name, signed_at=s.signed_at)
                for s in self.view.signatures]

    @strawberry.field(description="The lead partners yet to sign (empty once published).")
    def awaiting_signature_from(self) -> list[LeadPartner]:
        return list(self.view.unsigned)

    @strawberry.field
    def drafted_by(self) -> str:
        return self.view.drafted_by_name

    @strawberry.field
    def drafted_at(self) -> datetime.datetime:
        return self.view.drafted_at

    @strawberry.field
    def published_at(self) -> datetime.datetime | None:
        return self.view.published_at


@strawberry.type(description="The Secretary of State's intervention status of a partnership, with its reason.")
class PartnershipIntervention:
    status: InterventionStatus
    reason: str | None
    set_by: str | None
    set_at: datetime.datetime | None

    @classmethod
    def from_view(cls, view: arrangements.InterventionView) -> PartnershipIntervention:
        return cls(status=view.status, reason=view.reason, set_by=view.set_by_name, set_at=view.set_at)


@strawberry.input
class LeadPartnerInput:
    partner: LeadPartner
    agency_id: strawberry.ID
    lead: str = strawberry.field(description="e.g. \"Chief Executive, Northbridge Council\".")
    delegate: str = strawberry.field(description="The delegated safeguarding partner.")


@strawberry.input
class RelevantAgencyInput:
    agency_id: strawberry.ID
    participation: str = strawberry.field(description="How the agency takes part in the arrangements.")


# -- serious incidents, reviews and lessons -----------------------------------------------------------------
@strawberry.type(description="A working-day deadline: when it falls, working days left, and whether it was met.")
class Countdown:
    due_at: datetime.datetime
    working_days_left: int
    met_at: datetime.datetime | None
    overdue: bool
    met_on_time: bool | None

    @classmethod
    def from_domain(cls, value: reviews.Countdown) -> Countdown:
        return cls(due_at=value.due_at, working_days_left=value.working_days_left, met_at=value.met_at,
                   overdue=value.overdue, met_on_time=value.met_on_time)


@strawberry.type(description="A child of an incident as reviewers see them: age and sex, never a name.")
class IncidentChild:
    age_years: int | None
    sex: str | None


@strawberry.type(description="A serious incident: what happened, and the 5-working-day notification countdown.")
class SeriousIncident:
    view: strawberry.Private[reviews.IncidentView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.id)

    @strawberry.field
    def kind(self) -> IncidentKind:
        return self.view.kind

    @strawberry.field
    def status(self) -> IncidentStatus:
        return self.view.status

    @strawberry.field
    def looked_after(self) -> bool:
        return self.view.looked_after

    @strawberry.field
    def children(self) -> list[IncidentChild]:
        return [IncidentChild(age_years=c.age_years, sex=c.sex) for c in self.view.children]

    @strawberry.field(description="The children's hub ids: only for the authority that notified and the agencies "
                      "asked for a summary (empty for everyone else).")
    def child_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(c) for c in self.view.child_ids]

    @strawberry.field
    def description(self) -> str:
        return self.view.description

    @strawberry.field
    def aware_at(self) -> datetime.datetime:
        return self.view.aware_at

    @strawberry.field(description="Notification to the national panel: due 5 working days from awareness.")
    def notification(self) -> Countdown:
        return Countdown.from_domain(self.view.notification)

    @strawberry.field
    def notifying_agency(self, info: Info) -> Agency | None:
        return agency(info, self.view.notifying_agency_id)

    @strawberry.field
    def recorded_by(self) -> str:
        return self.view.recorded_by_name

    @strawberry.field
    def rapid_review_id(self) -> strawberry.ID | None:
        return strawberry.ID(self.view.review_id) if self.view.review_id else None


@strawberry.type(description="One agency asked for its summary, and what it submitted (for the review's reviewers "
                 "and the agency itself).")
class AgencySummary:
    view: strawberry.Private[reviews.SummaryView]

    @strawberry.field
    def agency(self, info: Info) -> Agency | None:
        return agency(info, self.view.agency_id)

    @strawberry.field
    def status(self) -> SummaryStatus:
        return self.view.status

    @strawberry.field
    def summary(self) -> str | None:
        return self.view.summary

    @strawberry.field
    def submitted_by(self) -> str | None:
        return self.view.submitted_by_name

    @strawberry.field
    def requested_at(self) -> datetime.datetime:
        return self.view.requested_at

    @strawberry.field
    def submitted_at(self) -> datetime.datetime | None:
        return self.view.submitted_at


@strawberry.type(description="A rapid review: due 15 working days after the notification.")
class RapidReview:
    view: strawberry.Private[reviews.ReviewView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.id)

    @strawberry.field
    def incident_id(self) -> strawberry.ID:
        return strawberry.ID(self.view.incident_id)

    @strawberry.field
    def status(self) -> ReviewStatus:
        return self.view.status

    @strawberry.field
    def due(self) -> Countdown:
        return Countdown.from_domain(self.view.due)

    @strawberry.field
    def agency_summaries(self) -> list[AgencySummary]:
        return [AgencySummary(view=s) for s in self.view.summaries]

    @strawberry.field
    def reviewers(self) -> list[str]:
        return list(self.view.reviewer_names)

    @strawberry.field
    def decision(self) -> ReviewDecision | None:
        return self.view.decision

    @strawberry.field
    def reasons(self) -> str | None:
        return self.view.reasons

    @strawberry.field
    def decided_by(self) -> str | None:
        return self.view.decided_by_name

    @strawberry.field
    def local_review_status(self) -> LocalReviewStatus | None:
        return self.view.local_review_status

    @strawberry.field(description="A local review is published within about 6 months.")
    def local_review_due_on(self) -> datetime.date | None:
        return self.view.local_review_due_on

    @strawberry.field
    def local_review_published_at(self) -> datetime.datetime | None:
        return self.view.local_review_published_at


@strawberry.type(description="Published, de-identified learning from a review.")
class Lesson:
    view: strawberry.Private[reviews.LessonView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.id)

    @strawberry.field
    def partnership_name(self) -> str:
        return self.view.partnership_name

    @strawberry.field
    def title(self) -> str:
        return self.view.title

    @strawberry.field
    def summary(self) -> str:
        return self.view.summary

    @strawberry.field
    def themes(self) -> list[LessonTheme]:
        return list(self.view.themes)

    @strawberry.field(description="The agencies the lesson is for: each was sent it.")
    def agencies(self, info: Info) -> list[Agency]:
        return [found for a in self.view.agency_ids if (found := agency(info, a)) is not None]

    @strawberry.field
    def published_by(self) -> str:
        return self.view.published_by_name

    @strawberry.field
    def published_at(self) -> datetime.datetime:
        return self.view.published_at


@strawberry.type
class LessonEdge:
    cursor: str
    node: Lesson


@strawberry.type
class LessonConnection:
    edges: list[LessonEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: lesson_service.LessonPage) -> LessonConnection:
        edges = [LessonEdge(cursor=cursor, node=Lesson(view=view))
                 for cursor, view in zip(page.cursors, page.views, strict=True)]
        return cls(edges=edges, total_count=page.total, page_info=PageInfo(
            has_next_page=page.has_next, has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))


@strawberry.input(description="Search lessons; applied in the database.")
class LessonFilter:
    text: str | None = strawberry.field(default=None, description="Words in the title or the lesson.")
    theme: LessonTheme | None = None
    agency_id: strawberry.ID | None = strawberry.field(default=None, description="Lessons naming this agency.")


# -- child death review -------------------------------------------------------------------------------------
@strawberry.type(description="An agency's reporting form; for the panel, the child's names are struck out.")
class ChildDeathReport:
    view: strawberry.Private[deaths.ReportView]

    @strawberry.field
    def agency(self, info: Info) -> Agency | None:
        return agency(info, self.view.agency_id)

    @strawberry.field
    def status(self) -> ReportStatus:
        return self.view.status

    @strawberry.field
    def involvement(self) -> str | None:
        return self.view.involvement

    @strawberry.field
    def concerns(self) -> str | None:
        return self.view.concerns

    @strawberry.field
    def submitted_by(self) -> str | None:
        return self.view.submitted_by_name

    @strawberry.field
    def submitted_at(self) -> datetime.datetime | None:
        return self.view.submitted_at


@strawberry.type(description="The panel's judgement of the factors in one domain.")
class FactorJudgement:
    domain: FactorDomain
    contribution: FactorContribution
    factors: str | None


@strawberry.type(description="The child death overview panel's analysis.")
class ChildDeathAnalysis:
    category: DeathCategory
    factors: list[FactorJudgement]
    modifiability: Modifiability
    learning: str
    analysed_by: str
    analysed_at: datetime.datetime


@strawberry.type(description="A child death as the review sees it: a case number, an age band and sex, never the "
                 "child's identity.")
class ChildDeath:
    view: strawberry.Private[deaths.ChildDeathView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.id)

    @strawberry.field
    def case_number(self) -> str:
        return self.view.case_number

    @strawberry.field
    def age_band(self) -> AgeBand:
        return self.view.age_band

    @strawberry.field
    def sex(self) -> str | None:
        return self.view.sex

    @strawberry.field
    def date_of_death(self) -> datetime.date:
        return self.view.date_of_death

    @strawberry.field
    def unexpected(self) -> bool:
        return self.view.unexpected

    @strawberry.field(description="Unexpected deaths start a joint agency response.")
    def joint_agency_response(self) -> bool:
        return self.view.joint_agency_response

    @strawberry.field
    def place_of_death(self) -> str:
        return self.view.place_of_death

    @strawberry.field
    def circumstances(self) -> str | None:
        return self.view.circumstances

    @strawberry.field
    def status(self) -> DeathStatus:
        return self.view.status

    @strawberry.field
    def reports(self) -> list[ChildDeathReport]:
        return [ChildDeathReport(view=r) for r in self.view.reports]

    @strawberry.field
    def analysis(self) -> ChildDeathAnalysis | None:
        a = self.view.analysis
        if a is None:
            return None
        return ChildDeathAnalysis(
            category=a.category, modifiability=a.modifiability, learning=a.learning, analysed_by=a.analysed_by_name,
            analysed_at=a.analysed_at,
            factors=[FactorJudgement(domain=f.domain, contribution=f.contribution, factors=f.factors)
                     for f in a.factors])

    @strawberry.field
    def notified_at(self) -> datetime.datetime:
        return self.view.notified_at


@strawberry.type(description="A count and its rate per 100,000 children; both \"<5\" when the count is 1 to 4.")
class RateCell:
    label: str
    count: str
    rate_per_100k: str


@strawberry.type(description="A child death overview panel's population statistics across its partnerships.")
class ChildDeathStatistics:
    cdop_name: str
    period_start: datetime.date | None
    period_end: datetime.date | None
    child_population: int
    partnerships: list[str]
    total: RateCell
    by_category: list[RateCell]
    by_modifiability: list[RateCell]
    by_factor_domain: list[RateCell]
    by_partnership: list[RateCell]

    @classmethod
    def from_domain(cls, stats: deaths.DeathStatistics) -> ChildDeathStatistics:
        def cells(values: tuple[deaths.RateCell, ...]) -> list[RateCell]:
            return [RateCell(label=c.label, count=c.count, rate_per_100k=c.rate_per_100k) for c in values]

        return cls(cdop_name=stats.cdop_name, period_start=stats.period_start, period_end=stats.period_end,
                   child_population=stats.child_population, partnerships=list(stats.partnerships),
                   total=cells((stats.total,))[0], by_category=cells(stats.by_category),
                   by_modifiability=cells(stats.by_modifiability), by_factor_domain=cells(stats.by_factor_domain),
                   by_partnership=cells(stats.by_partnership))


@strawberry.input
class FactorJudgementInput:
    domain: FactorDomain
    contribution: FactorContribution
    factors: str | None = strawberry.field(default=None, description="Required unless none were identified.")
