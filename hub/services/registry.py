"""The purpose registry and the caller's own identity: no child data, so no purpose is needed to read them."""

from __future__ import annotations

from sqlalchemy import select

from hub.door import Door
from hub.domain.actor import Purpose
from hub.storage import tables as t


def list_purposes(door: Door) -> list[Purpose]:
    rows = door.session.scalars(select(t.Purpose).order_by(t.Purpose.code))
    return [Purpose(r.code, r.name, r.lawful_basis, r.legislation) for r in rows]
