"""Opaque Relay cursors for offset pages: a kind (so one list's cursor is refused by another) and an offset."""

from __future__ import annotations

import base64
import binascii

from hub.errors import ValidationError

MAX_PAGE = 100


def encode_cursor(kind: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{offset}".encode()).decode()


def start_offset(kind: str, first: int, after: str | None) -> int:
    """The offset a page starts at, after checking the page size and the cursor."""
    if not 0 < first <= MAX_PAGE:
        raise ValidationError(f"first must be between 1 and {MAX_PAGE}.", field="first")
    if after is None:
        return 0
    try:
        found, _, number = base64.urlsafe_b64decode(after.encode()).decode().partition(":")
        offset = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationError("This cursor was not issued by the hub.", field="after") from None
    if found != kind or offset < 0:
        raise ValidationError("This cursor was not issued by the hub.", field="after")
    return offset + 1
