"""Information requests in the portal: a DSL reads a request addressed to the school and
answers it with a recorded decision (share all, share part, or decline, with reasons and a rationale), and
asks the MASH or another partner for information about a pupil, then reads the answers.

Pages about a request declare EDUCATION_SAFEGUARDING with the request as the case (``REQUEST-…``) unless the
DSL gives a reference of their own; asking declares the reference the DSL gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from hub.domain.actor import AgencyKind
from hub.domain.information_request import (
    DEFAULT_TIMESCALES,
    Consent,
    ConsentStatus,
    DecisionDraft,
    RagRating,
    RequestView,
    SharingDecision,
    SharingReason,
    TargetStatus,
)
from hub.domain.record import Category
from hub.errors import ConflictError, ForbiddenError, ValidationError
from hub.portal import forms
from hub.portal.dsl import PURPOSE
from hub.portal.templating import label
from hub.portal.web import Outcome, Page, Portal, Redirect, Visit
from hub.services.children import read_child
from hub.services.directory import partner_agencies
from hub.services.information_requests import RequestDraft, create_request, read_request
from hub.services.sharing import decide

DECISIONS = (
    (str(SharingDecision.SHARE_ALL), "Share all of it", "Every category asked for that your school holds."),
    (str(SharingDecision.SHARE_PART), "Share some of it", "Choose the categories below, and say why not the rest."),
    (str(SharingDecision.DECLINE), "Do not share", "Say why below. Declining is recorded as carefully as sharing."),
)
WITHHOLDING = (
    (str(SharingReason.NOT_HELD), "The school does not hold this information", None),
    (str(SharingReason.NOT_NECESSARY_OR_PROPORTIONATE), "Sharing it is not necessary or proportionate", None),
    (str(SharingReason.MORE_DETRIMENTAL_TO_CHILD), "Sharing it would be more detrimental to the child than not "
     "sharing", "Children's Wellbeing and Schools Act 2026 s.4"),
    (str(SharingReason.CONSENT_REFUSED_NO_OVERRIDE), "Consent was refused and not overridden", None),
    (str(SharingReason.WOULD_PREJUDICE_INVESTIGATION), "Sharing it now would prejudice an investigation", None),
)
def _timescale(rating: RagRating) -> str:
    """The partnership default, worded as the README and the API word it: Red runs day and night."""
    scale = DEFAULT_TIMESCALES[rating]
    return f"{scale.hours:g} working hours" if scale.working_hours else f"{scale.hours:g} hours, day or night"


RATINGS = (
    (str(RagRating.RED), "Red", f"The child may be at immediate risk: answers within {_timescale(RagRating.RED)}."),
    (str(RagRating.AMBER), "Amber", f"Answers within {_timescale(RagRating.AMBER)}."),
    (str(RagRating.GREEN), "Green", f"Answers within {_timescale(RagRating.GREEN)}."),
)
CONSENTS = (
    (str(ConsentStatus.GIVEN), "Given", None),
    (str(ConsentStatus.NOT_SOUGHT), "Not sought", "For example, because asking could put the child at risk."),
    (str(ConsentStatus.REFUSED), "Refused", None),
)
SCHOOL_OWN = {Category.ATTENDANCE_CONCERN, Category.EXCLUSION, Category.SCHOOL_CONCERN}
ASKABLE = tuple((str(c), label(c), None) for c in Category if c not in SCHOOL_OWN)
DECISION_FIELDS = {"sharedCategories": "shared", "reasonCodes": "reasons", "rationale": "rationale"}
ASK_FIELDS = {"targetAgencyIds": "agencies", "categories": "categories", "justification": "justification",
              "consent.reason": "consent_reason"}


def request_case(request_id: str) -> str:
    return f"REQUEST-{request_id[:8].upper()}"


class RequestPages:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    # -- one request: read it, and answer it when it is the school's to answer -------------------------
    async def show(self, request: Request) -> Response:
        request_id = request.path_params["request_id"]
        query = request.query_params
        case = forms.text(query, "case") or request_case(request_id)

        def work(visit: Visit) -> Outcome:
            view = read_request(visit.door, request_id)
            if view is None:
                return Page("errors/404.html", status=404)
            return self._page(visit, view, case, {}, {}, asked=bool(query.get("asked")))

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case)

    async def answer(self, request: Request) -> Response:
        request_id = request.path_params["request_id"]
        form = await request.form()
        case = forms.text(form, "case") or request_case(request_id)
        chosen, rationale = forms.text(form, "decision"), forms.text(form, "rationale")
        shared, withheld = _all(form, "shared"), _all(form, "reasons")
        values = {"decision": chosen, "shared": shared, "reasons": withheld, "rationale": rationale}
        errors: dict[str, str] = {}
        if chosen not in {value for value, _, _ in DECISIONS}:
            errors["decision"] = "Select whether your school shares the information"

        def work(visit: Visit) -> Outcome:
            if not errors:
                decision = SharingDecision(chosen)
                reasons = [SharingReason(r) for r in withheld if r in SharingReason.__members__]
                if decision != SharingDecision.DECLINE:  # what is shared is recorded as shared
                    reasons.insert(0, SharingReason.SHARED)
                draft = DecisionDraft(decision, tuple(reasons), rationale,
                                      tuple(Category(c) for c in shared if c in Category.__members__))
                try:
                    decide(visit.door, self.portal.hub.workflow, request_id, draft)
                    return Redirect(f"/portal/inbox?{urlencode({'answered': 1})}")
                except ValidationError as error:
                    errors[DECISION_FIELDS.get(error.field or "", "decision")] = error.message
                except ConflictError as error:
                    errors["decision"] = error.message
            view = read_request(visit.door, request_id)
            if view is None:
                return Page("errors/404.html", status=404)
            return self._page(visit, view, case, values, errors, status=400)

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case, form=form)

    def _page(self, visit: Visit, view: RequestView, case: str, values: Mapping[str, Any],
              errors: dict[str, str], *, asked: bool = False, status: int = 200) -> Page:
        door = visit.door
        child = read_child(door, view.child_id)
        agencies = door.contacts({view.requesting_agency_id, *(target.agency_id for target in view.targets)})
        mine = next((target for target in view.targets if target.agency_id == visit.actor.agency_id), None)
        return Page("dsl/request.html", {
            "request": view, "child": child, "agencies": agencies, "case": case, "asked": asked,
            "ours": view.requesting_agency_id == visit.actor.agency_id,
            "to_answer": mine is not None and mine.status == TargetStatus.PENDING,
            "values": values, "errors": errors, "decisions": DECISIONS, "withholding": WITHHOLDING,
            "asked_categories": [(str(c), label(c), None) for c in view.categories],
        }, status=status)

    # -- asking the MASH or another partner about a pupil ----------------------------------------------
    async def ask_form(self, request: Request) -> Response:
        child_id = request.path_params["child_id"]
        case = forms.case_reference(forms.text(request.query_params, "case"), "DSL-REQUEST",
                                    self.portal.clock().date())

        def work(visit: Visit) -> Outcome:
            child = read_child(visit.door, child_id)
            if child is None:
                return Page("errors/404.html", status=404)
            partners = partner_agencies(visit.door)
            mash = [p.agency_id for p in partners if p.kind == AgencyKind.LOCAL_AUTHORITY]
            values = {"agencies": mash, "categories": [], "justification": "", "rating": "", "consent": "",
                      "consent_reason": "", "case": case}
            return self._ask_page(child, partners, values, {})

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case)

    async def ask(self, request: Request) -> Response:
        child_id = request.path_params["child_id"]
        form = await request.form()
        case = forms.case_reference(forms.text(form, "case"), "DSL-REQUEST", self.portal.clock().date())
        values: dict[str, Any] = {
            "agencies": _all(form, "agencies"), "categories": _all(form, "categories"),
            "justification": forms.text(form, "justification"), "rating": forms.text(form, "rating"),
            "consent": forms.text(form, "consent"), "consent_reason": forms.text(form, "consent_reason"),
            "case": case}
        errors: dict[str, str] = {}
        if values["rating"] not in {value for value, _, _ in RATINGS}:
            errors["rating"] = "Select how urgent the request is"
        if values["consent"] not in {value for value, _, _ in CONSENTS}:
            errors["consent"] = "Select whether consent was given"

        def work(visit: Visit) -> Outcome:
            child = read_child(visit.door, child_id)
            if child is None:
                return Page("errors/404.html", status=404)
            if not errors:
                draft = RequestDraft(
                    child_id=child_id, target_agency_ids=tuple(values["agencies"]),
                    categories=tuple(Category(c) for c in values["categories"] if c in Category.__members__),
                    justification=values["justification"],
                    consent=Consent(ConsentStatus(values["consent"]), values["consent_reason"] or None),
                    rating=RagRating(values["rating"]))
                try:
                    made = create_request(visit.door, self.portal.hub.workflow, draft)
                    return Redirect(f"/portal/requests/{made.id}?{urlencode({'asked': 1, 'case': case})}")
                except ValidationError as error:
                    errors[ASK_FIELDS.get(error.field or "", "justification")] = error.message
                except ForbiddenError as error:
                    errors["agencies"] = error.message
            return self._ask_page(child, partner_agencies(visit.door), values, errors, status=400)

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case, form=form)

    @staticmethod
    def _ask_page(child: Any, partners: list[Any], values: Mapping[str, Any], errors: dict[str, str],
                  status: int = 200) -> Page:
        agencies = [(p.agency_id, p.name, "The MASH" if p.kind == AgencyKind.LOCAL_AUTHORITY else None)
                    for p in partners]
        return Page("dsl/ask.html", {"child": child, "values": values, "errors": errors, "agencies": agencies,
                                     "categories": ASKABLE, "ratings": RATINGS, "consents": CONSENTS},
                    status=status)


def _all(form: Any, name: str) -> list[str]:
    return [value for value in form.getlist(name) if isinstance(value, str)]
