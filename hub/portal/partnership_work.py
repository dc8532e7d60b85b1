"""The partnership's work in the portal: lessons from reviews (any practitioner of the partnership searches and
reads them, and sees those sent to their agency; a partnership manager publishes one, checking the answers
first), and the arrangements (a partnership manager drafts a new version; each lead partner's signatory signs
it; the third signature publishes it). Every page goes through the services, which decide and audit."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hub.domain.actor import Actor, Role
from hub.domain.partnership import (
    ArrangementDraft,
    ArrangementStatus,
    LeadPartner,
    LeadPartnerEntry,
    RelevantAgencyEntry,
)
from hub.domain.practice_review import LessonDraft, LessonTheme
from hub.errors import ConflictError, ForbiddenError, ValidationError
from hub.portal import forms
from hub.portal.templating import label
from hub.portal.trail import Trail
from hub.portal.web import Outcome, Page, Portal, Redirect, Visit
from hub.services import arrangements, directory, lessons, serious_incidents

LESSONS_PURPOSE = "SERIOUS_INCIDENT_REVIEW"
ARRANGEMENTS_PURPOSE = "PARTNERSHIP_ASSURANCE"
PAGE_SIZE = 20
PUBLISHERS = frozenset({Role.PARTNERSHIP_MANAGER, Role.REVIEWER})  # policies/reviews.polar: publish_lesson
THEMES = [(str(theme), label(theme)) for theme in LessonTheme]
PARTNERS = [(str(partner), label(partner)) for partner in LeadPartner]
LESSON_FIELDS = {"title": "title", "summary": "summary", "themes": "themes", "agencyIds": "agencies"}
DRAFT_FIELDS = {"areaCovered": "area_covered", "leadPartners": "lead_partners",
                "relevantAgencies": "relevant_agencies", "resourcing": "resourcing",
                "independentScrutiny": "independent_scrutiny", "scrutineer": "scrutineer",
                "yearlyReport": "yearly_report"}


def _href(path: str, **params: object) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{path}?{query}" if query else path


def _partnership(actor: Actor, source: Any) -> str:
    chosen = forms.text(source, "partnership")
    return chosen if chosen in actor.partnership_ids else min(actor.partnership_ids, default="")


def _chosen(source: Any, name: str) -> list[str]:
    return [value for value in source.getlist(name) if isinstance(value, str)][:50]


class PartnershipWorkPages:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/lessons", self.lessons, methods=["GET"]),
            Route("/lessons/publish", self.publish_form, methods=["GET"]),
            Route("/lessons/publish", self.publish_submit, methods=["POST"]),
            Route("/lessons/{lesson_id}", self.lesson, methods=["GET"]),
            Route("/partnership/arrangements", self.arrangements, methods=["GET"]),
            Route("/partnership/arrangements/draft", self.draft_form, methods=["GET"]),
            Route("/partnership/arrangements/draft", self.draft_submit, methods=["POST"]),
            Route("/partnership/arrangements/{arrangement_id}/sign", self.sign, methods=["POST"]),
        ]

    def _case(self, source: Any, page: str) -> str:
        return forms.case_reference(forms.text(source, "case")[:100], page, self.portal.clock().date())

    # -- lessons ---------------------------------------------------------------------------------------
    async def lessons(self, request: Request) -> Response:
        query = request.query_params
        case = self._case(query, "LESSONS")
        after = forms.text(query, "after") or None
        words = forms.text(query, "words")[:200]
        theme = forms.text(query, "theme")
        agency = forms.text(query, "agency")[:64]
        wanted = lessons.LessonSearch(text=words or None,
                                      theme=LessonTheme(theme) if theme in LessonTheme.__members__ else None,
                                      agency_id=agency or None)
        shown = {"words": words, "theme": str(wanted.theme) if wanted.theme else "", "agency": agency, "case": case}
        trail = Trail.of("/portal/lessons", shown | {"after": after or "", "trail": forms.text(query, "trail")})

        def work(visit: Visit) -> Outcome:
            try:
                page = lessons.search_lessons(visit.door, wanted, first=PAGE_SIZE, after=after)
            except ValidationError:  # a cursor the hub did not issue
                return Page("errors/404.html", status=404)
            agencies = directory.partnership_agencies(visit.door)
            names = {contact.agency_id: contact.name for contact in agencies}
            return Page("lessons/search.html", {
                "page": page, "values": shown, "case": case, "names": names,
                "themes": [("", "Any theme"), *THEMES],
                "agencies": [("", "Any agency"), *((c.agency_id, c.name) for c in agencies)],
                "mine": agency == visit.actor.agency_id,
                "mine_href": _href("/portal/lessons", agency=visit.actor.agency_id, case=case),
                # A link, like a menu entry: the publishing page and the service decide (no incident read here).
                "may_publish": bool(visit.actor.roles & PUBLISHERS),
                "filtered": bool(words or wanted.theme or agency),
                **trail.context(page.cursors[-1] if page.has_next and page.cursors else None, page.total, PAGE_SIZE),
            })

        return await self.portal.signed_in(request, work, purpose=LESSONS_PURPOSE, case_reference=case)

    async def lesson(self, request: Request) -> Response:
        query = request.query_params
        case = self._case(query, "LESSONS")
        lesson_id = request.path_params["lesson_id"]

        def work(visit: Visit) -> Outcome:
            view = lessons.read_lesson(visit.door, lesson_id)
            if view is None:
                return Page("errors/404.html", status=404)
            names = {contact.agency_id: contact.name for contact in directory.partnership_agencies(visit.door)}
            return Page("lessons/lesson.html", {"lesson": view, "names": names, "case": case,
                                                "published": bool(query.get("published"))})

        return await self.portal.signed_in(request, work, purpose=LESSONS_PURPOSE, case_reference=case)

    def _publishable(self, visit: Visit) -> tuple[list[Any], list[Any]]:
        """The incidents the actor may publish a lesson from, and the partnership's agencies; refused when
        there is no incident whose review they work on."""
        incidents = list(serious_incidents.list_incidents(visit.door, self.portal.hub.workflow).views)
        if not incidents:
            raise ForbiddenError("Lessons are published by the partnership's managers and a review's reviewers.")
        return incidents, directory.partnership_agencies(visit.door)

    @staticmethod
    def _lesson_context(incidents: list[Any], agencies: list[Any], values: dict[str, Any]) -> dict[str, Any]:
        return {"values": values, "themes": [(value, text, None) for value, text in THEMES],
                "agencies": [(c.agency_id, c.name, None) for c in agencies],
                "incidents": [(i.id, f"{label(i.kind)}, aware {i.aware_at:%d %B %Y}", None) for i in incidents]}

    async def publish_form(self, request: Request) -> Response:
        case = self._case(request.query_params, "LESSON-PUBLISH")
        values: dict[str, Any] = {"incident": "", "title": "", "summary": "", "themes": [], "agencies": [],
                                  "case": case}

        def work(visit: Visit) -> Outcome:
            incidents, agencies = self._publishable(visit)
            if len(incidents) == 1:
                values["incident"] = incidents[0].id
            return Page("lessons/publish.html", self._lesson_context(incidents, agencies, values))

        return await self.portal.signed_in(request, work, purpose=LESSONS_PURPOSE, case_reference=case)

    async def publish_submit(self, request: Request) -> Response:
        form = await request.form()
        case = self._case(form, "LESSON-PUBLISH")
        values: dict[str, Any] = {
            "incident": forms.text(form, "incident")[:64], "title": forms.text(form, "title"),
            "summary": forms.text(form, "summary"), "themes": [x for x in _chosen(form, "themes")
                                                               if x in LessonTheme.__members__],
            "agencies": _chosen(form, "agencies"), "case": case}
        errors: dict[str, str] = {}
        if not values["incident"]:
            errors["incident"] = "Select the serious incident whose review the lesson comes from"
        if not values["title"]:
            errors["title"] = "Enter a title for the lesson"
        if not values["summary"]:
            errors["summary"] = "Enter what was learned"
        if not values["themes"]:
            errors["themes"] = "Select at least one theme"
        if not values["agencies"]:
            errors["agencies"] = "Select the agencies the lesson is for"

        def work(visit: Visit) -> Outcome:
            incidents, agencies = self._publishable(visit)
            context = self._lesson_context(incidents, agencies, values)
            if errors:
                return Page("lessons/publish.html", {**context, "errors": errors}, status=400)
            step = forms.text(form, "step")
            if step == "change":
                return Page("lessons/publish.html", context)
            names = {c.agency_id: c.name for c in agencies}
            if step != "confirm":  # check your answers: a published lesson is sent at once
                incident = next((text for value, text, _ in context["incidents"] if value == values["incident"]),
                                None)
                if incident is None:
                    errors["incident"] = "Select the serious incident whose review the lesson comes from"
                    return Page("lessons/publish.html", {**context, "errors": errors}, status=400)
                return Page("lessons/publish_check.html", {
                    **context, "incident": incident, "theme_names": [label(x) for x in values["themes"]],
                    "agency_names": [names.get(x, "An agency") for x in values["agencies"]]})
            draft = LessonDraft(values["title"], values["summary"], tuple(LessonTheme(x) for x in values["themes"]),
                                tuple(values["agencies"]))
            try:
                with visit.door.atomic():
                    view = lessons.publish_lesson(visit.door, values["incident"], draft)
            except ValidationError as error:
                errors[LESSON_FIELDS.get(error.field or "", "summary")] = error.message
                return Page("lessons/publish.html", {**context, "errors": errors}, status=400)
            return Redirect(_href(f"/portal/lessons/{view.id}", published=1, case=case))

        return await self.portal.signed_in(request, work, purpose=LESSONS_PURPOSE, case_reference=case, form=form)

    # -- arrangements ----------------------------------------------------------------------------------
    def _workspace(self, visit: Visit, source: Any) -> arrangements.Workspace:
        found = arrangements.workspace(visit.door, _partnership(visit.actor, source))
        if found is None:
            raise ForbiddenError("The arrangements' drafts and signatures are for the partnership's manager and its "
                                 "lead partners' signatories.")
        return found

    async def arrangements(self, request: Request) -> Response:
        query = request.query_params
        case = self._case(query, "ARRANGEMENTS")

        def work(visit: Visit) -> Outcome:
            space = self._workspace(visit, query)
            draft = next((v for v in space.versions if v.status == ArrangementStatus.DRAFT), None)
            names = {c.agency_id: c.name for c in directory.partnership_agencies(visit.door)}
            return Page("partnership/arrangements_work.html", {
                "space": space, "draft": draft, "names": names, "signs_for": space.signs_for, "case": case,
                "published": next((v for v in space.versions if v.status == ArrangementStatus.PUBLISHED), None),
                "done": forms.text(query, "done")})

        return await self.portal.signed_in(request, work, purpose=ARRANGEMENTS_PURPOSE, case_reference=case)

    @staticmethod
    def _draft_values(content: ArrangementDraft | None) -> dict[str, Any]:
        values: dict[str, Any] = {"area_covered": "", "resourcing": "", "independent_scrutiny": "",
                                  "scrutineer": "", "yearly_report": "", "leads": {}, "relevant": {}}
        if content is None:
            return values
        values.update(area_covered=content.area_covered, resourcing=content.resourcing,
                      independent_scrutiny=content.independent_scrutiny, scrutineer=content.scrutineer,
                      yearly_report=content.yearly_report or "")
        values["leads"] = {str(e.partner): {"agency": e.agency_id, "lead": e.lead, "delegate": e.delegate}
                           for e in content.lead_partners}
        values["relevant"] = {e.agency_id: e.participation for e in content.relevant_agencies}
        return values

    def _draft_page(self, visit: Visit, values: dict[str, Any], errors: dict[str, str] | None = None,
                    status: int = 200) -> Page:
        agencies = directory.partnership_agencies(visit.door)
        return Page("partnership/arrangements_draft.html", {
            "values": values, "errors": errors or {}, "partners": PARTNERS,
            "agencies": [("", "Select an agency"), *((c.agency_id, c.name) for c in agencies)],
            "agency_list": agencies}, status=status)

    async def draft_form(self, request: Request) -> Response:
        query = request.query_params
        case = self._case(query, "ARRANGEMENTS")

        def work(visit: Visit) -> Outcome:
            space = self._workspace(visit, query)
            if not space.may_draft:
                raise ForbiddenError("The partnership manager drafts the arrangements.")
            latest = space.versions[0].content if space.versions else None
            return self._draft_page(visit, {**self._draft_values(latest), "case": case})

        return await self.portal.signed_in(request, work, purpose=ARRANGEMENTS_PURPOSE, case_reference=case)

    async def draft_submit(self, request: Request) -> Response:
        form = await request.form()
        case = self._case(form, "ARRANGEMENTS")
        values: dict[str, Any] = {key: forms.text(form, key) for key in (
            "area_covered", "resourcing", "independent_scrutiny", "scrutineer", "yearly_report")}
        values["case"] = case
        values["leads"] = {partner: {part: forms.text(form, f"lead-{partner}-{part}")[:500]
                                     for part in ("agency", "lead", "delegate")} for partner, _ in PARTNERS}
        values["relevant"] = {key[len("relevant-"):][:64]: forms.text(form, key) for key in form
                              if key.startswith("relevant-") and forms.text(form, key)}

        def work(visit: Visit) -> Outcome:
            space = self._workspace(visit, form)
            if not space.may_draft:
                raise ForbiddenError("The partnership manager drafts the arrangements.")
            draft = ArrangementDraft(
                area_covered=values["area_covered"],
                lead_partners=tuple(LeadPartnerEntry(LeadPartner(partner), lead["agency"], lead["lead"],
                                                     lead["delegate"]) for partner, lead in values["leads"].items()),
                relevant_agencies=tuple(RelevantAgencyEntry(agency_id, text)
                                        for agency_id, text in values["relevant"].items()),
                resourcing=values["resourcing"], independent_scrutiny=values["independent_scrutiny"],
                scrutineer=values["scrutineer"], yearly_report=values["yearly_report"] or None)
            try:
                with visit.door.atomic():
                    view = arrangements.draft_arrangements(visit.door, space.partnership_id, draft)
            except ValidationError as error:
                return self._draft_page(visit, values, {DRAFT_FIELDS.get(error.field or "", "area_covered"):
                                                        error.message}, status=400)
            return Redirect(_href("/portal/partnership/arrangements", done="drafted", case=case,
                                  version=view.version))

        return await self.portal.signed_in(request, work, purpose=ARRANGEMENTS_PURPOSE, case_reference=case,
                                           form=form)

    async def sign(self, request: Request) -> Response:
        form = await request.form()
        case = self._case(form, "ARRANGEMENTS")
        arrangement_id = request.path_params["arrangement_id"][:64]

        def work(visit: Visit) -> Outcome:
            try:
                with visit.door.atomic():
                    view = arrangements.sign_arrangements(visit.door, arrangement_id)
            except ConflictError as error:
                raise ForbiddenError(error.message) from error
            done = "published" if view.status == ArrangementStatus.PUBLISHED else "signed"
            return Redirect(_href("/portal/partnership/arrangements", done=done, case=case))

        return await self.portal.signed_in(request, work, purpose=ARRANGEMENTS_PURPOSE, case_reference=case,
                                           form=form)
