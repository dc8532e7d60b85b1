"""Pages for a school's designated safeguarding lead: the inbox, the pupils on roll, a pupil's chronology,
and sharing a concern or school record about a pupil. Information requests (answering the MASH, asking it)
are in ``hub.portal.requests``.

Every page declares the purpose EDUCATION_SAFEGUARDING and a case reference: the one the DSL entered, one
carried from where they came (an Operation Encompass notification), or a default naming the page and the day.
A child who is not on the school's roll gets the same "Page not found" as a child who does not exist.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from hub.domain.notification import NEEDS_ACKNOWLEDGEMENT
from hub.domain.record import Category, RecordStatus, RecordView, Tier
from hub.errors import ValidationError
from hub.portal import forms
from hub.portal.inbox_view import INBOX_KINDS, KIND_LABELS, STATUSES, InboxView
from hub.portal.templating import date_time, label
from hub.portal.trail import Trail
from hub.portal.web import Outcome, Page, Portal, Redirect, Visit
from hub.services import inbox, roll
from hub.services.children import read_child
from hub.services.information_requests import Direction, RequestFilter, list_requests
from hub.services.records import RecordDraft, list_records, share_record

PURPOSE = "EDUCATION_SAFEGUARDING"
PAGE_SIZE = 20
SHAREABLE = (
    (str(Category.SCHOOL_CONCERN), "A safeguarding concern",
     "Something you have seen, heard or been told that worries you about the child's safety or welfare."),
    (str(Category.ATTENDANCE_CONCERN), "An attendance concern", "Persistent absence, lateness or missing education."),
    (str(Category.MISSING_EPISODE), "The child went missing",
     "The child did not arrive, left school without permission, or a parent reported them missing."),
    (str(Category.HEALTH_CONCERN), "A health or wellbeing concern",
     "For example, an injury, self-harm, a worry about their mental health, or care needs not met."),
    (str(Category.EARLY_HELP), "Early help the school leads or has offered",
     "An early help assessment or plan, or support the family accepted or declined."),
    (str(Category.EXCLUSION), "An exclusion", "A suspension or a permanent exclusion."),
)
# Who can read what is shared, by the partners' rules (policies/records.polar): the summary goes to those
# working with the child, the detail to no one without a grant. Nobody is notified.
READERS = (
    "Children's social care and the MASH, for a child in their area or whom they work with",
    "Police and health safeguarding practitioners working with the child (the police also when triaging in "
    "the MASH)",
    "Any agency your school later grants access to, for the detail",
)
PRINT_SIZE = 100  # records on one printed chronology (the service's largest page)
# Plans and statuses that last: "Current" means something only for these, and only while they run.
ONGOING = frozenset({Category.CHILD_PROTECTION_PLAN, Category.LOOKED_AFTER, Category.UNBORN_CHILD_PROTECTION_PLAN,
                     Category.CHILD_IN_NEED, Category.EARLY_HELP})
CHRONOLOGY_GROUPS: dict[str, tuple[str, tuple[Category, ...]]] = {
    "plans": ("Plans and statuses", tuple(sorted(ONGOING))),
    "incidents": ("Incidents and concerns from partners", (
        Category.DOMESTIC_ABUSE_INCIDENT, Category.MISSING_EPISODE, Category.MASH_ENQUIRY,
        Category.UNSCHEDULED_CARE_ATTENDANCE, Category.HEALTH_CONCERN, Category.SEXUAL_HEALTH,
        Category.POLICE_INTELLIGENCE)),
    "school": ("Your school's records", (Category.SCHOOL_CONCERN, Category.ATTENDANCE_CONCERN,
                                         Category.EXCLUSION)),
}


def is_current(record: RecordView, today: date) -> bool:
    """A plan or status that has started, has not ended, and is not past its end date."""
    return (record.category in ONGOING and record.status == RecordStatus.ACTIVE
            and (record.start_date is None or record.start_date <= today)
            and (record.end_date is None or record.end_date >= today))


YEAR_GROUPS = {"0": "Reception", **{str(n): f"Year {n}" for n in range(1, 14)}}
# The flags a partner may hold about a pupil, in plain words (a filter on the pupils page).
FLAG_LABELS = {str(category): label(category) for category in Category}
SERVICE_FIELDS = {"summary": "summary", "detail": "detail", "startDate": "start"}


def encompass_case(notification_id: str) -> str:
    """The case reference a visit from an Operation Encompass notification carries."""
    return f"ENCOMPASS-{notification_id[:8].upper()}"


class DslPages:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    def _today(self) -> date:
        return self.portal.clock().date()

    # -- inbox -----------------------------------------------------------------------------------------
    async def inbox(self, request: Request) -> Response:
        query = request.query_params
        case = forms.case_reference(forms.text(query, "case"), "DSL-INBOX", self._today())
        after = forms.text(query, "after") or None
        shown = InboxView.of(query)

        def work(visit: Visit) -> Outcome:
            try:
                page = inbox.list_notifications(visit.door, shown.wanted, first=PAGE_SIZE, after=after)
            except ValidationError:  # a cursor the hub did not issue
                return Page("errors/404.html", status=404)
            # Whom each notice is about: a read of the pupil like any other (decided, audited).
            pupils = {child_id: read_child(visit.door, child_id)
                      for child_id in dict.fromkeys(view.child_id for view in page.views if view.child_id)}
            received = list_requests(visit.door, RequestFilter(Direction.RECEIVED, open_only=True), first=50)
            sent = list_requests(visit.door, RequestFilter(Direction.SENT), first=20)
            here = {"case": case, **shown.params}
            trail = Trail.of("/portal/inbox", here | {"after": after or "", "trail": forms.text(query, "trail")})
            return Page("dsl/inbox.html", {
                "page": page, "case": case, "encompass_case": encompass_case, "received": received, "sent": sent,
                "pupils": pupils, "now": visit.now, "shown": shown, "kinds": INBOX_KINDS, "statuses": STATUSES,
                "kind_labels": KIND_LABELS,
                "needs_acknowledgement": NEEDS_ACKNOWLEDGEMENT,
                "acknowledged": forms.text(query, "acknowledged"), "answered": bool(query.get("answered")),
                "asked": bool(query.get("asked")),
                **trail.context(_following(page.cursors, page.has_next), page.total, PAGE_SIZE),
            })

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case)

    async def acknowledge(self, request: Request) -> Response:
        form = await request.form()
        notification_id = request.path_params["notification_id"]
        case = encompass_case(notification_id)  # the notice the DSL acted on, whatever the page's reference

        def work(visit: Visit) -> Outcome:
            inbox.acknowledge(visit.door, notification_id)  # once: a second time is recorded, not repeated
            return Redirect(_href("/portal/inbox", acknowledged=1, case=forms.text(form, "case") or None))

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case, form=form)

    async def acknowledge_selected(self, request: Request) -> Response:
        """Acknowledge every notification ticked in the inbox, each audited on its own."""
        form = await request.form()
        case = forms.case_reference(forms.text(form, "case"), "DSL-INBOX", self._today())
        chosen = [value for value in form.getlist("notification") if isinstance(value, str)][:PAGE_SIZE]

        def work(visit: Visit) -> Outcome:
            if not chosen:
                return Redirect(_href("/portal/inbox", case=case, acknowledged="none"))
            done = inbox.acknowledge_many(visit.door, chosen)
            return Redirect(_href("/portal/inbox", case=case, acknowledged=done))

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case, form=form)

    # -- pupils ----------------------------------------------------------------------------------------
    async def pupils(self, request: Request) -> Response:
        query = request.query_params
        after = forms.text(query, "after") or None
        case = forms.case_reference(forms.text(query, "case"), "DSL-ROLL", self._today())
        name, year, flag = forms.text(query, "name")[:100], forms.text(query, "year"), forms.text(query, "flag")
        wanted = roll.RollFilter(name=name, year_group=int(year) if year in YEAR_GROUPS else None,
                                 flag=flag if flag in FLAG_LABELS else None)
        shown = {"name": name or None, "year": year if wanted.year_group is not None else None,
                 "flag": wanted.flag, "case": case}

        def work(visit: Visit) -> Outcome:
            try:
                page = roll.list_pupils(visit.door, first=PAGE_SIZE, after=after, wanted=wanted)
            except ValidationError:  # a cursor the hub did not issue
                return Page("errors/404.html", status=404)
            trail = Trail.of("/portal/pupils", {key: value for key, value in shown.items() if value} | {
                "after": after or "", "trail": forms.text(query, "trail")})
            return Page("dsl/pupils.html", {
                "page": page, "case": case, "values": shown,
                "filtered": bool(name or wanted.year_group is not None or wanted.flag),
                "years": [("", "Any year group"), *((key, text) for key, text in YEAR_GROUPS.items())],
                "flags": [("", "Any flag"), *FLAG_LABELS.items()],
                "year_group": lambda born: roll.year_group(born, self._today()),
                **trail.context(_following(page.cursors, page.has_next), page.total, PAGE_SIZE),
            })

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case)

    # -- a pupil's chronology --------------------------------------------------------------------------
    async def child(self, request: Request) -> Response:
        """Key facts first (current plans and statuses), then what partners shared, newest first, optionally
        of one kind; ``print=1`` gives the whole chronology on one page for printing."""
        child_id = request.path_params["child_id"]
        query = request.query_params
        case = forms.case_reference(forms.text(query, "case"), "DSL-PUPIL", self._today())
        after = forms.text(query, "after") or None
        show = forms.text(query, "show")
        show = show if show in CHRONOLOGY_GROUPS else ""
        printing = forms.text(query, "print") == "1"

        def work(visit: Visit) -> Outcome:
            child = read_child(visit.door, child_id)
            if child is None:
                return Page("errors/404.html", status=404)
            try:
                records = list_records(visit.door, child_id, first=PRINT_SIZE if printing else PAGE_SIZE,
                                       after=None if printing else after,
                                       categories=CHRONOLOGY_GROUPS[show][1] if show else ())
            except ValidationError:
                return Page("errors/404.html", status=404)
            today = self._today()
            key_facts = [flag for flag in roll.current_flags(visit.door, [child_id]).get(child_id, [])
                         if is_current(flag, today)]
            base = f"/portal/children/{child_id}"
            # A printed chronology is one page: no Previous or Next, whatever cursor the link carried.
            trail = Trail.of(base, {"case": case, "show": show, "after": "" if printing else after or "",
                                    "trail": "" if printing else forms.text(query, "trail")})
            return Page("dsl/child.html", {
                "child": child, "records": records, "case": case, "shared": bool(query.get("shared")),
                "key_facts": key_facts, "is_current": lambda record: is_current(record, today),
                "ongoing": ONGOING, "show": show, "now_text": date_time(visit.now), "groups": [("", "Everything"), *(
                    (key, text) for key, (text, _) in CHRONOLOGY_GROUPS.items())], "printing": printing,
                "print_href": _href(base, case=case, show=show or None, print=1),
                "back_href": _href(base, case=case, show=show or None),
                **trail.context(None if printing else _following(records.cursors, records.has_next),
                                records.total, PAGE_SIZE),
                "share_href": _href(f"{base}/share", case=case),
                "ask_href": _href(f"{base}/ask", case=case),
                "concern_href": _href(f"{base}/share", case=case, category=str(Category.SCHOOL_CONCERN)),
            })

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case)

    # -- sharing a concern or a school record ----------------------------------------------------------
    async def share_form(self, request: Request) -> Response:
        child_id = request.path_params["child_id"]
        query = request.query_params
        case = forms.case_reference(forms.text(query, "case"), "DSL-CONCERN", self._today())
        today = self._today()
        values = {"category": forms.text(query, "category"), "summary": "", "detail": "", "case": case,
                  "start": {"day": str(today.day), "month": str(today.month), "year": str(today.year)}}

        def work(visit: Visit) -> Outcome:
            child = read_child(visit.door, child_id)
            if child is None:
                return Page("errors/404.html", status=404)
            return Page("dsl/share.html", {"child": child, "values": values, "choices": SHAREABLE})

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case)

    async def share_submit(self, request: Request) -> Response:
        child_id = request.path_params["child_id"]
        form = await request.form()
        today = self._today()
        case = forms.case_reference(forms.text(form, "case"), "DSL-CONCERN", today)
        category, summary, detail = (forms.text(form, "category"), forms.text(form, "summary"),
                                     forms.text(form, "detail"))
        start_parts = forms.date_parts(form, "start")
        values = {"category": category, "summary": summary, "detail": detail, "case": case, "start": start_parts}
        errors: dict[str, str] = {}
        if category not in {value for value, _, _ in SHAREABLE}:
            errors["category"] = "Select what you are sharing"
        if not summary:
            errors["summary"] = "Enter a summary of what you are sharing"
        start, problem = forms.parse_date(start_parts, "the date it started", today)
        if problem:
            errors["start"] = problem

        def work(visit: Visit) -> Outcome:
            child = read_child(visit.door, child_id)
            if child is None:
                return Page("errors/404.html", status=404)
            again = Page("dsl/share.html", {"child": child, "values": values, "choices": SHAREABLE,
                                            "errors": errors}, status=400)
            if errors or start is None:
                return again
            if forms.text(form, "step") == "change":
                return Page("dsl/share.html", {"child": child, "values": values, "choices": SHAREABLE})
            if forms.text(form, "step") != "confirm":  # check your answers: sharing cannot be undone
                return Page("dsl/share_check.html", {
                    "child": child, "values": values, "start": start, "readers": READERS,
                    "category": next(text for value, text, _ in SHAREABLE if value == category)})
            # SUMMARY: partners working with the child read the summary; the detail stays at DETAIL (grants).
            draft = RecordDraft(child_id=child_id, category=Category(category), tier=Tier.SUMMARY,
                                summary=summary, detail=detail or None, start_date=start)
            try:
                share_record(visit.door, self.portal.hub.workflow, draft)
            except ValidationError as error:
                errors[SERVICE_FIELDS.get(error.field or "", "summary")] = error.message
                return again
            return Redirect(_href(f"/portal/children/{child_id}", case=case, shared=1))

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case, form=form)


def _following(cursors: tuple[str, ...], has_next: bool) -> str | None:
    """The cursor the next page starts after, when there is one."""
    return cursors[-1] if has_next and cursors else None


def _href(path: str, **params: object) -> str:
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return f"{path}?{query}" if query else path
