"""The export file: JSON Lines, one object per line, in this order.

    {"type": "header", "format": "hub-audit-export/1", "chain": "hub-audit/1", "origin": ..., "after_seq": P,
     "through_seq": S, "event_columns": [...], "filters": {...}, "exported_at": ..., "matched": N, ...}
    {"type": "checkpoint", "size": ..., "key_id": ..., "note": "<the signed note>"}      (every one in P..S)
    {"type": "event", "seq": ..., "prev_hash": ..., "hash": ..., "event": [<values>]}    (an exported event)
    {"type": "omitted", "first_seq": ..., "digests": "<hex event digests, 64 characters each>"}

``event`` holds the values in the order ``event_columns`` names; its compact serialisation is the event
bytes the chain hashes (``hub.audit.entry``), so a verifier in any language re-serialises it and hashes.
(An object keyed by column would read better, but parsing it costs a fifth more, and verification speed
is a requirement; CSV is the form for reading.) The events run from P+1 to S without a gap: those the
filter chose in full, the others as event digests only, so the chain can be recomputed from the anchor
(the genesis, or the signed checkpoint at P) to the checkpoint at S without showing anyone else's events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from hub.audit.entry import EVENT_COLUMNS, FORMAT

EXPORT_FORMAT = "hub-audit-export/1"
EVENT_KEYS = 5  # type, seq, prev_hash, hash, event
OMITTED_RUN = 4096  # digests per "omitted" line, to keep lines a readable size
CSV_COLUMNS = ("seq", "prev_hash", "hash", *EVENT_COLUMNS)

CAN_PROVE = (
    "Each exported event is, byte for byte, the event recorded at its sequence number, in the chain that the "
    "signed checkpoints commit to; and how many other events were recorded between them."
)
CANNOT_PROVE = (
    "That the filter chose every event it should have: omitted events appear only as digests, so their "
    "content cannot be checked against the filter. Only an unfiltered export proves completeness."
)


class ExportFormatError(ValueError):
    """The file is not a hub audit export, or not a readable one."""


def header_line(*, origin: str, after_seq: int, through_seq: int, filters: dict[str, Any], exported_at: str,
                matched: int) -> bytes:
    return _line({
        "type": "header", "format": EXPORT_FORMAT, "chain": FORMAT, "origin": origin, "after_seq": after_seq,
        "through_seq": through_seq, "event_columns": EVENT_COLUMNS, "filters": filters,
        "exported_at": exported_at, "matched": matched,
        "can_prove": CAN_PROVE, "cannot_prove": CANNOT_PROVE,
    })


def checkpoint_line(size: int, key_id: str | None, note: str) -> bytes:
    return _line({"type": "checkpoint", "size": size, "key_id": key_id, "note": note})


def event_line(seq: int, prev_hash: str, stored_hash: str, values: Sequence[Any]) -> bytes:
    return _line({"type": "event", "seq": seq, "prev_hash": prev_hash, "hash": stored_hash, "event": values})


def omitted_line(first_seq: int, digests: Sequence[str]) -> bytes:
    return _line({"type": "omitted", "first_seq": first_seq, "digests": "".join(digests)})


def csv_row(seq: int, prev_hash: str, stored_hash: str, values: Sequence[Any]) -> list[Any]:
    *scalars, fields = values
    cells = [seq, prev_hash, stored_hash, *scalars, ",".join(str(name) for name in fields or [])]
    return [spreadsheet_safe(cell) for cell in cells]


# A cell a spreadsheet would run as a formula: reasons, case references and operation names are free text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: Any) -> Any:
    """Text that would start a formula gets a leading apostrophe (the CSV is for reading, never verified)."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def _line(item: dict[str, Any]) -> bytes:
    return orjson.dumps(item) + b"\n"
