"""Browser tests: the real app under uvicorn on a loopback port, driven by Debian's Chromium through
Playwright, with axe-core checking every page. Skipped, saying why, where Chromium, Playwright or the portal's
front-end build is missing.

These tests get a database of their own (SQLite, demo-seeded) so that what they acknowledge, share and lock
out does not leak into the API tests, and a clock the idle-timeout test can move.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.bootstrap import Hub, bootstrap
from hub.demo import seed
from hub.migrate import upgrade
from hub.settings import PROJECT_ROOT
from hub.storage.unit_of_work import UnitOfWork
from tests.api import as_practitioner
from tests.conftest import LiveServer, make_settings
from tests.databases import sqlite_url
from tests.portal import code_for, password_for

CHROMIUM = Path("/usr/bin/chromium")
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ASSETS = PROJECT_ROOT / "hub" / "portal" / "assets" / "portal.css"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
# WCAG 1.4.10 (reflow): content at 320 CSS pixels wide needs no scrolling sideways. axe cannot see it.
PHONE = {"width": 320, "height": 720}

pytestmark = pytest.mark.browser


@dataclass
class MovableClock:
    """Real time plus an offset the test controls: sessions and lockouts read it, the data does not."""

    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    @contextmanager
    def later(self, delta: timedelta) -> Iterator[None]:
        self.offset += delta
        try:
            yield
        finally:
            self.offset -= delta


@pytest.fixture(scope="session")
def playwright_api() -> Iterator[Any]:
    missing = [what for what, present in (
        (f"Chromium ({CHROMIUM}; apt-get install chromium)", CHROMIUM.exists()),
        ("axe-core (npm ci)", AXE.exists()),
        ("the portal's built assets (make install)", ASSETS.exists()),
    ) if not present]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing.append("Playwright for Python (pip install -e '.[dev]')")
    if missing:
        pytest.skip("browser tests need " + ", ".join(missing))
    with sync_playwright() as api:
        yield api


@pytest.fixture(scope="session")
def browser(playwright_api: Any) -> Iterator[Any]:
    instance = playwright_api.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def portal_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    url = sqlite_url(tmp_path_factory.mktemp("portal-db"))
    upgrade(url)
    hub = bootstrap(make_settings(url, tmp_path_factory.mktemp("portal-keys")))
    with UnitOfWork(hub.session_factory) as uow:
        seed(uow.session)
        uow.commit()
    yield hub
    hub.dispose()


@pytest.fixture(scope="session")
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture(scope="session")
def portal_server(portal_hub: Hub, clock: MovableClock) -> Iterator[LiveServer]:
    with LiveServer(portal_hub, clock=clock) as live:
        yield live


class Browsing:
    """One person's browser: a fresh context (cookies of its own) with axe-core loaded on every page, and
    any Content-Security-Policy violation remembered so the test can fail on it."""

    def __init__(self, browser: Any, base_url: str, clock: MovableClock, *, javascript: bool = True) -> None:
        self.clock = clock
        self.context = browser.new_context(base_url=base_url, java_script_enabled=javascript,
                                           viewport=DESKTOP)
        if javascript:
            # An init script runs through the DevTools protocol, so the pages' CSP does not block it.
            self.context.add_init_script(path=str(AXE))
        self.page = self.context.new_page()
        self.csp_violations: list[str] = []
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_violations.append(message.text)

    def sign_in(self, email: str) -> None:
        page = self.page
        # A code is accepted once, and the tests sign in many times: each sign-in happens a time step (30
        # seconds) later on the server's clock, with that step's code.
        self.clock.offset += timedelta(seconds=30)
        code = code_for(email, self.clock())
        page.goto("/portal/sign-in")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(password_for(email))
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Enter the code from your authenticator app").fill(code)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    def check_accessibility(self) -> None:
        """axe-core on the current page: no serious or critical WCAG 2.2 A/AA violation."""
        self.page.wait_for_load_state("load")  # styles applied: sizes and contrast are what a person sees
        violations = self.page.evaluate(
            "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target)}))",
            WCAG,
        )
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not bad, f"{self.page.url}: {bad}"
        assert not self.csp_violations, self.csp_violations

    def check_reflow(self) -> None:
        """At 320 CSS pixels the page does not scroll sideways (WCAG 1.4.10): the document is no wider than
        the viewport. Names the widest elements when it fails, so the fix is easy to find."""
        overflow = self.page.evaluate("""() => {
            const width = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > width + 1)
              .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                + ' ' + Math.round(e.getBoundingClientRect().right));
            return {scroll: document.documentElement.scrollWidth, width: window.innerWidth, wide};
        }""")
        assert overflow["scroll"] <= overflow["width"], f"{self.page.url} scrolls sideways at " \
            f"{overflow['width']}px: {overflow['scroll']}px wide; {overflow['wide']}"

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def check(self, name: str) -> None:
        """The usual end of a step, at desktop and at phone width: the page passes axe, does not scroll
        sideways at 320 CSS pixels, and a reviewer can look at both."""
        self.check_accessibility()
        self.screenshot(name)
        desktop = self.page.viewport_size or DESKTOP
        self.page.set_viewport_size(PHONE)
        try:
            self.check_accessibility()
            self.check_reflow()
            self.screenshot(f"{name}-phone")
        finally:
            self.page.set_viewport_size(desktop)

    def main_text(self) -> str:
        return re.sub(r"\s+", " ", self.page.locator("main").inner_text()).strip()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def person(browser: Any, portal_server: LiveServer, clock: MovableClock) -> Iterator[Any]:
    """A factory of people, each in a browser context of their own; closed after the test."""
    opened: list[Browsing] = []

    def open_browser(*, javascript: bool = True) -> Browsing:
        browsing = Browsing(browser, portal_server.url, clock, javascript=javascript)
        opened.append(browsing)
        return browsing

    yield open_browser
    for browsing in opened:
        browsing.close()


ENCOMPASS = """mutation($input: NotifyDomesticAbuseIncidentInput!) { notifyDomesticAbuseIncident(input: $input) {
  notificationIds errors { code message } } }"""


@pytest.fixture
def police_report(portal_hub: Hub, portal_server: LiveServer) -> Any:
    """Pat, a police officer, reports a domestic abuse incident through the API (Operation Encompass): the
    child's school is notified, as the police's own system would make it happen."""

    def report(child_id: str, reference: str, *, do_not_approach_parents: bool = False) -> str:
        with httpx.Client(base_url=portal_server.url, timeout=30) as http:
            pat = as_practitioner(portal_hub, http, "pat.police@police.northbridge.example",
                                  "POLICE_INVESTIGATION", reference)
            body = pat.gql(ENCOMPASS, {"input": {
                "childId": child_id, "policeReference": reference,
                "occurredAt": (datetime.now(UTC) - timedelta(hours=3)).isoformat(), "location": "The family home",
                "childPresent": True, "childLocation": "upstairs", "childSpokenTo": False,
                "circumstances": f"Incident {reference}: argument between the adults; police attended.",
                "doNotApproachParents": do_not_approach_parents}})
        reported = body["data"]["notifyDomesticAbuseIncident"]
        assert reported["errors"] == [] and reported["notificationIds"], body
        return str(reported["notificationIds"][0])

    return report


@pytest.fixture(scope="session", autouse=True)
def _fresh_artifacts() -> None:
    """Screenshots of this run only."""
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
