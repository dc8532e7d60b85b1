"""The relationships the policy reads (ON_ROLL, INVOLVED, IN_AREA, GRANT, BREAK_GLASS, OWNER, notified), as
SQL expressions: one definition serves both a single child's facts and a list filtered in the database.

Each function takes the columns to correlate with, so the same expression can be evaluated for one known
child (literal ids) or for every row of a list query (the row's columns).

The viewer can be given as values (``Viewer``: the expression holds them) or as bound parameters
(``BOUND_VIEWER``: the values come with each execution, ``viewer_params``). The second kind lets a hot read
build its statement once per process and execute it again and again: SQLAlchemy then reuses its compiled
form without rebuilding or even re-walking the expression, which is most of the Python a read costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    literal,
    literal_column,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute, aliased

from hub.storage import tables as t

_HELD = aliased(t.RecordVersion, name="held")  # a record the owner holds, in a grant's check

# Notifications that make a record's summary readable to the recipient (Operation Encompass to a school).
INCIDENT_NOTIFICATION_KINDS = ("DOMESTIC_ABUSE_INCIDENT",)


@dataclass(frozen=True)
class Viewer:
    """What the SQL needs to know about the actor."""

    practitioner_id: str
    agency_id: str
    partnership_ids: frozenset[str]
    now: datetime
    today: date


@dataclass(frozen=True)
class BoundViewer:
    """The viewer as bound parameters, for statements built once (``viewer_params`` gives their values)."""

    practitioner_id: BindParameter[str]
    agency_id: BindParameter[str]
    partnership_ids: BindParameter[Any]
    now: BindParameter[Any]
    today: BindParameter[Any]


# Untyped: each parameter takes the type of the column it is compared with, as a value would.
BOUND_VIEWER = BoundViewer(
    practitioner_id=bindparam("viewer_practitioner_id"),
    agency_id=bindparam("viewer_agency_id"),
    partnership_ids=bindparam("viewer_partnership_ids", expanding=True),
    now=bindparam("viewer_now"),
    today=bindparam("viewer_today"),
)


def viewer_params(viewer: Viewer) -> dict[str, Any]:
    """The values of ``BOUND_VIEWER``'s parameters for this viewer."""
    return {"viewer_practitioner_id": viewer.practitioner_id, "viewer_agency_id": viewer.agency_id,
            "viewer_partnership_ids": sorted(viewer.partnership_ids), "viewer_now": viewer.now,
            "viewer_today": viewer.today}


def _partnerships(viewer: Viewer | BoundViewer) -> Any:
    return viewer.partnership_ids if isinstance(viewer, BoundViewer) else sorted(viewer.partnership_ids)


def child_relationships(viewer: Viewer | BoundViewer, child_id: ColumnElement[str] | InstrumentedAttribute[str],
                        *, per_row: bool = False) -> dict[str, ColumnElement[bool]]:
    """The child's facts; ``per_row`` for a list's selected columns (see ``_exists``)."""
    link = t.AgencyRecordLink
    mine = and_(link.child_id == child_id, link.agency_id == viewer.agency_id)
    is_open = link.closed_on.is_(None) | (link.closed_on > viewer.today)
    return {
        "on_roll": _exists(mine, link.kind == "ROLL", is_open, per_row=per_row),
        "involved": _exists(mine, link.kind == "INVOLVEMENT", is_open, per_row=per_row),
        "known": _exists(mine, per_row=per_row) | _exists(
            t.RecordVersion.child_id == child_id, t.RecordVersion.owner_agency_id == viewer.agency_id,
            per_row=per_row),
        # A correlated lookup rather than a join: a join would invite the planner to drive a list from the
        # area's children and sort them all, instead of walking records newest first and stopping at a page.
        "in_area": _exists(t.Child.id == child_id, t.Child.partnership_id.in_(_partnerships(viewer)),
                           per_row=per_row),
        # A grant lets the grantee know whom its records are about only when it covers a record the owner
        # holds: a grant of a category the owner does not hold reveals nothing, not even the child's identity.
        "granted": _exists(
            t.Grant.child_id == child_id, t.Grant.grantee_agency_id == viewer.agency_id,
            t.Grant.expires_at > viewer.now,
            # The records the grant covers are this child's: their own alias, and nothing else of this
            # subquery is its own FROM, so a list's child (record_versions.child_id, children.id two levels
            # out) is the enclosing row's, never a second scan matching any child's record.
            exists().where(_HELD.child_id == child_id,
                           _HELD.owner_agency_id == t.Grant.owner_agency_id,
                           _HELD.category == t.Grant.category,
                           _HELD.tier != "RESTRICTED").correlate_except(_HELD), per_row=per_row),
        "break_glass": _exists(
            t.BreakGlassSession.child_id == child_id,
            t.BreakGlassSession.practitioner_id == viewer.practitioner_id,
            t.BreakGlassSession.expires_at > viewer.now, per_row=per_row),
    }


def record_relationships(viewer: Viewer | BoundViewer, *, per_row: bool = False) -> dict[str, ColumnElement[bool]]:
    """Facts about each row of ``record_versions`` (correlated with the enclosing query); ``per_row`` for a
    list's selected columns (see ``_exists``)."""
    row = t.RecordVersion
    return {
        "owned": row.owner_agency_id == viewer.agency_id,
        "granted": _exists(
            t.Grant.child_id == row.child_id, t.Grant.grantee_agency_id == viewer.agency_id,
            t.Grant.owner_agency_id == row.owner_agency_id, t.Grant.category == row.category,
            t.Grant.expires_at > viewer.now, per_row=per_row),
        "notified": _exists(
            t.Notification.record_key == row.record_key, t.Notification.recipient_agency_id == viewer.agency_id,
            t.Notification.kind.in_(INCIDENT_NOTIFICATION_KINDS), per_row=per_row),
    }


def _exists(*criteria: ColumnElement[bool], per_row: bool) -> ColumnElement[bool]:
    """EXISTS (criteria). With ``per_row``, fenced by OFFSET 0 so PostgreSQL probes an index for each row.

    Unfenced, the planner may turn a correlated EXISTS into a hashed subplan: on its first row it reads
    every match in the area (all the viewer's links, all the area's children) into a hash. That is right
    for a filter that reads most of a table, and wrong for the flags a page of twenty rows selects: the
    hash grew with the region (a worklist page read 38,000 links at 10,000 children, ten times as many at
    100,000) while twenty probes stay twenty. A subquery with OFFSET is never hashed or pulled up; OFFSET 0
    changes no row."""
    query: Select[tuple[Any]] = select(literal_column("1")).where(*criteria)
    # The 0 written into the SQL rather than bound, so the statement reads as what it is.
    return (query.offset(literal_column("0", Integer)) if per_row else query).exists()


def flags_key(conditions: Sequence[ColumnElement[bool]]) -> ColumnElement[str]:
    """Spell a row's facts as a string of 0s and 1s, in order, to compare with the policy's allowed keys."""
    key: ColumnElement[str] = literal("", String)
    for condition in conditions:
        key = key + case((condition, "1"), else_="0")
    return key


def literal_id(value: str) -> ColumnElement[str]:
    return literal(value, String)
