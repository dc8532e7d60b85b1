"""The demo's first sync brings the police simulator's past incidents to the schools as Encompass notices;
the README promises they arrive acknowledged (the schools read them at the time), while an incident of the
day of the sync arrives new."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import select

from hub.access.request import open_request
from hub.access.system import OPERATOR, System
from hub.bootstrap import Hub
from hub.demo_history import acknowledge_past_encompass
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork


def test_past_encompass_notices_are_acknowledged_and_todays_stay_new(own_hub: Hub) -> None:
    with UnitOfWork(own_hub.session_factory) as uow:
        s = uow.session
        school = s.scalar(select(t.Agency).where(t.Agency.name == "Northbridge Primary School"))
        assert school is not None
        old, recent = s.execute(select(t.RecordVersion.record_key, t.RecordVersion.start_date)
                                .order_by(t.RecordVersion.start_date).limit(2)).all()[0], \
            s.execute(select(t.RecordVersion.record_key, t.RecordVersion.start_date)
                      .order_by(t.RecordVersion.start_date.desc()).limit(1)).one()
        sync_day = datetime.combine(recent.start_date, time(9), tzinfo=UTC)  # the day of the latest incident
        ids = []
        for key in (old.record_key, recent.record_key):
            notice = t.Notification(id=t.new_id(), kind="DOMESTIC_ABUSE_INCIDENT", recipient_agency_id=school.id,
                                    recipient_role="DSL", record_key=key, summary="Operation Encompass",
                                    dedupe_key=f"TEST:{key}", created_at=sync_day)
            s.add(notice)
            ids.append(notice.id)
        s.commit()
    with open_request(own_hub.gateway, request_id="test-demo-history", operation="hub demo history") as request:
        assert acknowledge_past_encompass(request.as_system(System(OPERATOR, "test")), sync_day) >= 1
        request.commit()
    with UnitOfWork(own_hub.session_factory) as uow:
        past, today = (uow.session.get(t.Notification, notice_id) for notice_id in ids)
        dee = uow.session.scalar(select(t.Practitioner.id).where(
            t.Practitioner.email == "dee.dsl@primary.northbridge.example"))
        assert past is not None and past.acknowledged_at is not None and past.acknowledged_by == dee
        assert today is not None and today.acknowledged_at is None
        marked = uow.session.scalars(select(t.AuditEvent.reason).where(t.AuditEvent.client_id == "hub-operator:test",
                                                                       t.AuditEvent.action == "acknowledge")).all()
        assert any("past Operation Encompass notices" in reason for reason in marked)
