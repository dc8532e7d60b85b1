"""Sharing decisions: an agency asked answers a request by sharing all, sharing part, or declining, with
reason codes and a rationale. A share grants the requesting agency, for a time, the categories shared of the
deciding agency's records (``hub.services.grants``); a decline is recorded as carefully. The requester is
told either way."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import CursorResult, update

from hub.domain.information_request import (
    Consent,
    ConsentStatus,
    DecisionDraft,
    RequestStatus,
    RequestView,
    TargetStatus,
    check_decision,
)
from hub.domain.notification import Notice, NotificationKind, Recipient
from hub.domain.record import Category
from hub.domain.wording import plain_words
from hub.domain.workflow import Workflow
from hub.door import Door
from hub.errors import ConflictError, ValidationError
from hub.services import grants, notices, request_timers, routing
from hub.services.information_requests import authorise, refuse_when, view_of
from hub.storage import queries, sealing
from hub.storage import tables as t


def decide(door: Door, workflow: Workflow, request_id: str, draft: DecisionDraft,
           grant_hours: int | None = None) -> RequestView:
    loaded, decision, subject = authorise(door, request_id, "decide")
    request = loaded.request
    target = next(x for x in loaded.targets if x.agency_id == door.actor.agency_id)  # the policy checked it
    if request.status == RequestStatus.CLOSED:
        refuse_when(door, subject, "decide", ConflictError("The requester has closed this request."))
    if target.status != TargetStatus.PENDING:
        refuse_when(door, subject, "decide", ConflictError(
            "Your agency has answered this request already.", "Read the request to see the decision recorded."))
    hours = workflow.share_grant_hours if grant_hours is None else grant_hours
    consent = Consent(ConsentStatus(request.consent_status), request.consent_reason, request.consent_override_by)
    try:
        checked = check_decision(draft, tuple(Category(c) for c in request.categories), consent)
        if not 0 < hours <= grants.MAX_GRANT_HOURS:
            raise ValidationError(f"Shared information is readable for between 1 and {grants.MAX_GRANT_HOURS} "
                                  "hours.", field="grantHours")
    except ValidationError as error:
        refuse_when(door, subject, "decide", error)
        raise
    now = door.now()
    expires = now + timedelta(hours=hours) if checked.shared_categories else None
    # Conditional on the target still pending: two colleagues answering at once cannot both succeed.
    result: CursorResult[Any] = door.execute(  # type: ignore[assignment]
        update(t.RequestTarget)
        .where(t.RequestTarget.id == target.id, t.RequestTarget.status == str(TargetStatus.PENDING))
        .values(status=str(TargetStatus.ANSWERED), decision=str(checked.decision),
                reasons=[str(r) for r in checked.reasons],
                rationale=door.query(sealing.seal_text, request.child_id, "request_targets", "rationale", target.id,
                                            checked.rationale),
                shared_categories=[str(c) for c in checked.shared_categories], decided_by=door.actor.practitioner_id,
                decided_at=now, grants_expire_at=expires)
        .execution_options(synchronize_session=False))
    if not result.rowcount:
        refuse_when(door, subject, "decide", ConflictError("A colleague answered this request at the same time."))
    door.record(subject, "decide", decision, fields=("decision", "reasons", "rationale", "shared_categories"),
                reason=f"{checked.decision} ({', '.join(checked.reasons)})"
                       + (f": {', '.join(checked.shared_categories)}" if checked.shared_categories else ""))
    if expires is not None:
        grants.issue_grants(door, child_id=request.child_id, grantee_agency_id=request.requesting_agency_id,
                            categories=checked.shared_categories, expires_at=expires,
                            reason=f"Shared in answer to information request {request.id}",
                            decision=decision, request_id=request.id)
    door.query(request_timers.disarm, [target.id], now)
    others_pending = any(x.status == TargetStatus.PENDING for x in loaded.targets if x.id != target.id)
    if not others_pending:
        request.status = str(RequestStatus.RESPONDED)
    requester = door.query(queries.load_actor, request.requested_by)
    recipient = (Recipient(request.requesting_agency_id, practitioner_id=request.requested_by) if requester
                 else door.query(routing.front_door_of, request.requesting_agency_id))
    notices.notify(door, Notice(
        kind=NotificationKind.REQUEST_ANSWERED, recipient=recipient,
        summary=f"{door.actor.agency_name} answered your information request: {plain_words([checked.decision])} "
                f"({plain_words(checked.reasons)}).",
        dedupe_key=f"{NotificationKind.REQUEST_ANSWERED}:{target.id}", child_id=request.child_id,
        request_id=request.id))
    door.flush()
    door.expire_all()  # the conditional UPDATE bypassed the identity map
    return view_of(door, request.id)
