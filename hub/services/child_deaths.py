"""Child death review: any agency notifies a death; every agency that knows the child is asked for its
reporting form (a notification to its front door); members of the child death overview panel covering the
child's area read the case de-identified (a case number, age band and sex; the child's names struck from
what agencies wrote) and record the panel's analysis. An unexpected death starts a joint agency response."""

from __future__ import annotations

from collections.abc import Callable

from hub.domain.child_death import (
    AgeBand,
    AnalysisDraft,
    AnalysisView,
    ChildDeathView,
    DeathCategory,
    DeathNotificationDraft,
    DeathStatus,
    FactorContribution,
    FactorDomain,
    FactorJudgement,
    Modifiability,
    ReportDraft,
    ReportStatus,
    ReportView,
    age_band,
    check_analysis,
    check_notification,
    check_text,
    modifiability,
    strike_names,
)
from hub.domain.notification import Notice, NotificationKind
from hub.domain.partnership_access import ChildDeathFacts
from hub.domain.working_time import as_utc
from hub.door import Door, Subject
from hub.errors import ConflictError, NotFoundError, ValidationError
from hub.policy import Decision
from hub.services import notices
from hub.services.children import child_facts
from hub.services.partnership_visibility import visible
from hub.storage import partnership_tables as pt
from hub.storage import tables as t
from hub.storage.partnership_rows import PartnershipRows

RESOURCE = "child_death"
FIELDS = ("age_band", "sex", "date_of_death", "circumstances", "reports", "analysis")


def _rows(door: Door) -> PartnershipRows:
    return door.query(PartnershipRows)


def death_facts(door: Door, rows: PartnershipRows, death: pt.ChildDeath) -> ChildDeathFacts:
    cdops = door.memo("actor_cdops", lambda: rows.cdops_of(door.actor.partnership_ids))
    return door.memo(("death_facts", death.id), lambda: ChildDeathFacts(
        in_cdop=death.cdop_id is not None and death.cdop_id in cdops,
        notifying_agency=death.notifying_agency_id == door.actor.agency_id,
        asked_agency=rows.report_of(death.id, door.actor.agency_id) is not None))


def _load(door: Door, rows: PartnershipRows, death_id: str, action: str
          ) -> tuple[pt.ChildDeath, ChildDeathFacts, Subject]:
    subject = Subject(RESOURCE, death_id)
    door.access(subject, action)
    death = rows.get(pt.ChildDeath, death_id)
    if death is None:
        door.refuse(subject, action, "no such child death")
        raise NotFoundError("No child death with this id.")
    return death, death_facts(door, rows, death), Subject(RESOURCE, death.id, death.child_id, death.notifying_agency_id)


def _refused(door: Door, facts: ChildDeathFacts, subject: Subject, action: str) -> Callable[[], Exception]:
    """Someone who may read the death but not act is told so; anyone else finds nothing."""
    return door.refusal(action, facts, subject, forbidden="Your part in this child death review does not include that.",
                        missing="No child death with this id.")


def _authorise(door: Door, rows: PartnershipRows, death_id: str, action: str
               ) -> tuple[pt.ChildDeath, Decision, Subject]:
    death, facts, subject = _load(door, rows, death_id, action)
    return death, door.require(action, facts, subject, _refused(door, facts, subject, action)), subject


def notify_child_death(door: Door, draft: DeathNotificationDraft) -> ChildDeathView:
    rows = _rows(door)
    subject = Subject(RESOURCE, None, draft.child_id)
    door.access(subject, "notify_child_death")
    found = rows.children([draft.child_id])
    child = found[0] if found else None
    if child is None:
        door.refuse(subject, "notify_child_death", "no such child")
        raise NotFoundError("No child with this id.")

    def write() -> tuple[pt.ChildDeath, list[str], DeathNotificationDraft]:
        """The death, the agencies asked to report, and the notification as checked."""
        assert child is not None  # refused above
        if rows.death_of_child(child.id) is not None:
            door.refuse(subject, "notify_child_death", "already notified")
            raise ConflictError("This child's death has been notified already.")
        try:
            checked = check_notification(draft, door.today(), child.date_of_birth)
        except ValidationError as error:
            door.refuse(subject, "notify_child_death", error.message)
            raise
        now = door.now()
        death_id = t.new_id()
        death = pt.ChildDeath(
            id=death_id, case_number=f"CDR-{now:%Y}-{rows.deaths_count() + 1:05d}", child_id=child.id,
            partnership_id=child.partnership_id, cdop_id=rows.cdop_of_partnership(child.partnership_id),
            notifying_agency_id=door.actor.agency_id, notified_by=door.actor.practitioner_id, notified_at=now,
            date_of_death=checked.date_of_death, age_band=str(age_band(child.date_of_birth, checked.date_of_death)),
            sex=child.sex, unexpected=checked.unexpected, place_of_death=checked.place_of_death[:200],
            circumstances=rows.seal(child.id, "child_deaths", "circumstances", death_id, checked.circumstances) or "",
            status=str(DeathStatus.AWAITING_REPORTS))
        rows.add(death)
        asked = sorted({door.actor.agency_id, *rows.agencies_knowing(child.id)})
        rows.add(*(pt.ChildDeathReport(id=t.new_id(), death_id=death.id, agency_id=agency_id,
                                       status=str(ReportStatus.REQUESTED), requested_at=now) for agency_id in asked))
        response = " An unexpected death: a joint agency response has started." if checked.unexpected else ""
        for agency_id in asked:
            notices.notify(door, Notice(
                kind=NotificationKind.CHILD_DEATH_REPORT_REQUESTED,
                recipient=rows.front_door(agency_id),
                summary=f"A child known to your agency has died ({death.case_number}): complete your agency's "
                        f"reporting form for the child death review (purpose CHILD_DEATH_REVIEW).{response}",
                dedupe_key=f"{NotificationKind.CHILD_DEATH_REPORT_REQUESTED}:{death.id}:{agency_id}",
                child_id=child.id))
        return death, asked, checked

    death, _, _ = door.change(
        "notify_child_death", child_facts(door, child), subject, write, fields=("date_of_death", "circumstances"),
        recorded_as=lambda written: Subject(RESOURCE, written[0].id, child.id, door.actor.agency_id),
        reason=lambda written: f"{written[0].case_number}; reports asked of {len(written[1])} agencies"
                               + ("; joint agency response" if written[2].unexpected else ""),
        refused=lambda: NotFoundError("No child with this id."))
    return death_view(door, rows, death)


def submit_report(door: Door, death_id: str, draft: ReportDraft) -> ChildDeathView:
    rows = _rows(door)
    death, facts, subject = _load(door, rows, death_id, "report")

    def write() -> None:
        report = rows.report_of(death.id, door.actor.agency_id)
        assert report is not None  # the policy lets only an agency asked report
        try:
            if report.status == ReportStatus.SUBMITTED:
                raise ConflictError("Your agency has submitted its reporting form already.")
            involvement = check_text(draft.involvement, "involvement", "Describe your agency's involvement.", 10)
            concerns = (draft.concerns or "").strip() or None
            if concerns and len(concerns) > 10_000:
                raise ValidationError("At most 10000 characters.", field="concerns")
        except (ValidationError, ConflictError) as error:
            door.refuse(subject, "report", error.message)
            raise
        report.involvement = rows.seal(death.child_id, "child_death_reports", "involvement", report.id, involvement)
        report.concerns = rows.seal(death.child_id, "child_death_reports", "concerns", report.id, concerns)
        report.status, report.submitted_by, report.submitted_at = str(ReportStatus.SUBMITTED), \
            door.actor.practitioner_id, door.now()
        rows.flush()

    door.change("report", facts, subject, write, fields=("involvement", "concerns"),
                recorded_as=lambda _: Subject(RESOURCE, death.id, death.child_id, door.actor.agency_id),
                refused=_refused(door, facts, subject, "report"))
    return death_view(door, rows, death)


def analyse(door: Door, death_id: str, draft: AnalysisDraft) -> ChildDeathView:
    rows = _rows(door)
    death, facts, subject = _load(door, rows, death_id, "analyse")

    def write() -> AnalysisDraft:
        try:
            if death.status == DeathStatus.ANALYSED:
                raise ConflictError("The panel has recorded its analysis of this death already.")
            checked = check_analysis(draft)
        except (ValidationError, ConflictError) as error:
            door.refuse(subject, "analyse", error.message)
            raise
        death.category, death.learning = str(checked.category), checked.learning
        death.factors = [{"domain": str(j.domain), "contribution": str(j.contribution), "factors": j.factors}
                         for j in checked.factors]
        death.modifiability = str(modifiability(checked))
        death.status, death.analysed_by, death.analysed_at = str(DeathStatus.ANALYSED), \
            door.actor.practitioner_id, door.now()
        rows.flush()
        return checked

    door.change("analyse", facts, subject, write, fields=("category", "factors", "modifiability", "learning"),
                reason=lambda checked: f"{checked.category}; {death.modifiability}",
                refused=_refused(door, facts, subject, "analyse"))
    return death_view(door, rows, death)


def read_death(door: Door, death_id: str) -> ChildDeathView | None:
    rows = _rows(door)
    try:
        death, decision, subject = _authorise(door, rows, death_id, "read")
    except NotFoundError:
        return None
    door.record(subject, "read", decision, fields=FIELDS)
    return death_view(door, rows, death)


def list_deaths(door: Door, *, first: int = 50) -> list[ChildDeathView]:
    rows = _rows(door)
    subject = Subject(RESOURCE)
    door.access(subject, "list")
    cdops = door.memo("actor_cdops", lambda: rows.cdops_of(door.actor.partnership_ids))
    condition = visible(door, subject, "read", ChildDeathFacts, rows.death_relations(door.actor.agency_id, cdops))
    views = []
    for death in rows.deaths(condition, min(max(first, 1), 100)):
        row_subject = Subject(RESOURCE, death.id, death.child_id, death.notifying_agency_id)
        decision = door.decide("read", death_facts(door, rows, death), row_subject, audit=False)
        if not decision.allowed:
            door.refuse(row_subject, "read", "withheld: visible in SQL but not by policy")
            continue
        door.record(row_subject, "read", decision, fields=FIELDS)
        views.append(death_view(door, rows, death))
    return views


def death_view(door: Door, rows: PartnershipRows, death: pt.ChildDeath) -> ChildDeathView:
    """The panel and other agencies read de-identified text; only the notifying agency reads its own words
    as written (it knows the child). An agency asked reads its own form."""
    facts = death_facts(door, rows, death)
    [child] = rows.children([death.child_id])
    names = [child.given_name, child.family_name]
    reports = rows.reports(death.id)
    people = rows.names([death.analysed_by, *(r.submitted_by for r in reports)])
    panel = door.decide("read", ChildDeathFacts(facts.in_cdop, False, False), Subject(RESOURCE), audit=False).allowed

    def opened(table: str, column: str, row_id: str, stored: str | None) -> str | None:
        return strike_names(rows.open(death.child_id, table, column, row_id, stored), names)

    def report(r: pt.ChildDeathReport) -> ReportView:
        shown = panel or r.agency_id == door.actor.agency_id
        return ReportView(
            agency_id=r.agency_id, status=ReportStatus(r.status),
            involvement=opened("child_death_reports", "involvement", r.id, r.involvement) if shown else None,
            concerns=opened("child_death_reports", "concerns", r.id, r.concerns) if shown else None,
            submitted_by_name=people.get(r.submitted_by) if r.submitted_by else None,
            submitted_at=as_utc(r.submitted_at) if r.submitted_at else None)

    analysis = None
    if death.category and death.analysed_at and death.analysed_by and death.learning:
        analysis = AnalysisView(
            category=DeathCategory(death.category),
            factors=tuple(FactorJudgement(FactorDomain(f["domain"]), FactorContribution(f["contribution"]),
                                          f.get("factors")) for f in (death.factors or [])),
            modifiability=Modifiability(death.modifiability or Modifiability.INSUFFICIENT_INFORMATION),
            learning=death.learning, analysed_by_name=people.get(death.analysed_by, ""),
            analysed_at=as_utc(death.analysed_at))
    return ChildDeathView(
        id=death.id, case_number=death.case_number, cdop_id=death.cdop_id or "", partnership_id=death.partnership_id,
        age_band=AgeBand(death.age_band), sex=death.sex, date_of_death=death.date_of_death,
        unexpected=death.unexpected, joint_agency_response=death.unexpected, place_of_death=death.place_of_death,
        circumstances=opened("child_deaths", "circumstances", death.id, death.circumstances),
        status=DeathStatus(death.status), reports=tuple(report(r) for r in reports), analysis=analysis,
        notified_at=as_utc(death.notified_at))
