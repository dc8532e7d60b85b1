"""Pages for an information-governance officer (filled in with issue 4's audit services)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from hub.portal.web import Portal


class IgPages:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    def routes(self) -> list[BaseRoute]:
        return []
