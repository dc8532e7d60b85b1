"""The relationships the policy reads (ON_ROLL, INVOLVED, IN_AREA, GRANT, BREAK_GLASS, OWNER, notified), as
SQL expressions: one definition serves both a single child's facts and a list filtered in the database.

Each function takes the columns to correlate with, so the same expression can be evaluated for one known
child (literal ids) or for every row of a list query (the row's columns).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, String, and_, case, exists, literal
from sqlalchemy.orm import InstrumentedAttribute

from hub.storage import tables as t

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


def child_relationships(viewer: Viewer, child_id: ColumnElement[str] | InstrumentedAttribute[str]
                        ) -> dict[str, ColumnElement[bool]]:
    link = t.AgencyRecordLink
    mine = and_(link.child_id == child_id, link.agency_id == viewer.agency_id)
    is_open = link.closed_on.is_(None) | (link.closed_on > viewer.today)
    return {
        "on_roll": exists().where(mine, link.kind == "ROLL", is_open),
        "involved": exists().where(mine, link.kind == "INVOLVEMENT", is_open),
        "known": exists().where(mine) | exists().where(
            t.RecordVersion.child_id == child_id, t.RecordVersion.owner_agency_id == viewer.agency_id),
        # A correlated lookup rather than a join: a join would invite the planner to drive a list from the
        # area's children and sort them all, instead of walking records newest first and stopping at a page.
        "in_area": exists().where(t.Child.id == child_id, t.Child.partnership_id.in_(sorted(viewer.partnership_ids))),
        # A grant lets the grantee know whom its records are about only when it covers a record the owner
        # holds: a grant of a category the owner does not hold reveals nothing, not even the child's identity.
        "granted": exists().where(
            t.Grant.child_id == child_id, t.Grant.grantee_agency_id == viewer.agency_id,
            t.Grant.expires_at > viewer.now,
            exists().where(t.RecordVersion.child_id == child_id,
                           t.RecordVersion.owner_agency_id == t.Grant.owner_agency_id,
                           t.RecordVersion.category == t.Grant.category,
                           t.RecordVersion.tier != "RESTRICTED")),
        "break_glass": exists().where(
            t.BreakGlassSession.child_id == child_id,
            t.BreakGlassSession.practitioner_id == viewer.practitioner_id,
            t.BreakGlassSession.expires_at > viewer.now),
    }


def record_relationships(viewer: Viewer) -> dict[str, ColumnElement[bool]]:
    """Facts about each row of ``record_versions`` (correlated with the enclosing query)."""
    row = t.RecordVersion
    return {
        "owned": row.owner_agency_id == viewer.agency_id,
        "granted": exists().where(
            t.Grant.child_id == row.child_id, t.Grant.grantee_agency_id == viewer.agency_id,
            t.Grant.owner_agency_id == row.owner_agency_id, t.Grant.category == row.category,
            t.Grant.expires_at > viewer.now),
        "notified": exists().where(
            t.Notification.record_key == row.record_key, t.Notification.recipient_agency_id == viewer.agency_id,
            t.Notification.kind.in_(INCIDENT_NOTIFICATION_KINDS)),
    }


def flags_key(conditions: Sequence[ColumnElement[bool]]) -> ColumnElement[str]:
    """Spell a row's facts as a string of 0s and 1s, in order, to compare with the policy's allowed keys."""
    key: ColumnElement[str] = literal("", String)
    for condition in conditions:
        key = key + case((condition, "1"), else_="0")
    return key


def literal_id(value: str) -> ColumnElement[str]:
    return literal(value, String)
