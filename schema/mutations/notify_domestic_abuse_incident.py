"""notifyDomesticAbuseIncident: the police report a domestic abuse incident with Operation Encompass's
statutory fields; the child's school (or the local authority) is notified before the next school day."""

from __future__ import annotations

import datetime

import strawberry

from hub.context import RequestContext
from hub.domain.encompass import IncidentNotice
from hub.services import incident_reports
from schema.errors import EXPECTED, WorkflowError
from schema.types import Record


@strawberry.input
class NotifyDomesticAbuseIncidentInput:
    child_id: strawberry.ID
    police_reference: str
    occurred_at: datetime.datetime = strawberry.field(description="When the incident happened, with its offset.")
    location: str
    child_present: bool
    circumstances: str
    child_location: str | None = strawberry.field(default=None, description="Where the child was; needed when "
                                                  "present.")
    child_spoken_to: bool = False
    child_account: str | None = strawberry.field(default=None, description="What the child said; needed when "
                                                 "spoken to.")
    do_not_approach_parents: bool = strawberry.field(default=False, description="Ask the school not to approach "
                                                     "the parents or carers; travels with every notification.")
    detail: str | None = strawberry.field(default=None, description="The police narrative: DETAIL tier, not "
                                          "part of the notice the school reads.")


@strawberry.type
class NotifyDomesticAbuseIncidentPayload:
    record: Record | None
    notification_ids: list[strawberry.ID]
    errors: list[WorkflowError]


def notify_domestic_abuse_incident(info: strawberry.Info[RequestContext, None],
                                   input: NotifyDomesticAbuseIncidentInput) -> NotifyDomesticAbuseIncidentPayload:
    door = info.context.door
    notice = IncidentNotice(
        child_id=str(input.child_id), police_reference=input.police_reference, occurred_at=input.occurred_at,
        location=input.location, child_present=input.child_present, circumstances=input.circumstances,
        child_location=input.child_location, child_spoken_to=input.child_spoken_to,
        child_account=input.child_account, do_not_approach_parents=input.do_not_approach_parents,
        detail=input.detail)
    try:
        with door.atomic():
            reported = incident_reports.report_incident(door, info.context.workflow, notice)
    except EXPECTED as error:
        return NotifyDomesticAbuseIncidentPayload(record=None, notification_ids=[],
                                                  errors=[WorkflowError.from_error(error)])
    return NotifyDomesticAbuseIncidentPayload(
        record=Record(view=reported.record),
        notification_ids=[strawberry.ID(i) for i in reported.notification_ids], errors=[])
