"""Sealing sensitive columns at rest: a data key per child, wrapped by the current key-encryption key.

Sealed: ``record_versions.detail`` always; ``summary`` and ``reason`` of RESTRICTED versions; and
``children.postcode`` while the address is withheld. Services call ``seal_record``/``seal_child`` before a
row is added, and ``open_record``/``open_postcode`` where they read it; ``refuse_plaintext`` (a flush hook
every session factory installs) fails any insert that forgot, so a new code path cannot leak by omission.

Stored text: ``sealed:`` + base64(version (1) || key id (8) || nonce (12) || AES-256-GCM ciphertext and
tag). The associated data binds table, column, row id and child id, and the header: a ciphertext copied to
another row, column or child fails to open (``SealError``) instead of showing the wrong child's data.
Shredding deletes the wrapped data key and keeps a tombstone, so a shredded value reads as ``[shredded]``
while a value with no key at all is an error. Values stored before this module existed have no prefix and
are read as they are.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, object_session

from hub.keys import KeyStore
from hub.storage import tables as t

PREFIX = "sealed:"
VERSION = 1
SHREDDED = "[shredded]"
SESSION_KEY = "hub.keys"  # where the wiring (hub.bootstrap) puts the key store in each session's info
_CACHE = "hub.sealing.data_keys"


class SealError(RuntimeError):
    """A sealed value cannot be opened: no key store, a ciphertext out of place, or tampering."""


@dataclass(frozen=True)
class OpenedRecord:
    summary: str
    detail: str | None
    reason: str | None


def is_sealed(value: str | None) -> bool:
    return value is not None and value.startswith(PREFIX)


def sealed_columns(row: t.RecordVersion) -> tuple[str, ...]:
    return ("summary", "detail", "reason") if row.tier == "RESTRICTED" else ("detail",)


def seal_record(session: Session, row: t.RecordVersion) -> t.RecordVersion:
    """Seal a new record version's sensitive columns in place, before it is added; returns the row."""
    for column in sealed_columns(row):
        value = getattr(row, column)
        if value is not None:
            setattr(row, column, _seal(session, row.child_id, "record_versions", column, row.id, value))
    return row


def open_record(row: t.RecordVersion, withheld: frozenset[str] = frozenset()) -> OpenedRecord:
    """The row's sealed columns, opened; columns in ``withheld`` are not decrypted at all (None)."""
    session = _session_of(row)
    summary, detail, reason = (
        None if column in withheld
        else _open(session, row.child_id, "record_versions", column, row.id, getattr(row, column))
        for column in ("summary", "detail", "reason")
    )
    if summary is None and "summary" not in withheld:
        summary = SHREDDED
    return OpenedRecord(summary or "", detail, reason)


def seal_child(session: Session, child: t.Child) -> t.Child:
    """Seal the postcode of a child whose address is withheld (before the row is added or flushed)."""
    if child.address_withheld_by and child.postcode is not None and not is_sealed(child.postcode):
        child.postcode = _seal(session, child.id, "children", "postcode", child.id, child.postcode)
    return child


def open_postcode(child: t.Child) -> str | None:
    return open_stored_postcode(_session_of(child), child.id, child.postcode)


def open_stored_postcode(session: Session, child_id: str, stored: str | None) -> str | None:
    """A postcode as read from the ``children`` table by column (sealed or not), opened; None if shredded."""
    if not is_sealed(stored):
        return stored
    opened = _open(session, child_id, "children", "postcode", child_id, stored)
    return None if opened == SHREDDED else opened


# Free text about a child in other tables: sealed with the child's data key like record detail.
SEALED_TEXT = {"information_requests": ("justification", "consent_reason", "outcome_note"),
               "request_targets": ("rationale",),
               # The partnership's reviews: sealed with (the first) child's key (hub.storage.partnership_tables).
               "serious_incidents": ("description",), "review_summaries": ("summary",),
               "child_deaths": ("circumstances",), "child_death_reports": ("involvement", "concerns")}


def seal_text(session: Session, child_id: str, table: str, column: str, row_id: str,
              value: str | None) -> str | None:
    """Seal one free-text value about a child (see ``SEALED_TEXT``), bound to its table, column and row."""
    assert column in SEALED_TEXT[table]
    return None if value is None else _seal(session, child_id, table, column, row_id, value)


def open_text(session: Session, child_id: str, table: str, column: str, row_id: str,
              stored: str | None) -> str | None:
    opened = _open(session, child_id, table, column, row_id, stored)
    return None if opened is None else opened


def shred_child(session: Session, child_id: str, now: datetime) -> int:
    """Delete the child's data keys (keeping tombstones); returns how many were shredded."""
    result = session.execute(
        update(t.ChildDataKey)
        .where(t.ChildDataKey.child_id == child_id, t.ChildDataKey.wrapped_key.is_not(None))
        .values(wrapped_key=None, kek_id=None, shredded_at=now)
    )
    forget_data_keys(session, None)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def rewrap_all(session: Session, keys: KeyStore, batch: int = 500) -> int:
    """Re-wrap every live data key under the current key-encryption key; returns how many changed."""
    kek_id, kek = keys.current_kek()
    changed = 0
    while True:
        rows = session.scalars(
            select(t.ChildDataKey)
            .where(t.ChildDataKey.wrapped_key.is_not(None), t.ChildDataKey.kek_id != kek_id)
            .limit(batch)
        ).all()
        if not rows:
            return changed
        for row in rows:
            assert row.kek_id is not None and row.wrapped_key is not None
            data_key = _unwrap(keys, row.kek_id, row.key_id, row.child_id, row.wrapped_key)
            row.wrapped_key, row.kek_id = _wrap(kek, row.key_id, row.child_id, data_key), kek_id
        session.flush()
        changed += len(rows)


def refuse_plaintext(session: Session, _context: Any, _instances: Any) -> None:
    """A before_flush hook: refuse to write a sensitive column that was not sealed."""
    for row in list(session.new) + list(session.dirty):
        if isinstance(row, t.RecordVersion) and row in session.new:
            columns = [c for c in sealed_columns(row) if getattr(row, c) is not None]
        elif isinstance(row, t.Child) and row.address_withheld_by and row.postcode is not None:
            columns = ["postcode"]
        elif isinstance(row, t.InformationRequest):
            columns = [c for c in SEALED_TEXT["information_requests"] if getattr(row, c) is not None]
        else:
            continue
        for column in columns:
            if not is_sealed(getattr(row, column)):
                raise SealError(f"{type(row).__tablename__}.{column} must be sealed before it is stored: "
                                "call hub.storage.sealing.seal_record/seal_child when creating the row.")


def forget_data_keys(session: Session, _transaction: Any) -> None:
    """An after_transaction_end hook: drop the unwrapped data keys this session held."""
    session.info.pop(_CACHE, None)


# -- internals ---------------------------------------------------------------------------------------------
def _session_of(row: Any) -> Session:
    session = object_session(row)
    if session is None:
        raise SealError("A sealed value can only be opened while its row is in a session.")
    return session


def key_store(session: Session) -> KeyStore:
    """The key store the wiring put in this session (``hub.bootstrap.open_storage``)."""
    return _keys(session)


def _keys(session: Session) -> KeyStore:
    keys = session.info.get(SESSION_KEY)
    if not isinstance(keys, KeyStore):
        raise SealError("This session has no key store: build session factories with hub.bootstrap.")
    return keys


def _aad(table: str, column: str, row_id: str, child_id: str, header: bytes) -> bytes:
    return "\x1f".join((table, column, row_id, child_id)).encode() + b"\x1f" + header


def _seal(session: Session, child_id: str, table: str, column: str, row_id: str, plaintext: str) -> str:
    key_id, data_key = _data_key_for(session, child_id)
    return seal_with(key_id, data_key, child_id, table, column, row_id, plaintext)


# -- bulk loading (``hub demo --children N``): the same keys and format, without a session per row --------
def new_data_key(keys: KeyStore, child_id: str, now: datetime) -> tuple[dict[str, Any], bytes]:
    """A fresh data key for a child: the ``child_data_keys`` row to insert (wrapped by the current
    key-encryption key) and the key itself, to seal that child's values with ``seal_with``."""
    return new_data_key_under(keys.current_kek(), child_id, now)


def new_data_key_under(current_kek: tuple[str, bytes], child_id: str, now: datetime) -> tuple[dict[str, Any], bytes]:
    """``new_data_key`` with the current key-encryption key already read (a bulk load reads it once, not
    from its file for every child)."""
    kek_id, kek = current_kek
    key_id, data_key = secrets.token_hex(8), AESGCM.generate_key(bit_length=256)
    row = {"key_id": key_id, "child_id": child_id, "kek_id": kek_id,
           "wrapped_key": _wrap(kek, key_id, child_id, data_key), "created_at": now, "shredded_at": None}
    return row, data_key


def seal_with(key_id: str, data_key: bytes, child_id: str, table: str, column: str, row_id: str,
              plaintext: str) -> str:
    """Seal one value with a data key already in hand (exactly what ``seal_record`` stores)."""
    header = bytes([VERSION]) + bytes.fromhex(key_id)
    nonce = secrets.token_bytes(12)
    aad = _aad(table, column, row_id, child_id, header)
    sealed = AESGCM(data_key).encrypt(nonce, plaintext.encode(), aad)
    return PREFIX + base64.b64encode(header + nonce + sealed).decode()


def _open(session: Session, child_id: str, table: str, column: str, row_id: str,
          stored: str | None) -> str | None:
    if stored is None or not stored.startswith(PREFIX):
        return stored  # stored before sealing existed
    try:
        blob = base64.b64decode(stored[len(PREFIX):], validate=True)
    except binascii.Error:
        raise SealError(f"{table}.{column} of {row_id} is not a sealed value.") from None
    if len(blob) < 1 + 8 + 12 + 16 or blob[0] != VERSION:
        raise SealError(f"{table}.{column} of {row_id} has an unknown sealing format.")
    header, nonce, sealed = blob[:9], blob[9:21], blob[21:]
    data_key = _data_key_by_id(session, header[1:].hex(), child_id)
    if data_key is None:
        return SHREDDED
    try:
        return AESGCM(data_key).decrypt(nonce, sealed, _aad(table, column, row_id, child_id, header)).decode()
    except InvalidTag:
        raise SealError(f"{table}.{column} of {row_id} does not open: moved from another row, or altered.") \
            from None


@dataclass
class _DataKeys:
    """The data keys one session has unwrapped; dropped with the session (one request)."""

    by_id: dict[str, tuple[str, bytes | None]]  # key id -> (child id, data key or None when shredded)
    live: dict[str, str]  # child id -> key id of the key that seals new values
    expected: set[str] = field(default_factory=set)  # children whose values a page may open (expect_data_keys)
    read: dict[str, t.ChildDataKey] = field(default_factory=dict)  # key id -> row read with them, not yet unwrapped


def _cache(session: Session) -> _DataKeys:
    cache: _DataKeys = session.info.setdefault(_CACHE, _DataKeys({}, {}))
    return cache


def _data_key_for(session: Session, child_id: str) -> tuple[str, bytes]:
    """The child's live data key, made (and added to the session) on first use."""
    cache = _cache(session)
    if child_id in cache.live:
        key_id = cache.live[child_id]
        data_key = cache.by_id[key_id][1]
        assert data_key is not None
        return key_id, data_key
    with session.no_autoflush:  # the row being sealed is not ready to flush yet
        row = session.scalars(
            select(t.ChildDataKey)
            .where(t.ChildDataKey.child_id == child_id, t.ChildDataKey.wrapped_key.is_not(None))
            .order_by(t.ChildDataKey.created_at.desc()).limit(1)
        ).first()
    keys = _keys(session)
    if row is not None and row.kek_id is not None and row.wrapped_key is not None:
        key_id, data_key = row.key_id, _unwrap(keys, row.kek_id, row.key_id, child_id, row.wrapped_key)
    else:
        kek_id, kek = keys.current_kek()
        key_id, data_key = secrets.token_hex(8), AESGCM.generate_key(bit_length=256)
        session.add(t.ChildDataKey(key_id=key_id, child_id=child_id, kek_id=kek_id,
                                   wrapped_key=_wrap(kek, key_id, child_id, data_key),
                                   created_at=datetime.now(UTC)))
    cache.by_id[key_id] = (child_id, data_key)
    cache.live[child_id] = key_id
    return key_id, data_key


def expect_data_keys(session: Session, child_ids: Iterable[str]) -> None:
    """Values of these children may be opened next (a page of records about many children): the first that
    needs a data key reads the keys of them all, in one round trip rather than one per child. Nothing is read
    if no value is opened."""
    _cache(session).expected.update(child_ids)


def _data_key_row(session: Session, cache: _DataKeys, key_id: str, child_id: str) -> t.ChildDataKey | None:
    with session.no_autoflush:
        if cache.expected:
            children = sorted(cache.expected | {child_id})
            cache.expected.clear()
            cache.read.update((row.key_id, row) for row in session.scalars(_DATA_KEYS_OF, {"child_ids": children}))
        if key_id in cache.read:
            return cache.read.pop(key_id)
        return session.scalars(_DATA_KEY_BY_ID, {"key_id": key_id}).one_or_none()  # another child's key, too


# Built once, not per call (as ``session.get`` builds its select): the door works out each statement's shape
# once per statement object (hub.access.accounting), and every read of sealed values runs these.
_DATA_KEY_BY_ID = select(t.ChildDataKey).where(t.ChildDataKey.key_id == bindparam("key_id"))
_DATA_KEYS_OF = select(t.ChildDataKey).where(t.ChildDataKey.child_id.in_(bindparam("child_ids", expanding=True)))


def _data_key_by_id(session: Session, key_id: str, child_id: str) -> bytes | None:
    """The data key a ciphertext names; None when shredded. A key of another child is an error."""
    cache = _cache(session)
    if key_id not in cache.by_id:
        row = _data_key_row(session, cache, key_id, child_id)
        if row is None:
            raise SealError(f"No data key {key_id}: the value was not sealed by this hub.")
        data_key = None  # shredded: the tombstone has no wrapped key
        if row.wrapped_key is not None and row.kek_id is not None:
            data_key = _unwrap(_keys(session), row.kek_id, key_id, row.child_id, row.wrapped_key)
        cache.by_id[key_id] = (row.child_id, data_key)
    owner, data_key = cache.by_id[key_id]
    if owner != child_id:
        raise SealError(f"Data key {key_id} belongs to another child: the value was moved.")
    return data_key


def _wrap(kek: bytes, key_id: str, child_id: str, data_key: bytes) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(kek).encrypt(nonce, data_key, f"hub.data-key\x1f{key_id}\x1f{child_id}".encode())


def _unwrap(keys: KeyStore, kek_id: str, key_id: str, child_id: str, wrapped: bytes) -> bytes:
    try:
        return AESGCM(keys.kek(kek_id)).decrypt(wrapped[:12], wrapped[12:],
                                                f"hub.data-key\x1f{key_id}\x1f{child_id}".encode())
    except InvalidTag:
        raise SealError(f"Data key {key_id} does not unwrap: altered, or moved to another child.") from None
