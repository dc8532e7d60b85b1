"""Mutations of the partnership's own work. Each is thin: clean the input, call one service inside a savepoint,
and return the expected failures as typed errors."""

from __future__ import annotations

import datetime

import strawberry

from hub.context import RequestContext
from hub.domain import child_death as deaths
from hub.domain import partnership as domain
from hub.domain import practice_review as reviews
from hub.services import arrangements, child_deaths, lessons, rapid_reviews, serious_incidents
from schema.partnership.types import (
    EXPECTED,
    ChildDeath,
    DeathCategory,
    FactorJudgementInput,
    IncidentKind,
    InterventionStatus,
    LeadPartnerInput,
    Lesson,
    LessonTheme,
    PartnershipArrangement,
    PartnershipError,
    PartnershipIntervention,
    RapidReview,
    RelevantAgencyInput,
    ReviewDecision,
    SeriousIncident,
)

Info = strawberry.Info[RequestContext, None]


# -- arrangements -------------------------------------------------------------------------------------------
@strawberry.input
class DraftPartnershipArrangementsInput:
    partnership_id: strawberry.ID
    area_covered: str
    lead_partners: list[LeadPartnerInput] = strawberry.field(description="Each of the three lead partners once.")
    relevant_agencies: list[RelevantAgencyInput]
    resourcing: str
    independent_scrutiny: str = strawberry.field(description="How independent scrutiny works.")
    scrutineer: str = strawberry.field(description="The independent scrutineer, by name or office.")
    yearly_report: str | None = None


@strawberry.input
class SignPartnershipArrangementsInput:
    arrangement_id: strawberry.ID


@strawberry.type
class PartnershipArrangementPayload:
    arrangement: PartnershipArrangement | None
    errors: list[PartnershipError]


@strawberry.input
class SetPartnershipInterventionInput:
    partnership_id: strawberry.ID
    status: InterventionStatus
    reason: str


@strawberry.type
class SetPartnershipInterventionPayload:
    intervention: PartnershipIntervention | None
    errors: list[PartnershipError]


def draft_partnership_arrangements(info: Info, input: DraftPartnershipArrangementsInput
                                   ) -> PartnershipArrangementPayload:
    draft = domain.ArrangementDraft(
        area_covered=input.area_covered,
        lead_partners=tuple(domain.LeadPartnerEntry(p.partner, str(p.agency_id), p.lead, p.delegate)
                            for p in input.lead_partners),
        relevant_agencies=tuple(domain.RelevantAgencyEntry(str(a.agency_id), a.participation)
                                for a in input.relevant_agencies),
        resourcing=input.resourcing, independent_scrutiny=input.independent_scrutiny, scrutineer=input.scrutineer,
        yearly_report=input.yearly_report)
    door = info.context.door
    try:
        with door.atomic():
            view = arrangements.draft_arrangements(door, str(input.partnership_id), draft)
    except EXPECTED as error:
        return PartnershipArrangementPayload(arrangement=None, errors=[PartnershipError.from_error(error)])
    return PartnershipArrangementPayload(arrangement=PartnershipArrangement(view=view), errors=[])


def sign_partnership_arrangements(info: Info, input: SignPartnershipArrangementsInput
                                  ) -> PartnershipArrangementPayload:
    door = info.context.door
    try:
        with door.atomic():
            view = arrangements.sign_arrangements(door, str(input.arrangement_id))
    except EXPECTED as error:
        return PartnershipArrangementPayload(arrangement=None, errors=[PartnershipError.from_error(error)])
    return PartnershipArrangementPayload(arrangement=PartnershipArrangement(view=view), errors=[])


def set_partnership_intervention(info: Info, input: SetPartnershipInterventionInput
                                 ) -> SetPartnershipInterventionPayload:
    door = info.context.door
    try:
        with door.atomic():
            view = arrangements.set_intervention(door, str(input.partnership_id), input.status, input.reason)
    except EXPECTED as error:
        return SetPartnershipInterventionPayload(intervention=None, errors=[PartnershipError.from_error(error)])
    return SetPartnershipInterventionPayload(intervention=PartnershipIntervention.from_view(view), errors=[])


# -- serious incidents, rapid reviews and lessons -----------------------------------------------------------
@strawberry.input
class RecordSeriousIncidentInput:
    child_ids: list[strawberry.ID] = strawberry.field(description="Up to 4 children, of your partnership's area.")
    kind: IncidentKind
    aware_at: datetime.datetime = strawberry.field(description="When your authority became aware: the 5 working "
                                                   "days to notify count from here.")
    description: str
    looked_after: bool = False


@strawberry.input
class NotifySeriousIncidentInput:
    incident_id: strawberry.ID


@strawberry.type
class SeriousIncidentPayload:
    incident: SeriousIncident | None
    errors: list[PartnershipError]


@strawberry.input
class StartRapidReviewInput:
    incident_id: strawberry.ID
    reviewer_ids: list[strawberry.ID] = strawberry.field(description="Practitioners with the REVIEWER role.")
    agency_ids: list[strawberry.ID] = strawberry.field(description="The agencies asked for their summaries.")


@strawberry.input
class SubmitAgencySummaryInput:
    review_id: strawberry.ID
    summary: str = strawberry.field(description="Your agency's involvement with the child and family.")


@strawberry.input
class RecordRapidReviewDecisionInput:
    review_id: strawberry.ID
    decision: ReviewDecision
    reasons: str


@strawberry.input
class PublishLocalReviewInput:
    review_id: strawberry.ID


@strawberry.type
class RapidReviewPayload:
    review: RapidReview | None
    errors: list[PartnershipError]


@strawberry.input
class PublishLessonInput:
    incident_id: strawberry.ID = strawberry.field(description="The incident whose review the lesson comes from.")
    title: str
    summary: str = strawberry.field(description="De-identified: it may not name a child of the review.")
    themes: list[LessonTheme]
    agency_ids: list[strawberry.ID] = strawberry.field(description="The agencies it is for: each is sent it.")


@strawberry.type
class PublishLessonPayload:
    lesson: Lesson | None
    errors: list[PartnershipError]


def record_serious_incident(info: Info, input: RecordSeriousIncidentInput) -> SeriousIncidentPayload:
    draft = reviews.IncidentDraft(tuple(str(c) for c in input.child_ids), input.kind, input.aware_at,
                                  input.description, input.looked_after)
    door = info.context.door
    try:
        with door.atomic():
            view = serious_incidents.record_incident(door, info.context.workflow, draft)
    except EXPECTED as error:
        return SeriousIncidentPayload(incident=None, errors=[PartnershipError.from_error(error)])
    return SeriousIncidentPayload(incident=SeriousIncident(view=view), errors=[])


def notify_serious_incident(info: Info, input: NotifySeriousIncidentInput) -> SeriousIncidentPayload:
    door = info.context.door
    try:
        with door.atomic():
            view = serious_incidents.notify_national_panel(door, info.context.workflow, str(input.incident_id))
    except EXPECTED as error:
        return SeriousIncidentPayload(incident=None, errors=[PartnershipError.from_error(error)])
    return SeriousIncidentPayload(incident=SeriousIncident(view=view), errors=[])


def _review(info: Info, work) -> RapidReviewPayload:  # type: ignore[no-untyped-def]
    door = info.context.door
    try:
        with door.atomic():
            view = work(door, info.context.workflow)
    except EXPECTED as error:
        return RapidReviewPayload(review=None, errors=[PartnershipError.from_error(error)])
    return RapidReviewPayload(review=RapidReview(view=view), errors=[])


def start_rapid_review(info: Info, input: StartRapidReviewInput) -> RapidReviewPayload:
    return _review(info, lambda door, workflow: rapid_reviews.start_review(
        door, workflow, str(input.incident_id), tuple(str(r) for r in input.reviewer_ids),
        tuple(str(a) for a in input.agency_ids)))


def submit_agency_summary(info: Info, input: SubmitAgencySummaryInput) -> RapidReviewPayload:
    return _review(info, lambda door, workflow: rapid_reviews.submit_summary(
        door, workflow, str(input.review_id), input.summary))


def record_rapid_review_decision(info: Info, input: RecordRapidReviewDecisionInput) -> RapidReviewPayload:
    return _review(info, lambda door, workflow: rapid_reviews.decide_review(
        door, workflow, str(input.review_id), reviews.ReviewDecisionDraft(input.decision, input.reasons)))


def publish_local_review(info: Info, input: PublishLocalReviewInput) -> RapidReviewPayload:
    return _review(info, lambda door, workflow: rapid_reviews.publish_local_review(
        door, workflow, str(input.review_id)))


def publish_lesson(info: Info, input: PublishLessonInput) -> PublishLessonPayload:
    draft = reviews.LessonDraft(input.title, input.summary, tuple(input.themes),
                                tuple(str(a) for a in input.agency_ids))
    door = info.context.door
    try:
        with door.atomic():
            view = lessons.publish_lesson(door, str(input.incident_id), draft)
    except EXPECTED as error:
        return PublishLessonPayload(lesson=None, errors=[PartnershipError.from_error(error)])
    return PublishLessonPayload(lesson=Lesson(view=view), errors=[])


# -- child death review -------------------------------------------------------------------------------------
@strawberry.input
class NotifyChildDeathInput:
    child_id: strawberry.ID
    date_of_death: datetime.date
    unexpected: bool = strawberry.field(description="An unexpected death starts a joint agency response.")
    place_of_death: str
    circumstances: str


@strawberry.input
class SubmitChildDeathReportInput:
    child_death_id: strawberry.ID
    involvement: str = strawberry.field(description="What your agency knew of the child and family.")
    concerns: str | None = None


@strawberry.input
class RecordChildDeathAnalysisInput:
    child_death_id: strawberry.ID
    category: DeathCategory
    factors: list[FactorJudgementInput] = strawberry.field(description="One judgement for each of the three domains.")
    learning: str
    sufficient_information: bool = True


@strawberry.type
class ChildDeathPayload:
    child_death: ChildDeath | None
    errors: list[PartnershipError]


def _death(info: Info, work) -> ChildDeathPayload:  # type: ignore[no-untyped-def]
    door = info.context.door
    try:
        with door.atomic():
            view = work(door)
    except EXPECTED as error:
        return ChildDeathPayload(child_death=None, errors=[PartnershipError.from_error(error)])
    return ChildDeathPayload(child_death=ChildDeath(view=view), errors=[])


def notify_child_death(info: Info, input: NotifyChildDeathInput) -> ChildDeathPayload:
    draft = deaths.DeathNotificationDraft(str(input.child_id), input.date_of_death, input.unexpected,
                                          input.place_of_death, input.circumstances)
    return _death(info, lambda door: child_deaths.notify_child_death(door, draft))


def submit_child_death_report(info: Info, input: SubmitChildDeathReportInput) -> ChildDeathPayload:
    draft = deaths.ReportDraft(input.involvement, input.concerns)
    return _death(info, lambda door: child_deaths.submit_report(door, str(input.child_death_id), draft))


def record_child_death_analysis(info: Info, input: RecordChildDeathAnalysisInput) -> ChildDeathPayload:
    draft = deaths.AnalysisDraft(
        input.category, tuple(deaths.FactorJudgement(f.domain, f.contribution, f.factors) for f in input.factors),
        input.learning, input.sufficient_information)
    return _death(info, lambda door: child_deaths.analyse(door, str(input.child_death_id), draft))


@strawberry.type
class PartnershipMutation:
    draft_partnership_arrangements: PartnershipArrangementPayload = strawberry.mutation(
        resolver=draft_partnership_arrangements,
        description="Draft a new version of your partnership's arrangements (partnership manager). It is published "
        "once each of the three lead partners has signed it.")
    sign_partnership_arrangements: PartnershipArrangementPayload = strawberry.mutation(
        resolver=sign_partnership_arrangements,
        description="Sign a draft of the arrangements for the lead partner your agency is; the third signature "
        "publishes it.")
    set_partnership_intervention: SetPartnershipInterventionPayload = strawberry.mutation(
        resolver=set_partnership_intervention,
        description="Set a partnership's intervention status, with the reason (the Secretary of State's "
        "representative).")
    record_serious_incident: SeriousIncidentPayload = strawberry.mutation(
        resolver=record_serious_incident,
        description="Record a serious incident your authority is aware of (up to 4 children): the 5-working-day "
        "countdown to notifying the national panel starts from awareness.")
    notify_serious_incident: SeriousIncidentPayload = strawberry.mutation(
        resolver=notify_serious_incident, description="Notify the national panel of a serious incident you recorded.")
    start_rapid_review: RapidReviewPayload = strawberry.mutation(
        resolver=start_rapid_review,
        description="Start the rapid review of a notified incident (partnership manager): due 15 working days after "
        "the notification; each agency asked is sent a request for its summary.")
    submit_agency_summary: RapidReviewPayload = strawberry.mutation(
        resolver=submit_agency_summary, description="Submit your agency's summary to a rapid review that asked it.")
    record_rapid_review_decision: RapidReviewPayload = strawberry.mutation(
        resolver=record_rapid_review_decision,
        description="Record the rapid review's decision, with reasons (its reviewers).")
    publish_local_review: RapidReviewPayload = strawberry.mutation(
        resolver=publish_local_review,
        description="Record that the local child safeguarding practice review was published.")
    publish_lesson: PublishLessonPayload = strawberry.mutation(
        resolver=publish_lesson,
        description="Publish de-identified learning from a review; every agency it names is sent it.")
    notify_child_death: ChildDeathPayload = strawberry.mutation(
        resolver=notify_child_death,
        description="Notify the death of a child your agency knows (CHILD_DEATH_REVIEW): every agency that knows the "
        "child is asked for its reporting form.")
    submit_child_death_report: ChildDeathPayload = strawberry.mutation(
        resolver=submit_child_death_report, description="Submit your agency's reporting form for a child death.")
    record_child_death_analysis: ChildDeathPayload = strawberry.mutation(
        resolver=record_child_death_analysis,
        description="Record the panel's analysis: category, modifiable factors in each domain, and learning "
        "(CDOP members).")
