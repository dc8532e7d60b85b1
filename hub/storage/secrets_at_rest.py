"""Secrets that are no child's data but must not be readable from a stolen database (a practitioner's TOTP
secret): sealed with the current key-encryption key itself, bound to table, column and row.

Stored text: ``kek:`` + key id + ``:`` + base64(nonce (12) || AES-256-GCM ciphertext and tag). Old
key-encryption keys are kept by rotation, so a value sealed before a rotation still opens.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.keys import KeyError_, KeyStore

PREFIX = "kek:"


class SecretError(RuntimeError):
    """A sealed secret cannot be opened (unknown key, moved or altered)."""


def seal_secret(keys: KeyStore, table: str, column: str, row_id: str, plaintext: str) -> str:
    kek_id, kek = keys.current_kek()
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(kek).encrypt(nonce, plaintext.encode(), _aad(table, column, row_id, kek_id))
    return f"{PREFIX}{kek_id}:{base64.b64encode(nonce + sealed).decode()}"


def open_secret(keys: KeyStore, table: str, column: str, row_id: str, stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise SecretError(f"{table}.{column} of {row_id} is not sealed.")
    kek_id, _, body = stored[len(PREFIX):].partition(":")
    try:
        blob = base64.b64decode(body, validate=True)
        return AESGCM(keys.kek(kek_id)).decrypt(blob[:12], blob[12:], _aad(table, column, row_id, kek_id)).decode()
    except (binascii.Error, InvalidTag, KeyError_, ValueError):
        raise SecretError(f"{table}.{column} of {row_id} cannot be opened.") from None


def _aad(table: str, column: str, row_id: str, kek_id: str) -> bytes:
    return f"hub-secret/1|{table}|{column}|{row_id}|{kek_id}".encode()


# -- whole JSON documents: what an agency sent about a person the hub has not (yet) matched to a child ------
SEALED = "sealed"  # the one key of a sealed document: {"sealed": "kek:..."}


def seal_document(keys: KeyStore, table: str, column: str, row_id: str, document: dict[str, Any]) -> dict[str, Any]:
    """A JSON column's value sealed with the key-encryption key, bound to its table, column and row.

    No child's data key can be used: the person in a quarantined payload or an identity-queue item is not
    matched to a child yet (that is why it waits)."""
    text = json.dumps(document, sort_keys=True, ensure_ascii=False)
    return {SEALED: seal_secret(keys, table, column, row_id, text)}


def open_document(keys: KeyStore, table: str, column: str, row_id: str, stored: dict[str, Any]) -> dict[str, Any]:
    """The document as it was given; one stored before sealing existed is returned as it is."""
    sealed = stored.get(SEALED) if set(stored) == {SEALED} else None
    if not isinstance(sealed, str):
        return stored
    opened = json.loads(open_secret(keys, table, column, row_id, sealed))
    if not isinstance(opened, dict):
        raise SecretError(f"{table}.{column} of {row_id} is not a sealed document.")
    return opened


def is_sealed_document(stored: dict[str, Any]) -> bool:
    return set(stored) == {SEALED} and isinstance(stored[SEALED], str) and stored[SEALED].startswith(PREFIX)
