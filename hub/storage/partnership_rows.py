"""Rows of the partnership's own work, for its services: each service builds one ``PartnershipRows`` from its
request's session, in one place, and reaches every row through it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, String, and_, cast, false, func, or_, select
from sqlalchemy.orm import Session

from hub.domain.actor import AgencyKind
from hub.domain.notification import Recipient, front_door
from hub.domain.working_time import as_utc
from hub.storage import jobs, sealing
from hub.storage import partnership_tables as pt
from hub.storage import tables as t

R = TypeVar("R")
# Orders, limits and seeks a list to one page (hub.services.paging), with the parameters to run it with.
Paged = Callable[[Select[Any]], tuple[Select[Any], dict[str, Any]]]


class PartnershipRows:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- generic -------------------------------------------------------------------------------------------
    def get(self, table: type[R], key: Any) -> R | None:
        return self.session.get(table, key)

    def add(self, *rows: object) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def flush(self) -> None:
        self.session.flush()

    def names(self, practitioner_ids: Iterable[str | None]) -> dict[str, str]:
        wanted = sorted({p for p in practitioner_ids if p})
        if not wanted:
            return {}
        return dict(self.session.execute(select(t.Practitioner.id, t.Practitioner.name)
                                         .where(t.Practitioner.id.in_(wanted))).all())

    def agency_kinds(self, agency_ids: Iterable[str]) -> dict[str, AgencyKind]:
        rows = self.session.execute(select(t.Agency.id, t.Agency.kind).where(t.Agency.id.in_(sorted(set(agency_ids)))))
        return {agency_id: AgencyKind(kind) for agency_id, kind in rows}

    def agency_names(self, agency_ids: Iterable[str]) -> dict[str, str]:
        rows = self.session.execute(select(t.Agency.id, t.Agency.name).where(t.Agency.id.in_(sorted(set(agency_ids)))))
        return dict(rows.all())

    def partnership_agencies(self, partnership_id: str) -> frozenset[str]:
        return frozenset(self.session.scalars(select(t.AgencyPartnership.agency_id)
                                              .where(t.AgencyPartnership.partnership_id == partnership_id)))

    def get_code(self, partnership_id: str) -> str:
        return self.session.scalar(select(t.Partnership.code).where(t.Partnership.id == partnership_id)) or ""

    def partnership_by_code(self, code: str) -> t.Partnership | None:
        return self.session.scalar(select(t.Partnership).where(t.Partnership.code == code))

    def practitioners(self, practitioner_ids: Iterable[str]) -> list[t.Practitioner]:
        return list(self.session.scalars(select(t.Practitioner).where(
            t.Practitioner.id.in_(sorted(set(practitioner_ids))), t.Practitioner.active.is_(True))))

    def children(self, child_ids: Sequence[str]) -> list[t.Child]:
        found = {c.id: c for c in self.session.scalars(select(t.Child).where(t.Child.id.in_(list(child_ids))))}
        return [found[child_id] for child_id in child_ids if child_id in found]

    def front_door(self, agency_id: str) -> Recipient:
        """Who reads what is addressed to the agency (``hub.domain.notification.FRONT_DOOR_ROLES``)."""
        agency = self.session.get(t.Agency, agency_id)
        if agency is None:
            raise LookupError(f"no agency {agency_id}")
        return front_door(agency_id, AgencyKind(agency.kind))

    def schedule_timer(self, kind: str, subject_id: str, run_at: datetime, now: datetime) -> None:
        jobs.schedule(self.session, kind=kind, subject_id=subject_id, run_at=run_at, now=now)

    def cancel_timer(self, kind: str, subject_id: str, now: datetime) -> None:
        jobs.cancel(self.session, kind=kind, subject_ids=[subject_id], now=now)

    def seal(self, child_id: str, table: str, column: str, row_id: str, value: str | None) -> str | None:
        return sealing.seal_text(self.session, child_id, table, column, row_id, value)

    def open(self, child_id: str, table: str, column: str, row_id: str, stored: str | None) -> str | None:
        return sealing.open_text(self.session, child_id, table, column, row_id, stored)

    def scalars(self, statement: Select[R]) -> list[R]:
        return list(self.session.scalars(statement))

    def count(self, statement: Select[Any]) -> int:
        return self.session.scalar(select(func.count()).select_from(statement.subquery())) or 0

    # -- arrangements --------------------------------------------------------------------------------------
    def arrangements(self, partnership_id: str) -> list[pt.Arrangement]:
        return list(self.session.scalars(select(pt.Arrangement).where(pt.Arrangement.partnership_id == partnership_id)
                                         .order_by(pt.Arrangement.version.desc())))

    def next_version(self, partnership_id: str) -> int:
        latest = self.session.scalar(select(func.max(pt.Arrangement.version))
                                     .where(pt.Arrangement.partnership_id == partnership_id))
        return (latest or 0) + 1

    def signatures(self, arrangement_ids: Iterable[str]) -> list[pt.ArrangementSignature]:
        return list(self.session.scalars(select(pt.ArrangementSignature)
                                         .where(pt.ArrangementSignature.arrangement_id.in_(sorted(set(arrangement_ids))))
                                         .order_by(pt.ArrangementSignature.signed_at)))

    def intervention(self, partnership_id: str) -> pt.Intervention | None:
        return self.session.scalar(select(pt.Intervention).where(pt.Intervention.partnership_id == partnership_id)
                                   .order_by(pt.Intervention.set_at.desc(), pt.Intervention.id).limit(1))

    # -- serious incidents and reviews ---------------------------------------------------------------------
    def review_of(self, incident_id: str) -> pt.RapidReview | None:
        return self.session.scalar(select(pt.RapidReview).where(pt.RapidReview.incident_id == incident_id))

    def reviewers(self, review_id: str) -> list[str]:
        return list(self.session.scalars(select(pt.ReviewReviewer.practitioner_id)
                                         .where(pt.ReviewReviewer.review_id == review_id)))

    def summaries(self, review_id: str) -> list[pt.ReviewSummary]:
        return list(self.session.scalars(select(pt.ReviewSummary).where(pt.ReviewSummary.review_id == review_id)
                                         .order_by(pt.ReviewSummary.requested_at, pt.ReviewSummary.agency_id)))

    def summary_of(self, review_id: str, agency_id: str) -> pt.ReviewSummary | None:
        return self.session.scalar(select(pt.ReviewSummary).where(pt.ReviewSummary.review_id == review_id,
                                                                  pt.ReviewSummary.agency_id == agency_id))

    def incident_relations(self, practitioner_id: str, agency_id: str,
                           partnership_ids: frozenset[str]) -> dict[str, ColumnElement[bool]]:
        """The facts of ``IncidentFacts`` as SQL over ``serious_incidents`` rows, for lists."""
        i, r = pt.SeriousIncident, pt.RapidReview
        return {
            "own_partnership": i.partnership_id.in_(sorted(partnership_ids)) if partnership_ids else false(),
            "notifying_agency": i.notifying_agency_id == agency_id,
            "assigned_reviewer": select(pt.ReviewReviewer.review_id).join(r, r.id == pt.ReviewReviewer.review_id)
            .where(r.incident_id == i.id, pt.ReviewReviewer.practitioner_id == practitioner_id).exists(),
            "asked_agency": select(pt.ReviewSummary.id).join(r, r.id == pt.ReviewSummary.review_id)
            .where(r.incident_id == i.id, pt.ReviewSummary.agency_id == agency_id).exists(),
            "notified": i.notified_at.is_not(None),
        }

    # -- lessons -------------------------------------------------------------------------------------------
    def lessons(self, condition: ColumnElement[bool], text: str | None, theme: str | None, agency_id: str | None,
                paged: Paged) -> tuple[list[pt.Lesson], int]:
        """The lessons matching, on the page ``paged`` makes of them; and how many match in all."""
        statement = select(pt.Lesson).where(condition)
        if text:
            pattern = f"%{text.lower().replace('%', '').replace('_', '')}%"
            statement = statement.where(or_(func.lower(pt.Lesson.title).like(pattern),
                                            func.lower(pt.Lesson.summary).like(pattern)))
        if theme:
            statement = statement.where(cast(pt.Lesson.themes, String).like(f'%"{theme}"%'))
        if agency_id:
            statement = statement.where(cast(pt.Lesson.agency_ids, String).like(f'%"{agency_id}"%'))
        total = self.count(statement)
        page, params = paged(statement)
        return list(self.session.scalars(page, params)), total

    def partnership_names(self, partnership_ids: Iterable[str]) -> dict[str, str]:
        return dict(self.session.execute(select(t.Partnership.id, t.Partnership.name)
                                         .where(t.Partnership.id.in_(sorted(set(partnership_ids))))).all())

    # -- child deaths --------------------------------------------------------------------------------------
    def cdop_of_partnership(self, partnership_id: str) -> str | None:
        return self.session.scalar(select(pt.CdopPartnership.cdop_id)
                                   .where(pt.CdopPartnership.partnership_id == partnership_id))

    def cdops_of(self, partnership_ids: frozenset[str]) -> set[str]:
        if not partnership_ids:
            return set()
        return set(self.session.scalars(select(pt.CdopPartnership.cdop_id)
                                        .where(pt.CdopPartnership.partnership_id.in_(sorted(partnership_ids)))))

    def cdop_partnerships(self, cdop_id: str) -> list[str]:
        return list(self.session.scalars(select(pt.CdopPartnership.partnership_id)
                                         .where(pt.CdopPartnership.cdop_id == cdop_id)))

    def agencies_knowing(self, child_id: str) -> list[str]:
        link = t.AgencyRecordLink
        return list(self.session.scalars(select(link.agency_id, link.child_id).where(link.child_id == child_id)
                                         .distinct()))

    def death_of_child(self, child_id: str) -> pt.ChildDeath | None:
        return self.session.scalar(select(pt.ChildDeath).where(pt.ChildDeath.child_id == child_id))

    def deaths_count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(pt.ChildDeath)) or 0

    def reports(self, death_id: str) -> list[pt.ChildDeathReport]:
        return list(self.session.scalars(select(pt.ChildDeathReport).where(pt.ChildDeathReport.death_id == death_id)
                                         .order_by(pt.ChildDeathReport.requested_at, pt.ChildDeathReport.agency_id)))

    def report_of(self, death_id: str, agency_id: str) -> pt.ChildDeathReport | None:
        return self.session.scalar(select(pt.ChildDeathReport).where(pt.ChildDeathReport.death_id == death_id,
                                                                     pt.ChildDeathReport.agency_id == agency_id))

    def death_relations(self, agency_id: str, cdop_ids: set[str]) -> dict[str, ColumnElement[bool]]:
        d = pt.ChildDeath
        return {
            "in_cdop": d.cdop_id.in_(sorted(cdop_ids)) if cdop_ids else false(),
            "notifying_agency": d.notifying_agency_id == agency_id,
            "asked_agency": select(pt.ChildDeathReport.id).where(pt.ChildDeathReport.death_id == d.id,
                                                                 pt.ChildDeathReport.agency_id == agency_id).exists(),
        }

    def deaths(self, condition: ColumnElement[bool], limit: int = 100) -> list[pt.ChildDeath]:
        return self.scalars(select(pt.ChildDeath).where(condition)
                            .order_by(pt.ChildDeath.notified_at.desc(), pt.ChildDeath.id).limit(limit))

    def analysed_deaths(self, cdop_id: str, start: date | None, end: date | None) -> list[pt.ChildDeath]:
        conditions = [pt.ChildDeath.cdop_id == cdop_id]
        if start:
            conditions.append(pt.ChildDeath.date_of_death >= start)
        if end:
            conditions.append(pt.ChildDeath.date_of_death < end)
        return self.scalars(select(pt.ChildDeath).where(and_(*conditions))
                            .order_by(pt.ChildDeath.date_of_death, pt.ChildDeath.case_number))

    def populations(self, partnership_ids: Iterable[str]) -> dict[str, int]:
        rows = self.session.execute(select(pt.PartnershipPopulation.partnership_id, pt.PartnershipPopulation.children)
                                    .where(pt.PartnershipPopulation.partnership_id.in_(sorted(set(partnership_ids)))))
        return {partnership_id: int(children) for partnership_id, children in rows}

    # -- statistics for the partnership report ------------------------------------------------------------
    def review_timeliness(self, partnership_id: str, start: datetime | None, end: datetime | None,
                          now: datetime) -> dict[str, int]:
        """Serious incidents notified on time or late (or overdue), rapid reviews decided on time or late
        (or overdue), and local reviews published, for incidents recorded in the period."""
        i, r = pt.SeriousIncident, pt.RapidReview
        period = [i.partnership_id == partnership_id]
        if start:
            period.append(i.created_at >= start)
        if end:
            period.append(i.created_at < end)
        incidents = self.session.execute(select(i.notified_at, i.notification_due_at, r.decided_at, r.due_at,
                                                r.local_review_published_at, r.local_review_due_on)
                                         .outerjoin(r, r.incident_id == i.id).where(and_(*period))).all()
        counts = dict.fromkeys(REVIEW_CELLS, 0)
        for notified, notify_due, decided, review_due, published, publish_due in incidents:
            counts[_timely("NOTIFIED", notified, notify_due, now)] += 1
            if review_due is not None:
                counts[_timely("RAPID_REVIEW", decided, review_due, now)] += 1
            if publish_due is not None:
                published_day = published_at.date() if (published_at := _utc(published)) else None
                counts["LOCAL_REVIEW_PUBLISHED_ON_TIME" if published_day and published_day <= publish_due
                       else "LOCAL_REVIEW_PUBLISHED_LATE" if published_day else "LOCAL_REVIEW_IN_PROGRESS"] += 1
        return counts


REVIEW_CELLS = ("NOTIFIED_ON_TIME", "NOTIFIED_LATE", "NOTIFIED_OVERDUE", "NOTIFIED_AWAITING",
                "RAPID_REVIEW_ON_TIME", "RAPID_REVIEW_LATE", "RAPID_REVIEW_OVERDUE", "RAPID_REVIEW_AWAITING",
                "LOCAL_REVIEW_PUBLISHED_ON_TIME", "LOCAL_REVIEW_PUBLISHED_LATE", "LOCAL_REVIEW_IN_PROGRESS")


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment else None


def _timely(prefix: str, done: datetime | None, due: datetime, now: datetime) -> str:
    done, due_utc = _utc(done), _utc(due)
    assert due_utc is not None
    if done is not None:
        return f"{prefix}_ON_TIME" if done <= due_utc else f"{prefix}_LATE"
    return f"{prefix}_OVERDUE" if now > due_utc else f"{prefix}_AWAITING"

