"""Capturing the SQL a hub runs, and reading PostgreSQL's plans for it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event

# Tables that grow with the number of children: a read of any of them must be able to use an index.
CHILD_DATA = frozenset({
    "children", "record_versions", "agency_record_links", "child_data_keys", "identity_keys", "notifications",
    "grants", "break_glass_sessions", "information_requests", "request_targets", "audit_events",
})


@dataclass
class Captured:
    statements: dict[str, Any] = field(default_factory=dict)  # SQL text -> the parameters of its first run


@contextmanager
def capture(engine: Engine) -> Iterator[Captured]:
    captured = Captured()

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        head = statement.lstrip().split(None, 1)[0].upper()
        if not many and head in {"SELECT", "WITH"}:
            captured.statements.setdefault(statement, parameters)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def scans(plan: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(node type, relation) of every scan in a plan tree."""
    if "Relation Name" in plan:
        yield plan["Node Type"], plan["Relation Name"]
    for child in plan.get("Plans", []):
        yield from scans(child)


def sequential_scans(engine: Engine, statement: str, parameters: Any, *, seqscan: bool) -> set[str]:
    """The child-data tables the plan reads sequentially. With ``seqscan=False`` the planner avoids a
    sequential scan wherever an index can serve: one that stays names a table no index serves."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"SET enable_seqscan = {'on' if seqscan else 'off'}")
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        document = cursor.fetchone()[0]
        plan = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
        cursor.execute("RESET enable_seqscan")
    finally:
        raw.rollback()
        raw.close()
    return {relation for node, relation in scans(plan) if node == "Seq Scan" and relation in CHILD_DATA}


def subplan_rows(engine: Engine, statement: str, parameters: Any) -> dict[str, int]:
    """Rows each subplan produced, over all its runs, when the statement ran (EXPLAIN ANALYZE): a hashed
    subplan reads every match in the table once, a probed one only what each outer row needs."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
        document = cursor.fetchone()[0]
        plan = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
    finally:
        raw.rollback()
        raw.close()
    produced: dict[str, int] = {}

    def walk(node: dict[str, Any]) -> None:
        if node.get("Parent Relationship") == "SubPlan":
            produced[node["Subplan Name"]] = round(node["Actual Rows"] * node["Actual Loops"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan)
    return produced
