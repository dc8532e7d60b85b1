"""Pages for an information-governance officer: audit search, a child's full access history, partners'
accesses to the agency's records, and the break-glass review queue with its outcomes.

They call the audit-review services, which decide each query by the policy (purpose AUDIT_REVIEW)
and record it, with its filters, on the ledger it reads. The case reference is the officer's own: a subject
access request or review number, or by default the page and the day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hub.domain.audit import BREAK_GLASS, REVIEW_BREAK_GLASS, AuditFilter, AuditPage, BreakGlassOutcome
from hub.errors import ConflictError, NotFoundError, ValidationError
from hub.portal import forms
from hub.portal.child_lookup import ChildLookup
from hub.portal.templating import LOCAL
from hub.portal.trail import Trail
from hub.portal.web import AfterCommit, Download, Outcome, Page, Portal, Redirect, Visit
from hub.services import audit_review
from hub.services.audit_review import PageRequest
from hub.services.directory import practitioner_by_email
from hub.services.ledger_review import (
    PreparedExport,
    ledger_status,
    prepare_child_export,
    prepare_export,
    verify_ledger,
    write_prepared_export,
)
from hub.services.review_subjects import identify_by_id

PURPOSE = "AUDIT_REVIEW"
PAGE_SIZE = 25
ACTIONS = ("read", "list", "find", "share", "amend", "end", "grant", "break_glass", "review_break_glass",
           "acknowledge", "export", "sign_in", "sign_in_second_factor", "sign_out", "session_expired", "quick_exit")
OUTCOMES = (
    (str(BreakGlassOutcome.JUSTIFIED), "Justified", "The emergency warranted the access."),
    (str(BreakGlassOutcome.NOT_JUSTIFIED), "Not justified", "The access was not warranted: follow it up."),
    (str(BreakGlassOutcome.ESCALATED), "Escalated", "Referred on, for example to the data protection officer."),
)


def day_start(day: date) -> datetime:
    """Midnight in England, as UTC: the officer's dates are local days."""
    return datetime.combine(day, time.min, tzinfo=LOCAL).astimezone(UTC)


class IgPages:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/audit", self.search),
            Route("/audit/child", self.child_history),
            Route("/audit/child/export", self.child_export, methods=["POST"]),
            Route("/audit/partners", self.partners),
            Route("/audit/break-glass", self.break_glass, methods=["GET"]),
            Route("/audit/break-glass/{seq}/review", self.review, methods=["POST"]),
            Route("/audit/integrity", self.integrity, methods=["GET"]),
            Route("/audit/integrity/verify", self.verify, methods=["POST"]),
            Route("/audit/export", self.export_form, methods=["GET"]),
            Route("/audit/export", self.export, methods=["POST"]),
        ]

    def _case(self, source: Any, page: str) -> str:
        return forms.case_reference(forms.text(source, "case"), f"IG-{page}", self.portal.clock().date())

    # -- audit search ----------------------------------------------------------------------------------
    async def search(self, request: Request) -> Response:
        query = request.query_params
        case = self._case(query, "AUDIT-SEARCH")
        values, errors, window = _date_window(query, self.portal.clock().date())
        values |= {key: forms.text(query, key) for key in ("practitioner", "child", "action", "decision", "mine")}
        values["case"] = case
        if values["action"] and values["action"] not in ACTIONS:
            errors["action"] = "Select an action from the list"
        if values["decision"] not in ("", "ALLOW", "DENY"):
            errors["decision"] = "Select allowed or refused"
        after = forms.text(query, "after") or None

        def work(visit: Visit) -> Outcome:
            if errors:
                return Page("ig/search.html", _search_context(values, errors, None, None), status=400)
            practitioner_id = None
            if values["practitioner"]:
                found = practitioner_by_email(visit.door, values["practitioner"])
                if found is None:
                    return Page("ig/search.html", _search_context(values, {
                        "practitioner": "Enter the e-mail address of a practitioner who uses the hub"}, None, None),
                        status=400)
                practitioner_id = found.id
            if values["child"]:  # an id that is no child's would find "0 events": a false nothing
                try:
                    identify_by_id(visit.door, values["child"])
                except NotFoundError as error:
                    return Page("ig/search.html", _search_context(values, {"child": error.message}, None, None),
                                status=400)
            wanted = AuditFilter(since=window[0], until=window[1], child_id=values["child"] or None,
                                 practitioner_id=practitioner_id, action=values["action"] or None,
                                 decision=values["decision"] or None,
                                 hide_reviews_by=None if values["mine"] else visit.actor.practitioner_id)
            page = audit_review.list_events(visit.door, wanted, PageRequest(PAGE_SIZE, after))
            trail = Trail.of("/portal/audit", query).context(_following(page), page.total, PAGE_SIZE)
            return Page("ig/search.html", _search_context(values, {}, page, None) | trail | {
                "names": audit_review.practitioner_names(visit.door, page.events)})

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case)

    # -- a child's full access history -----------------------------------------------------------------
    async def child_history(self, request: Request) -> Response:
        """Identify the child (by NHS number, or names and date of birth, or the hub id an audit event links
        to), then every access to their information involving the agency. A child the hub does not hold is an
        error that says so: answering a subject access request with a false "no accesses" must not happen."""
        query = request.query_params
        case = self._case(query, "CHILD-HISTORY")
        lookup = ChildLookup.of(query, self.portal.clock().date())
        after = forms.text(query, "after") or None

        def work(visit: Visit) -> Outcome:
            context: dict[str, Any] = {"values": lookup.values | {"case": case}, "errors": lookup.errors,
                                       "case": case, "child": None, "candidates": None, "page": None,
                                       "next_href": None}
            if lookup.errors:
                return Page("ig/child.html", context, status=400)
            try:
                found = lookup.identify(visit.door)
            except (NotFoundError, ValidationError) as error:
                field = getattr(error, "field", None) or lookup.error_field
                return Page("ig/child.html", context | {"errors": {field: error.message}}, status=400)
            if found is None:
                return Page("ig/child.html", context)
            if len(found) > 1 or lookup.by_details:  # a demographic match: the officer confirms which child
                return Page("ig/child.html", context | {"candidates": [
                    (child, _href("/portal/audit/child", child=child.id, case=case)) for child in found]})
            child = found[0]
            mine = bool(forms.text(query, "mine"))
            page = audit_review.child_history(visit.door, child.id, PageRequest(PAGE_SIZE, after),
                                              hide_own_reviews=not mine)
            trail = Trail.of("/portal/audit/child", {"child": child.id, "case": case, "mine": "1" if mine else "",
                                                     "after": after or "", "trail": forms.text(query, "trail")})
            return Page("ig/child.html", context | trail.context(_following(page), page.total, PAGE_SIZE) | {
                "child": child, "page": page, "export_formats": FORMATS, "mine": mine,
                "names": audit_review.practitioner_names(visit.door, page.events),
                "mine_href": _href("/portal/audit/child", child=child.id, case=case, mine=None if mine else "1")})

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case)

    async def child_export(self, request: Request) -> Response:
        """One child's access history as a file (JSON Lines, verifiable offline, or CSV)."""
        form = await request.form()
        case = self._case(form, "CHILD-HISTORY")
        child_id, file_format = forms.text(form, "child"), forms.text(form, "format")

        def work(visit: Visit) -> Outcome:
            try:
                child = identify_by_id(visit.door, child_id)
            except NotFoundError as error:
                return Page("ig/child.html", {"values": {"case": case}, "errors": {"nhs": error.message},
                                              "case": case}, status=400)
            if file_format not in {value for value, _, _ in FORMATS}:
                return Redirect(_href("/portal/audit/child", child=child.id, case=case))
            prepared = prepare_child_export(visit.door, child.id, "csv" if file_format == "csv" else "jsonl")
            return AfterCommit(lambda: self._write(prepared))

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case, form=form)

    # -- partners' accesses to the agency's records ----------------------------------------------------
    async def partners(self, request: Request) -> Response:
        query = request.query_params
        case = self._case(query, "PARTNER-ACCESS")
        values, errors, window = _date_window(query, self.portal.clock().date())
        values["case"] = case
        after = forms.text(query, "after") or None

        def work(visit: Visit) -> Outcome:
            if errors:
                return Page("ig/partners.html", {"values": values, "errors": errors, "page": None,
                                                 "next_href": None}, status=400)
            wanted = AuditFilter(since=window[0], until=window[1])
            page = audit_review.partner_accesses(visit.door, wanted, PageRequest(PAGE_SIZE, after))
            return Page("ig/partners.html", {
                "values": values, "page": page,
                "by_agency": audit_review.partner_accesses_by_agency(visit.door, wanted),
                "names": audit_review.practitioner_names(visit.door, page.events),
                **Trail.of("/portal/audit/partners", query).context(_following(page), page.total, PAGE_SIZE)})

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case)

    # -- break-glass review ----------------------------------------------------------------------------
    async def break_glass(self, request: Request) -> Response:
        case = self._case(request.query_params, "BREAK-GLASS-REVIEW")
        reviewed = forms.text(request.query_params, "reviewed")

        def work(visit: Visit) -> Outcome:
            return self._queue_page(visit, case, {}, {}, reviewed)

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case)

    async def review(self, request: Request) -> Response:
        form = await request.form()
        seq = request.path_params["seq"]
        case = self._case(form, "BREAK-GLASS-REVIEW")
        outcome, notes = forms.text(form, "outcome"), forms.text(form, "notes")

        def work(visit: Visit) -> Outcome:
            errors: dict[str, str] = {}
            if outcome not in {value for value, _, _ in OUTCOMES}:
                errors[f"outcome-{seq}"] = "Select the outcome of your review"
            if not notes:
                errors[f"notes-{seq}"] = "Enter what your review found"
            if not errors:
                try:
                    audit_review.review_break_glass(visit.door, seq, BreakGlassOutcome(outcome), notes)
                    return Redirect(f"/portal/audit/break-glass?{urlencode({'case': case, 'reviewed': seq})}")
                except ValidationError as error:
                    errors[f"notes-{seq}"] = error.message
                except (ConflictError, NotFoundError) as error:
                    errors[f"outcome-{seq}"] = error.message
            return self._queue_page(visit, case, errors, {"seq": seq, "outcome": outcome, "notes": notes}, "",
                                    status=400)

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case, form=form)

    def _queue_page(self, visit: Visit, case: str, errors: dict[str, str], values: dict[str, str],
                    reviewed: str, status: int = 200) -> Page:
        queue = audit_review.break_glass_queue(visit.door, PageRequest(50))
        outcomes = audit_review.list_events(visit.door, AuditFilter(action=REVIEW_BREAK_GLASS), PageRequest(20))
        # For each use: whom it was about (identified for the review, audited) and what was then read.
        children = {}
        for child_id in dict.fromkeys(event.child_id for event in (*queue.events, *outcomes.events)
                                      if event.child_id):
            try:
                children[child_id] = identify_by_id(visit.door, child_id)
            except NotFoundError:
                continue
        seen = {event.seq: audit_review.emergency_reads(visit.door, event) for event in queue.events}
        names = audit_review.practitioner_names(visit.door, (*queue.events, *outcomes.events))
        return Page("ig/break_glass.html", {"queue": queue, "outcomes": outcomes, "case": case, "errors": errors,
                                            "values": values, "choices": OUTCOMES, "reviewed": reviewed,
                                            "break_glass": BREAK_GLASS, "children": children, "seen": seen,
                                            "names": names}, status=status)


    # -- exports ---------------------------------------------------------------------------------------
    async def export_form(self, request: Request) -> Response:
        case = self._case(request.query_params, "AUDIT-EXPORT")
        today = self.portal.clock().date()
        start = today.replace(day=1)
        values = {"from": {"day": str(start.day), "month": str(start.month), "year": str(start.year)},
                  "to": {"day": str(today.day), "month": str(today.month), "year": str(today.year)},
                  "format": "jsonl", "case": case}
        return await self.portal.signed_in(request, lambda visit: Page("ig/export.html", {
            "values": values, "formats": FORMATS}))

    async def export(self, request: Request) -> Response:
        form = await request.form()
        case = self._case(form, "AUDIT-EXPORT")
        values, errors, window = _date_window(form, self.portal.clock().date())
        values |= {"format": forms.text(form, "format"), "case": case}
        if window[0] is None and "from" not in errors:
            errors["from"] = "Enter the date to export from"
        if window[1] is None and "to" not in errors:
            errors["to"] = "Enter the date to export to"
        if values["format"] not in {value for value, _, _ in FORMATS}:
            errors["format"] = "Select the file format"

        def work(visit: Visit) -> Outcome:
            if errors or window[0] is None or window[1] is None:
                return Page("ig/export.html", {"values": values, "errors": errors, "formats": FORMATS}, status=400)
            prepared = prepare_export(visit.door, window[0], window[1], values["format"])
            return AfterCommit(lambda: self._write(prepared))

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case, form=form)


    def _write(self, prepared: PreparedExport) -> Download:
        hub = self.portal.hub
        out, _ = write_prepared_export(hub.gateway, hub.engine, prepared, hub.settings.audit_origin)
        media_type = "text/csv; charset=utf-8" if prepared.file_format == "csv" else "application/x-ndjson"
        return Download(out, media_type, prepared.filename)

    # -- the ledger's integrity ------------------------------------------------------------------------
    async def integrity(self, request: Request) -> Response:
        case = self._case(request.query_params, "LEDGER-INTEGRITY")

        def work(visit: Visit) -> Outcome:
            return Page("ig/integrity.html", {"status": ledger_status(visit.door), "verification": None,
                                              "case": case, "stale_after": self._stale_after()})

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case)

    async def verify(self, request: Request) -> Response:
        form = await request.form()
        case = self._case(form, "LEDGER-INTEGRITY")
        hub = self.portal.hub

        def work(visit: Visit) -> Outcome:
            settings = hub.settings
            verification = verify_ledger(visit.door, hub.engine, hub.keys.public_keys().values(),
                                         settings.audit_origin, self._stale_after(),
                                         settings.checkpoint_every_events, settings.checkpoint_every_seconds,
                                         settings.checkpoint_publish_dir)
            return Page("ig/integrity.html", {"status": ledger_status(visit.door), "verification": verification,
                                              "case": case, "stale_after": self._stale_after()})

        return await self.portal.signed_in(request, work, purpose=PURPOSE, case_reference=case, form=form)

    def _stale_after(self) -> timedelta:
        return timedelta(seconds=self.portal.hub.settings.checkpoint_stale_seconds)


FORMATS = (
    ("jsonl", "JSON Lines", "Verifiable: with the hub's public keys, `hub audit verify --export FILE` proves the "
     "events are exactly as recorded. Events of other agencies appear only as digests."),
    ("csv", "CSV", "For reading in a spreadsheet. It cannot be verified on its own."),
)


def _date_window(query: Any, today: date) -> tuple[dict[str, Any], dict[str, str], tuple[datetime | None,
                                                                                          datetime | None]]:
    """The From and To days the officer entered (either may be blank), as a UTC window [since, until)."""
    values: dict[str, Any] = {"from": forms.date_parts(query, "from"), "to": forms.date_parts(query, "to")}
    errors: dict[str, str] = {}
    since = until = None
    if any(values["from"].values()):
        start, problem = forms.parse_date(values["from"], "the date to search from", today)
        if problem:
            errors["from"] = problem
        elif start:
            since = day_start(start)
    if any(values["to"].values()):
        end, problem = forms.parse_date(values["to"], "the date to search to", today)
        if problem:
            errors["to"] = problem
        elif end:
            until = day_start(end + timedelta(days=1))
    if since and until and until <= since:
        errors["to"] = "The date to search to must be the same as or after the date to search from"
    return values, errors, (since, until)


def _search_context(values: dict[str, Any], errors: dict[str, str], page: AuditPage | None,
                    next_href: str | None) -> dict[str, Any]:
    actions = [(action, action.replace("_", " ").capitalize()) for action in ACTIONS]
    return {"values": values, "errors": errors, "page": page, "next_href": next_href, "actions": actions}


def _following(page: AuditPage) -> str | None:
    """The cursor the next page starts after, when there is one."""
    return audit_review.encode_cursor(page.events[-1].seq) if page.has_next and page.events else None


def _href(path: str, **params: str | None) -> str:
    return f"{path}?{urlencode({key: value for key, value in params.items() if value})}"
