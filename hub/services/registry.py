"""The purpose registry and the caller's own identity: no child data, so no purpose is needed to read them."""

from __future__ import annotations

from hub.domain.actor import Purpose
from hub.door import Door


def list_purposes(door: Door) -> list[Purpose]:
    return door.purposes()
