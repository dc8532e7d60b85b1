"""Every way into the hub opens the one request scope (``hub.access.request.open_request``): its identity,
its door (or its explicit lack of one) and its audit. A unit of work opened anywhere else in hub/ would be a
second lifecycle, with nothing to make it decide or audit, so it fails this test."""

from __future__ import annotations

import re
from pathlib import Path

from hub.settings import PROJECT_ROOT

OPENED = re.compile(r"\bUnitOfWork\(")


def bare_units_of_work(hub: Path) -> list[str]:
    """Where a unit of work is opened in ``hub`` outside the request scope and the storage layer."""
    allowed = (hub / "access" / "request.py", hub / "storage")
    found = []
    for path in sorted(hub.rglob("*.py")):
        if path == allowed[0] or allowed[1] in path.parents:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if OPENED.search(line):
                found.append(f"{path.relative_to(hub.parent)}:{number}")
    return found


def test_no_unit_of_work_is_opened_outside_the_request_scope() -> None:
    assert bare_units_of_work(PROJECT_ROOT / "hub") == []


def test_the_check_sees_a_planted_unit_of_work_and_allows_the_scope_and_storage(tmp_path: Path) -> None:
    for where in ("web/planted.py", "access/request.py", "storage/unit_of_work.py"):
        path = tmp_path / "hub" / where
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("with UnitOfWork(factory) as uow:\n    pass\n")
    assert bare_units_of_work(tmp_path / "hub") == ["hub/web/planted.py:1"]
