"""The partnership's arrangements: the partnership manager drafts a version, each of the three lead partners
signs it, and the third signature publishes it (the version it replaces is superseded). The Secretary of
State's representative sets the intervention status, with a reason. Anyone may read what is published: the
public page reads it here too, audited as an anonymous reader."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.access.request import Gateway, RequestScope, open_request
from hub.audit.entry import AuditEntry, Verdict
from hub.domain.access import PolicyActor
from hub.domain.partnership import (
    ArrangementDraft,
    ArrangementStatus,
    ArrangementView,
    InterventionStatus,
    InterventionView,
    LeadPartner,
    LeadPartnerEntry,
    PublicArrangement,
    RelevantAgencyEntry,
    SignatureView,
    check_draft,
    partner_of,
)
from hub.domain.partnership_access import ArrangementFacts
from hub.domain.working_time import as_utc
from hub.door import Door, Subject
from hub.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from hub.policy import Policy
from hub.storage import partnership_tables as pt
from hub.storage import tables as t
from hub.storage.partnership_rows import PartnershipRows

RESOURCE = "partnership_arrangements"
FIELDS = ("area_covered", "lead_partners", "relevant_agencies", "resourcing", "independent_scrutiny", "scrutineer",
          "yearly_report", "signatures")


def _rows(door: Door) -> PartnershipRows:
    return door.query(PartnershipRows)


def _facts(door: Door, rows: PartnershipRows, partnership_id: str, published: bool) -> ArrangementFacts:
    own = partnership_id in door.actor.partnership_ids
    leads = door.memo(("lead_partner_agencies", partnership_id), lambda: _lead_agencies(rows, partnership_id))
    return ArrangementFacts(published=published, own_partnership=own, lead_partner_agency=door.actor.agency_id in leads)


def _lead_agencies(rows: PartnershipRows, partnership_id: str) -> frozenset[str]:
    """The lead partners named by the newest version (drafts included: a draft names who must sign it)."""
    versions = rows.arrangements(partnership_id)
    return frozenset(entry["agency_id"] for entry in versions[0].content["lead_partners"]) if versions else frozenset()


def draft_arrangements(door: Door, partnership_id: str, draft: ArrangementDraft) -> ArrangementView:
    rows = _rows(door)
    subject = Subject(RESOURCE, partnership_id)
    door.access(subject, "draft")
    partnership = rows.get(t.Partnership, partnership_id)
    facts = ArrangementFacts(False, partnership is not None and partnership_id in door.actor.partnership_ids, False)

    def write() -> pt.Arrangement:
        agencies = rows.partnership_agencies(partnership_id)
        try:
            checked = check_draft(draft, rows.agency_kinds(agencies), agencies)
        except ValidationError as error:
            door.refuse(subject, "draft", error.message)
            raise
        for row in rows.arrangements(partnership_id):
            if row.status == ArrangementStatus.DRAFT:  # a new draft replaces an unsigned one; its signatures lapse
                row.status = str(ArrangementStatus.SUPERSEDED)
        row = pt.Arrangement(id=t.new_id(), partnership_id=partnership_id, version=rows.next_version(partnership_id),
                             status=str(ArrangementStatus.DRAFT), content=_content(checked),
                             drafted_by=door.actor.practitioner_id, drafted_at=door.now())
        rows.add(row)
        return row

    row = door.change("draft", facts, subject, write, fields=FIELDS, reason=lambda row: f"version {row.version}",
                      recorded_as=lambda row: Subject(RESOURCE, row.id),
                      missing=None if partnership else "no such partnership",
                      refused=lambda: NotFoundError("No partnership with this id."))
    assert partnership is not None  # change refuses a missing one
    return _view(rows, row, partnership.name)


def sign_arrangements(door: Door, arrangement_id: str) -> ArrangementView:
    """The actor signs for the lead partner their agency is; the third signature publishes the version."""
    rows = _rows(door)
    subject = Subject(RESOURCE, arrangement_id)
    door.access(subject, "sign")
    row = rows.get(pt.Arrangement, arrangement_id)
    if row is None:
        door.refuse(subject, "sign", "no such arrangements")
        raise NotFoundError("No arrangements with this id.")
    facts = _facts(door, rows, row.partnership_id, row.status == ArrangementStatus.PUBLISHED)
    leads = {entry["agency_id"]: LeadPartner(entry["partner"]) for entry in row.content["lead_partners"]}
    facts = ArrangementFacts(facts.published, facts.own_partnership, door.actor.agency_id in leads)
    partner = leads.get(door.actor.agency_id)

    def refused() -> Exception:
        if door.decide("read", facts, subject, audit=False).allowed:
            return ForbiddenError("Only a lead partner's signatory signs the arrangements.")
        return NotFoundError("No arrangements with this id.")

    def write() -> bool:
        """Sign; whether the signature published the version."""
        assert partner is not None  # the policy lets only a lead partner sign
        error = None
        if row.status != ArrangementStatus.DRAFT:
            error = ConflictError(f"This version is {row.status.lower()}: only a draft is signed.")
        elif partner_of(door.actor.agency_kind) != partner:
            error = ConflictError("Your agency is not the lead partner it is named as.")
        elif any(s.partner == partner for s in rows.signatures([row.id])):
            error = ConflictError(f"The {partner.replace('_', ' ').lower()} has signed this version already.")
        if error is not None:
            door.refuse(subject, "sign", error.message)
            raise error
        now = door.now()
        rows.add(pt.ArrangementSignature(id=t.new_id(), arrangement_id=row.id, partner=str(partner),
                                         agency_id=door.actor.agency_id, signed_by=door.actor.practitioner_id,
                                         signed_at=now))
        signed = {s.partner for s in rows.signatures([row.id])}
        published = signed == {str(p) for p in LeadPartner}
        if published:
            for older in rows.arrangements(row.partnership_id):
                if older.status == ArrangementStatus.PUBLISHED:
                    older.status = str(ArrangementStatus.SUPERSEDED)
            row.status, row.published_at = str(ArrangementStatus.PUBLISHED), now
            rows.flush()
        return published

    door.change("sign", facts, subject, write, fields=("signatures",), refused=refused,
                reason=lambda published: f"signed for the {str(partner).lower()}"
                                         + ("; all three signed: published" if published else ""))
    partnership = rows.get(t.Partnership, row.partnership_id)
    return _view(rows, row, partnership.name if partnership else "")


def partnership_arrangements(door: Door, partnership_id: str) -> list[ArrangementView]:
    """Every version the actor may read, newest first: partners see drafts, anyone the published one."""
    rows = _rows(door)
    subject = Subject(RESOURCE, partnership_id)
    door.access(subject, "read")
    partnership = rows.get(t.Partnership, partnership_id)
    if partnership is None:
        door.refuse(subject, "read", "no such partnership")
        return []
    views = []
    for row in rows.arrangements(partnership_id):
        facts = _facts(door, rows, partnership_id, row.status == ArrangementStatus.PUBLISHED)
        decision = door.decide("read", facts, Subject(RESOURCE, row.id), audit=False)
        door.record(Subject(RESOURCE, row.id), "read", decision, fields=FIELDS if decision.allowed else ())
        if decision.allowed:
            views.append(_view(rows, row, partnership.name))
    return views


@dataclass(frozen=True)
class Workspace:
    """What a partnership's officer (its manager, scrutineer and lead partners' signatories) works on: every
    version they may read, newest first, and whether they may draft the next."""

    partnership_id: str
    code: str  # the public page's: /portal/arrangements/{code}
    versions: tuple[ArrangementView, ...]
    may_draft: bool
    signs_for: LeadPartner | None  # the lead partner the actor may still sign the current draft for


def workspace(door: Door, partnership_id: str) -> Workspace | None:
    """The arrangements as the partnership's own officers see them; None (refused, audited) for anyone else,
    who reads only the public page."""
    rows = _rows(door)
    subject = Subject(RESOURCE, partnership_id)
    door.access(subject, "read")
    partnership = rows.get(t.Partnership, partnership_id)
    own = partnership is not None and partnership_id in door.actor.partnership_ids
    decision = door.decide("read", ArrangementFacts(False, own, False), subject, audit=False)
    if not decision.allowed:
        door.record(subject, "read", decision, reason="the arrangements' working versions are for the partnership's "
                                                      "officers")
        return None
    may_draft = door.decide("draft", ArrangementFacts(False, own, False), subject, audit=False).allowed
    versions = tuple(partnership_arrangements(door, partnership_id))
    signs_for = None
    draft = next((view for view in versions if view.status == ArrangementStatus.DRAFT), None)
    if draft is not None and door.decide("sign", ArrangementFacts(False, own, True), subject, audit=False).allowed:
        signed = {signature.partner for signature in draft.signatures}
        signs_for = next((entry.partner for entry in draft.content.lead_partners
                          if entry.agency_id == door.actor.agency_id and entry.partner not in signed), None)
    return Workspace(partnership_id, partnership.code if partnership else "", versions, may_draft, signs_for)


def intervention(door: Door, partnership_id: str) -> InterventionView:
    rows = _rows(door)
    return _intervention(rows, partnership_id)


def set_intervention(door: Door, partnership_id: str, status: InterventionStatus, reason: str) -> InterventionView:
    rows = _rows(door)
    subject = Subject("partnership_intervention", partnership_id)
    door.access(subject, "set_intervention")
    partnership = rows.get(t.Partnership, partnership_id)
    why = reason.strip()

    def write() -> None:
        if len(why) < 10 or len(why) > 5000:
            door.refuse(subject, "set_intervention", "reason missing or too long")
            raise ValidationError("Give the reason for the intervention status (10 to 5,000 characters).",
                                  field="reason")
        rows.add(pt.Intervention(id=t.new_id(), partnership_id=partnership_id, status=str(status), reason=why,
                                 set_by=door.actor.practitioner_id, set_at=door.now()))

    door.change("set_intervention", ArrangementFacts(False, False, False), subject, write,
                fields=("status", "reason"), reason=lambda _: f"{status}: {why}"[:500],
                missing=None if partnership else "no such partnership",
                refused=lambda: NotFoundError("No partnership with this id."))
    return _intervention(rows, partnership_id)


def public_arrangement(gateway: Gateway, partnership_code: str, request_id: str) -> PublicArrangement | None:
    """The arrangements in force, for anyone, signed in or not. The policy decides for an anonymous reader,
    and the reading is on the audit ledger like any other, in the one request scope every way in uses."""
    with open_request(gateway, request_id=request_id, operation="public arrangements page") as request:
        result = request.identify(_read_public, gateway.policy, partnership_code[:40], gateway.clock(), request)
        request.commit()
        return result


def _read_public(session: Session, policy: Policy, partnership_code: str, now: datetime,
                 request: RequestScope) -> PublicArrangement | None:
    rows = PartnershipRows(session)
    partnership = rows.partnership_by_code(partnership_code)
    published = [row for row in rows.arrangements(partnership.id) if row.status == ArrangementStatus.PUBLISHED
                 ] if partnership else []
    anyone = PolicyActor(frozenset(), "PUBLIC", None)
    decision = policy.decide(anyone, "read", ArrangementFacts(bool(published), False, False))
    request.note(AuditEntry(
        occurred_at=now, request_id=request.request_id, operation=request.operation, client_id="public",
        action="read", resource_type=RESOURCE, resource_id=published[0].id if published else None,
        fields=FIELDS if published and decision.allowed else (),
        decision=Verdict.ALLOW if published and decision.allowed else Verdict.DENY, rule=decision.rule,
        policy_version=decision.policy_version,
        reason=None if published else f"nothing published for {partnership_code!r}"))
    if not (partnership and published and decision.allowed):
        return None
    view = _view(rows, published[0], partnership.name)
    names = rows.agency_names([e.agency_id for e in view.content.lead_partners]
                              + [e.agency_id for e in view.content.relevant_agencies])
    return PublicArrangement(partnership.code, view, names, _intervention(rows, partnership.id), now.date())


def _intervention(rows: PartnershipRows, partnership_id: str) -> InterventionView:
    row = rows.intervention(partnership_id)
    if row is None:
        return InterventionView(partnership_id, InterventionStatus.NONE, None, None, None)
    names = rows.names([row.set_by])
    return InterventionView(partnership_id, InterventionStatus(row.status), row.reason, names.get(row.set_by),
                            as_utc(row.set_at))


def _content(draft: ArrangementDraft) -> dict[str, Any]:
    content = asdict(draft)
    content["lead_partners"] = [{**entry, "partner": str(entry["partner"])} for entry in content["lead_partners"]]
    return content


def _draft(content: dict[str, Any]) -> ArrangementDraft:
    return ArrangementDraft(
        area_covered=content["area_covered"],
        lead_partners=tuple(LeadPartnerEntry(LeadPartner(e["partner"]), e["agency_id"], e["lead"], e["delegate"])
                            for e in content["lead_partners"]),
        relevant_agencies=tuple(RelevantAgencyEntry(e["agency_id"], e["participation"])
                                for e in content["relevant_agencies"]),
        resourcing=content["resourcing"], independent_scrutiny=content["independent_scrutiny"],
        scrutineer=content["scrutineer"], yearly_report=content.get("yearly_report"))


def _view(rows: PartnershipRows, row: pt.Arrangement, partnership_name: str) -> ArrangementView:
    signatures = rows.signatures([row.id])
    names = rows.names([row.drafted_by, *(s.signed_by for s in signatures)])
    return ArrangementView(
        id=row.id, partnership_id=row.partnership_id, partnership_name=partnership_name, version=row.version,
        status=ArrangementStatus(row.status), content=_draft(row.content),
        signatures=tuple(SignatureView(LeadPartner(s.partner), s.agency_id, names.get(s.signed_by, ""),
                                       as_utc(s.signed_at)) for s in signatures),
        drafted_by_name=names.get(row.drafted_by, ""), drafted_at=as_utc(row.drafted_at),
        published_at=as_utc(row.published_at) if row.published_at else None)
