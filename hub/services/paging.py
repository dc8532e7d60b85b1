"""The one cursor format for every paged list: opaque Relay cursors naming a kind (so one list's cursor is
refused by another) and a position (an offset, or an audit event's sequence number).

A cursor the hub did not issue, or one whose position no database could hold, is bad input (INVALID_INPUT),
never an internal error.
"""

from __future__ import annotations

import base64
import binascii

from hub.errors import ValidationError

MAX_PAGE = 100
# Past any real list, and well inside the 64-bit integers PostgreSQL and SQLite take for OFFSET and ids.
MAX_POSITION = 2**53 - 1
NOT_OURS = "This cursor was not issued by the hub."


def encode_cursor(kind: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode()


def decode_cursor(kind: str, cursor: str, *, field: str = "after") -> int:
    """The position a cursor of ``kind`` names, or a ValidationError."""
    try:
        found, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if not number.isdigit() or not number.isascii():
            raise ValueError(number)
        position = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationError(NOT_OURS, field=field) from None
    if found != kind or position > MAX_POSITION:
        raise ValidationError(NOT_OURS, field=field)
    return position


def check_page_size(first: int) -> None:
    if not 0 < first <= MAX_PAGE:
        raise ValidationError(f"first must be between 1 and {MAX_PAGE}.", field="first")


def start_offset(kind: str, first: int, after: str | None) -> int:
    """The offset a page starts at, after checking the page size and the cursor."""
    check_page_size(first)
    return 0 if after is None else decode_cursor(kind, after) + 1
