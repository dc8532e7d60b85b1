"""Previous and Next through keyset pages (hub.services.paging) in the portal.

A cursor says where the next page starts, never where the previous one did, so the cursors of the pages
before this one ride in the link (``trail``): Previous goes back exactly to the page that was shown, and the
page number is their count. The first page has no cursor, and is ``FIRST`` in a trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from hub.portal import forms

MAX_TRAIL = 200  # pages a Previous link can walk back through
FIRST = "-"


@dataclass(frozen=True)
class Trail:
    path: str
    params: dict[str, str]
    after: str
    before: tuple[str, ...]

    @classmethod
    def of(cls, path: str, query: Any) -> Trail:
        """The trail of the page ``query`` asks for; its other parameters (the filters) ride in every link."""
        params = {key: value for key, value in query.items() if key not in ("after", "trail", "page") and value}
        trail = forms.text(query, "trail")
        before = tuple("" if step == FIRST else step for step in trail.split("~"))[-MAX_TRAIL:] if trail else ()
        return cls(path, params, forms.text(query, "after"), before)

    def href(self, after: str, before: tuple[str, ...]) -> str:
        extra = {"after": after} if after else {}
        extra |= {"trail": "~".join(step or FIRST for step in before)} if before else {}
        return f"{self.path}?{urlencode(self.params | extra)}"

    def context(self, following: str | None, total: int, page_size: int) -> dict[str, Any]:
        """The links and page number around a page; ``following`` is the cursor of its last row when more
        follow."""
        next_href = self.href(following, (*self.before, self.after)) if following else None
        previous = None
        if self.after:
            previous = self.href(self.before[-1], self.before[:-1]) if self.before else self.href("", ())
        return {"next_href": next_href, "previous_href": previous,
                "page_number": len(self.before) + 1 if self.after else 1,
                "page_count": max(1, -(-total // page_size))}
