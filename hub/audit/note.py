"""Checkpoints as C2SP signed notes (c2sp.org/tlog-checkpoint, c2sp.org/signed-note), Ed25519.

    safeguarding-hub.example/audit
    1042
    3q2+7w...=                         <- base64 of the root hash

    — safeguarding-hub.example/audit AbCdEf...   <- base64(key hash (4 bytes) || Ed25519 signature)

The root is, for now, the hash of the chain's event ``size`` (the chain head): the shape is the one a Merkle
tree head would take, so inclusion proofs can come later without a format break. A verifier ignores
signatures from keys it does not know and rejects a note that no known key signed, as the spec requires.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = b"\x01"  # the signed-note signature type byte for Ed25519
DASH = "\u2014"


class NoteError(ValueError):
    """A checkpoint note is malformed, or no trusted key signed it."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: str  # hex, as the chain stores hashes


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_hash(name: str, key: Ed25519PublicKey) -> bytes:
    """The 4-byte key ID: SHA-256(key name || 0x0A || 0x01 || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + raw_public(key)).digest()[:4]


def checkpoint_text(checkpoint: Checkpoint) -> str:
    if not checkpoint.origin or any(c.isspace() or c == "+" for c in checkpoint.origin):
        raise NoteError(f"A checkpoint origin is non-empty, without spaces or '+': {checkpoint.origin!r}")
    root = base64.b64encode(bytes.fromhex(checkpoint.root_hash)).decode()
    return f"{checkpoint.origin}\n{checkpoint.size}\n{root}\n"


def sign(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> str:
    """The signed note; the key name is the origin, as the spec recommends."""
    text = checkpoint_text(checkpoint)
    signature = key_hash(checkpoint.origin, key.public_key()) + key.sign(text.encode())
    return f"{text}\n{DASH} {checkpoint.origin} {base64.b64encode(signature).decode()}\n"


def open_note(note: str, trusted: Iterable[Ed25519PublicKey]) -> Checkpoint:
    """Parse a signed checkpoint and verify it with the trusted keys; raises NoteError otherwise."""
    if not note.endswith("\n") or any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("not a signed note: it must end in a newline and hold no control characters")
    text, separator, signatures = note.rpartition("\n\n")
    if not separator:
        raise NoteError("not a signed note: no blank line before the signatures")
    text += "\n"
    lines = text.split("\n")[:-1]
    if len(lines) < 3 or not all(lines):
        raise NoteError("a checkpoint has at least three non-empty lines: origin, size, root")
    origin, size_line, root_line = lines[:3]
    if not size_line.isdigit() or (size_line != "0" and size_line.startswith("0")):
        raise NoteError(f"bad tree size {size_line!r}")
    try:
        root = base64.b64decode(root_line, validate=True)
    except binascii.Error:
        raise NoteError("the root hash is not base64") from None
    if len(root) != 32:
        raise NoteError("the root hash is not 32 bytes")
    known = {(origin, key_hash(origin, key)): key for key in trusted}
    verified = False
    for line in signatures.split("\n")[:-1]:
        prefix, _, rest = line.partition(" ")
        name, _, encoded = rest.partition(" ")
        if prefix != DASH or not name or not encoded:
            raise NoteError(f"malformed signature line {line!r}")
        try:
            signature = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise NoteError("a signature is not base64") from None
        key = known.get((name, signature[:4]))
        if key is None:
            continue  # an unknown key: ignored, as the spec requires
        try:
            key.verify(signature[4:], text.encode())
        except InvalidSignature:
            raise NoteError(f"the signature by {name} does not verify") from None
        verified = True
    if not verified:
        raise NoteError("no trusted key signed this checkpoint")
    return Checkpoint(origin, int(size_line), root.hex())
