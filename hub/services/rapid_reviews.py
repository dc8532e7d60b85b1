"""Rapid reviews: once the incident is notified, the partnership manager starts the review, naming its
reviewers and the agencies asked for their summaries; each agency asked is notified (the notification and
webhook machinery of information requests) and submits its summary; the reviewers read what was submitted
and record the decision (a local child safeguarding practice review, a national review, or none, with
reasons). The review is due 15 working days after the notification, summaries by the 10th; a local review
is tracked to its publication, about 6 months on."""

from __future__ import annotations

from collections.abc import Callable

from hub.domain.notification import Notice, NotificationKind, Recipient
from hub.domain.partnership_access import IncidentFacts
from hub.domain.practice_review import (
    LOCAL_REVIEW_PUBLICATION_MONTHS,
    RAPID_REVIEW_WORKING_DAYS,
    LocalReviewStatus,
    ReviewDecision,
    ReviewDecisionDraft,
    ReviewStatus,
    ReviewView,
    SummaryStatus,
    SummaryView,
    add_working_days,
    check_text,
    countdown,
    months_after,
)
from hub.domain.workflow import Workflow
from hub.domain.working_time import as_utc
from hub.door import Door, Subject
from hub.errors import ConflictError, NotFoundError, ValidationError
from hub.policy import Decision
from hub.services import notices
from hub.services.serious_incidents import NOT_YOUR_PART, incident_facts, load, refusal
from hub.storage import partnership_tables as pt
from hub.storage import tables as t
from hub.storage.partnership_rows import PartnershipRows

RESOURCE = "rapid_review"
SUMMARY_WORKING_DAYS = 10  # agencies' summaries: days 2-10 of the 15
NO_REVIEW = "No rapid review with this id."


def _rows(door: Door) -> PartnershipRows:
    return door.query(PartnershipRows)


def _refuse(door: Door, subject: Subject, action: str, error: ValidationError | ConflictError) -> None:
    door.refuse(subject, action, error.message)
    raise error


def start_review(door: Door, workflow: Workflow, incident_id: str, reviewer_ids: tuple[str, ...],
                 agency_ids: tuple[str, ...]) -> ReviewView:
    rows = _rows(door)
    incident, facts, incident_subject = load(door, rows, incident_id, "start_review")
    subject = Subject(RESOURCE, incident.id, incident_subject.child_id, incident_subject.owner_agency_id)

    def write() -> tuple[pt.RapidReview, tuple[str, ...]]:
        """The review, and the agencies asked for their summaries."""
        if rows.review_of(incident.id) is not None:
            _refuse(door, subject, "start_review", ConflictError("This incident's rapid review has started already."))
        members = rows.partnership_agencies(incident.partnership_id)
        reviewers = rows.practitioners(reviewer_ids)
        if not reviewer_ids or len(reviewers) != len(set(reviewer_ids)) or any(
                "REVIEWER" not in p.roles or p.agency_id not in members for p in reviewers):
            _refuse(door, subject, "start_review", ValidationError(
                "Name at least one reviewer: practitioners of the partnership with the REVIEWER role.",
                field="reviewerIds"))
        asked = tuple(dict.fromkeys(agency_ids))
        if not asked or any(agency_id not in members for agency_id in asked):
            _refuse(door, subject, "start_review", ValidationError(
                "Ask agencies of the partnership for their summaries.", field="agencyIds"))
        assert incident.notified_at is not None  # the policy starts reviews of notified incidents only
        now = door.now()
        notified = as_utc(incident.notified_at)
        review = pt.RapidReview(id=t.new_id(), incident_id=incident.id, partnership_id=incident.partnership_id,
                                status=str(ReviewStatus.COLLECTING_SUMMARIES),
                                due_at=add_working_days(workflow.calendar, notified, RAPID_REVIEW_WORKING_DAYS),
                                started_by=door.actor.practitioner_id, started_at=now)
        rows.add(review)
        rows.add(*(pt.ReviewReviewer(review_id=review.id, practitioner_id=p.id) for p in reviewers))
        rows.add(*(pt.ReviewSummary(id=t.new_id(), review_id=review.id, agency_id=agency_id,
                                    status=str(SummaryStatus.REQUESTED), requested_at=now) for agency_id in asked))
        summaries_due = add_working_days(workflow.calendar, notified, SUMMARY_WORKING_DAYS)
        child = incident.child_ids[0]
        for agency_id in asked:  # the request, as every request reaches an agency: to its front door
            notices.notify(door, Notice(
                kind=NotificationKind.AGENCY_SUMMARY_REQUESTED, recipient=rows.front_door(agency_id),
                summary=f"The partnership's rapid review of a serious incident asks your agency for its summary of "
                        f"its involvement, by {_local(workflow, summaries_due)} (purpose SERIOUS_INCIDENT_REVIEW).",
                dedupe_key=f"{NotificationKind.AGENCY_SUMMARY_REQUESTED}:{review.id}:{agency_id}", child_id=child,
                due_at=summaries_due))
        for reviewer in reviewers:
            notices.notify(door, Notice(
                kind=NotificationKind.REVIEW_ASSIGNED,
                recipient=Recipient(reviewer.agency_id, practitioner_id=reviewer.id),
                summary=f"You are a reviewer of a rapid review due by {_local(workflow, as_utc(review.due_at))}.",
                dedupe_key=f"{NotificationKind.REVIEW_ASSIGNED}:{review.id}:{reviewer.id}",
                due_at=as_utc(review.due_at)))
        return review, asked

    review, _ = door.change(
        "start_review", facts, incident_subject, write, fields=("reviewers", "agencies_asked", "due_at"),
        recorded_as=lambda _: subject,
        reason=lambda made: f"{len(made[1])} agencies asked; due {as_utc(made[0].due_at).isoformat()}",
        refused=refusal(door, facts, incident_subject, "start_review"))
    return review_view(door, workflow, rows, review)


def submit_summary(door: Door, workflow: Workflow, review_id: str, summary: str) -> ReviewView:
    rows = _rows(door)
    review, incident, facts, incident_subject = _load(door, rows, review_id, "submit_summary")
    subject = Subject(RESOURCE, review.id, incident_subject.child_id, door.actor.agency_id)

    def write() -> None:
        row = rows.summary_of(review.id, door.actor.agency_id)
        assert row is not None  # the policy let only an agency asked submit
        if row.status == SummaryStatus.SUBMITTED:
            _refuse(door, subject, "submit_summary", ConflictError("Your agency has submitted its summary already."))
        if review.status != ReviewStatus.COLLECTING_SUMMARIES:
            _refuse(door, subject, "submit_summary", ConflictError("The review has recorded its decision."))
        try:
            text = check_text(summary, "summary", "Summarise your agency's involvement with the child and family.",
                              20)
        except ValidationError as error:
            _refuse(door, subject, "submit_summary", error)
            raise
        row.summary = rows.seal(incident.child_ids[0], "review_summaries", "summary", row.id, text)
        row.status, row.submitted_by = str(SummaryStatus.SUBMITTED), door.actor.practitioner_id
        row.submitted_at = door.now()
        rows.flush()

    door.change("submit_summary", facts, incident_subject, write, fields=("summary",), recorded_as=lambda _: subject,
                refused=_refusal(door, facts, incident_subject, "submit_summary"))
    return review_view(door, workflow, rows, review)


def decide_review(door: Door, workflow: Workflow, review_id: str, draft: ReviewDecisionDraft) -> ReviewView:
    rows = _rows(door)
    review, _, facts, incident_subject = _load(door, rows, review_id, "decide")
    subject = Subject(RESOURCE, review.id, incident_subject.child_id, incident_subject.owner_agency_id)

    def write() -> None:
        if review.status == ReviewStatus.DECIDED:
            _refuse(door, subject, "decide", ConflictError("The review has recorded its decision already."))
        try:
            reasons = check_text(draft.reasons, "reasons", "Give the reasons for the decision.", 20)
        except ValidationError as error:
            _refuse(door, subject, "decide", error)
            raise
        now = door.now()
        review.status, review.decision, review.reasons = str(ReviewStatus.DECIDED), str(draft.decision), reasons
        review.decided_by, review.decided_at = door.actor.practitioner_id, now
        if draft.decision == ReviewDecision.LOCAL_REVIEW:
            review.local_review_status = str(LocalReviewStatus.IN_PROGRESS)
            review.local_review_due_on = months_after(now.astimezone(workflow.calendar.timezone).date(),
                                                      LOCAL_REVIEW_PUBLICATION_MONTHS)
        rows.flush()

    door.change("decide", facts, incident_subject, write, fields=("decision", "reasons"),
                reason=lambda _: str(draft.decision), recorded_as=lambda _: subject,
                refused=_refusal(door, facts, incident_subject, "decide"))
    return review_view(door, workflow, rows, review)


def publish_local_review(door: Door, workflow: Workflow, review_id: str) -> ReviewView:
    rows = _rows(door)
    review, _, facts, incident_subject = _load(door, rows, review_id, "track_local_review")
    subject = Subject(RESOURCE, review.id, incident_subject.child_id, incident_subject.owner_agency_id)

    def write() -> None:
        if review.local_review_status != LocalReviewStatus.IN_PROGRESS:
            _refuse(door, subject, "track_local_review",
                    ConflictError("No local review of this incident is in progress."))
        review.local_review_status, review.local_review_published_at = str(LocalReviewStatus.PUBLISHED), door.now()
        rows.flush()

    door.change("track_local_review", facts, incident_subject, write, fields=("local_review_status",),
                reason=lambda _: "published", recorded_as=lambda _: subject,
                refused=_refusal(door, facts, incident_subject, "track_local_review"))
    return review_view(door, workflow, rows, review)


def read_review(door: Door, workflow: Workflow, review_id: str) -> ReviewView | None:
    rows = _rows(door)
    try:
        review, _, decision, subject = _authorise(door, rows, review_id, "read")
    except NotFoundError:
        return None
    view = review_view(door, workflow, rows, review)
    door.record(Subject(RESOURCE, review.id, subject.child_id, subject.owner_agency_id), "read", decision,
                fields=("status", "due_at", "decision") + (("summaries",) if any(
                    s.summary for s in view.summaries) else ()))
    return view


def _load(door: Door, rows: PartnershipRows, review_id: str, action: str
          ) -> tuple[pt.RapidReview, pt.SeriousIncident, IncidentFacts, Subject]:
    """The review and its incident, the incident's facts and audit subject. A review the actor may not see gets
    the same answer as no review at all (not the incident's "not found", which would tell the id exists)."""
    review = rows.get(pt.RapidReview, review_id)
    if review is None:
        subject = Subject(RESOURCE, review_id)
        door.access(subject, action)
        door.refuse(subject, action, "no such rapid review")
        raise NotFoundError(NO_REVIEW)
    try:
        incident, facts, subject = load(door, rows, review.incident_id, action)
    except NotFoundError:
        raise NotFoundError(NO_REVIEW) from None
    return review, incident, facts, subject


def _refusal(door: Door, facts: IncidentFacts, subject: Subject, action: str) -> Callable[[], Exception]:
    return door.refusal(action, facts, subject, forbidden=NOT_YOUR_PART, missing=NO_REVIEW)


def _authorise(door: Door, rows: PartnershipRows, review_id: str, action: str
               ) -> tuple[pt.RapidReview, pt.SeriousIncident, Decision, Subject]:
    """``_load``, with the decision on the action, refused as ``_refusal`` says."""
    review, incident, facts, subject = _load(door, rows, review_id, action)
    return review, incident, door.require(action, facts, subject, _refusal(door, facts, subject, action)), subject


def review_view(door: Door, workflow: Workflow, rows: PartnershipRows, review: pt.RapidReview) -> ReviewView:
    """Assigned reviewers read every summary submitted; an agency asked reads its own; others see only which
    agencies have submitted."""
    incident = rows.get(pt.SeriousIncident, review.incident_id)
    assert incident is not None
    facts = incident_facts(door, rows, incident)
    subject = Subject(RESOURCE, review.id)
    reads_all = door.decide("read_summaries", facts, subject, audit=False).allowed
    summaries = rows.summaries(review.id)
    reviewers = rows.reviewers(review.id)
    names = rows.names([*reviewers, review.decided_by, *(s.submitted_by for s in summaries)])

    def content(row: pt.ReviewSummary) -> str | None:
        if not (reads_all or row.agency_id == door.actor.agency_id):
            return None
        return rows.open(incident.child_ids[0], "review_summaries", "summary", row.id, row.summary)

    return ReviewView(
        id=review.id, incident_id=review.incident_id, partnership_id=review.partnership_id,
        status=ReviewStatus(review.status),
        due=countdown(workflow.calendar, door.now(), review.due_at, review.decided_at),
        summaries=tuple(SummaryView(s.agency_id, SummaryStatus(s.status), content(s),
                                    names.get(s.submitted_by) if s.submitted_by else None, as_utc(s.requested_at),
                                    as_utc(s.submitted_at) if s.submitted_at else None) for s in summaries),
        reviewer_names=tuple(sorted(names.get(r, "") for r in reviewers)),
        decision=ReviewDecision(review.decision) if review.decision else None, reasons=review.reasons,
        decided_by_name=names.get(review.decided_by) if review.decided_by else None,
        local_review_status=LocalReviewStatus(review.local_review_status) if review.local_review_status else None,
        local_review_due_on=review.local_review_due_on,
        local_review_published_at=as_utc(review.local_review_published_at)
        if review.local_review_published_at else None)


def _local(workflow: Workflow, moment: object) -> str:
    return as_utc(moment).astimezone(workflow.calendar.timezone).strftime("%H:%M on %A %d %B %Y")  # type: ignore[arg-type]
