"""Checkpoints in the C2SP tlog-checkpoint / signed-note shape."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.audit import note

ORIGIN = "hub.example/audit"
ROOT = hashlib.sha256(b"head").hexdigest()


def signed(key: Ed25519PrivateKey, size: int = 42) -> str:
    return note.sign(note.Checkpoint(ORIGIN, size, ROOT), key)


def test_the_note_has_the_spec_shape() -> None:
    key = Ed25519PrivateKey.generate()
    text = signed(key)
    body, signature_line = text.split("\n\n")
    assert body.split("\n") == [ORIGIN, "42", base64.b64encode(bytes.fromhex(ROOT)).decode()]
    dash, name, encoded = signature_line.rstrip("\n").split(" ")
    assert dash == "\u2014" and name == ORIGIN
    raw = base64.b64decode(encoded)
    public = note.raw_public(key.public_key())
    # key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4], then the Ed25519 signature.
    assert raw[:4] == hashlib.sha256(ORIGIN.encode() + b"\n\x01" + public).digest()[:4]
    key.public_key().verify(raw[4:], (body + "\n").encode())


def test_a_trusted_signature_opens_the_checkpoint() -> None:
    key = Ed25519PrivateKey.generate()
    assert note.open_note(signed(key), [key.public_key()]) == note.Checkpoint(ORIGIN, 42, ROOT)


def test_unknown_keys_are_ignored_but_one_trusted_signature_is_required() -> None:
    ours, theirs = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    cosigned = signed(ours) + signed(theirs).split("\n\n")[1]  # a second, unknown signature line
    assert note.open_note(cosigned, [ours.public_key()]).size == 42
    with pytest.raises(note.NoteError, match="no trusted key"):
        note.open_note(signed(theirs), [ours.public_key()])


@pytest.mark.parametrize("forge", [
    lambda text: text.replace("\n42\n", "\n43\n"),  # a different size under the same signature
    lambda text: text.replace(ORIGIN + "\n", "other.example/audit\n", 1),  # another log's name
    lambda text: text[:-10] + ("A" if text[-10] != "A" else "B") + text[-9:],  # a damaged signature
])
def test_a_changed_note_does_not_verify(forge) -> None:  # type: ignore[no-untyped-def]
    key = Ed25519PrivateKey.generate()
    with pytest.raises(note.NoteError):
        note.open_note(forge(signed(key)), [key.public_key()])


def test_malformed_notes_are_refused() -> None:
    key = Ed25519PrivateKey.generate()
    good = signed(key)
    for bad in [good.rstrip("\n"), good.replace("\n\n", "\n"), good.replace("\n42\n", "\n042\n"),
                good.replace("\n42\n", "\n\x0742\n")]:
        with pytest.raises(note.NoteError):
            note.open_note(bad, [key.public_key()])
    with pytest.raises(note.NoteError):
        note.sign(note.Checkpoint("has space", 1, ROOT), key)
