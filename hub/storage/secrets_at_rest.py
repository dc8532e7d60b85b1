"""Secrets that are no child's data but must not be readable from a stolen database (a practitioner's TOTP
secret): sealed with the current key-encryption key itself, bound to table, column and row.

Stored text: ``kek:`` + key id + ``:`` + base64(nonce (12) || AES-256-GCM ciphertext and tag). Old
key-encryption keys are kept by rotation, so a value sealed before a rotation still opens.
"""

from __future__ import annotations

import base64
import binascii
import secrets

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
