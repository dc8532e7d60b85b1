"""The key directory: Ed25519 signing keys and AES-256-GCM key-encryption keys, each with an id, created on
first run with owner-only access.

Layout (directories 0700, files 0600)::

    <key_dir>/signing/<kid>.pem   PKCS#8 Ed25519; signs access tokens and audit checkpoints
    <key_dir>/signing/CURRENT     the id of the key that signs from now on
    <key_dir>/kek/<kid>.key       32 random bytes; wraps children's data keys
    <key_dir>/kek/CURRENT

Rotation adds keys and moves CURRENT; older keys stay, so what they signed still verifies and the data keys
they wrapped stay readable until re-wrapped. One Ed25519 key serves tokens and checkpoints: the two signed
texts cannot be confused (a JWT's signing input never holds a newline; a note always does).
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEK_BYTES = 32  # AES-256


class KeyError_(RuntimeError):
    """The key directory is unusable (missing key, wrong permissions)."""


@dataclass(frozen=True)
class KeyInfo:
    kind: str  # "signing" or "kek"
    key_id: str
    current: bool
    created_at: datetime


class KeyStore:
    def __init__(self, key_dir: Path) -> None:
        self.key_dir = key_dir
        self._signing_dir = key_dir / "signing"
        self._kek_dir = key_dir / "kek"
        self._private: dict[str, Ed25519PrivateKey] = {}
        self._keks: dict[str, bytes] = {}

    def ensure(self) -> None:
        """Create the directories and first keys where there are none (idempotent)."""
        for directory in (self.key_dir, self._signing_dir, self._kek_dir):
            directory.mkdir(parents=True, exist_ok=True)
            os.chmod(directory, 0o700)
        if not (self._signing_dir / "CURRENT").exists():
            self.rotate_signing_key()
        if not (self._kek_dir / "CURRENT").exists():
            self.rotate_kek()

    # -- signing keys ----------------------------------------------------------------------------------
    def rotate_signing_key(self) -> str:
        kid = f"ed25519-{secrets.token_hex(4)}"
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        _write_private(self._signing_dir / f"{kid}.pem", pem)
        _write_private(self._signing_dir / "CURRENT", kid.encode())
        return kid

    def current_signing_key(self) -> tuple[str, Ed25519PrivateKey]:
        self.ensure()
        kid = _read_private(self._signing_dir / "CURRENT").decode().strip()
        return kid, self.private_key(kid)

    def private_key(self, kid: str) -> Ed25519PrivateKey:
        if kid not in self._private:
            path = self._signing_dir / f"{kid}.pem"
            if not _safe_id(kid) or not path.is_file():
                raise KeyError_(f"No signing key {kid!r} in {self._signing_dir}.")
            key = serialization.load_pem_private_key(_read_private(path), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise KeyError_(f"{path} is not an Ed25519 key.")
            self._private[kid] = key
        return self._private[kid]

    def public_key(self, kid: str) -> Ed25519PublicKey:
        return self.private_key(kid).public_key()

    def signing_key_ids(self) -> list[str]:
        return sorted(path.stem for path in self._signing_dir.glob("*.pem"))

    def public_keys(self) -> dict[str, Ed25519PublicKey]:
        return {kid: self.public_key(kid) for kid in self.signing_key_ids()}

    # -- key-encryption keys ---------------------------------------------------------------------------
    def rotate_kek(self) -> str:
        kid = f"kek-{secrets.token_hex(4)}"
        _write_private(self._kek_dir / f"{kid}.key", secrets.token_bytes(KEK_BYTES))
        _write_private(self._kek_dir / "CURRENT", kid.encode())
        return kid

    def current_kek(self) -> tuple[str, bytes]:
        self.ensure()
        kid = _read_private(self._kek_dir / "CURRENT").decode().strip()
        return kid, self.kek(kid)

    def kek(self, kid: str) -> bytes:
        if kid not in self._keks:
            path = self._kek_dir / f"{kid}.key"
            if not _safe_id(kid) or not path.is_file():
                raise KeyError_(f"No key-encryption key {kid!r} in {self._kek_dir}.")
            key = _read_private(path)
            if len(key) != KEK_BYTES:
                raise KeyError_(f"{path} is not a {KEK_BYTES * 8}-bit key.")
            self._keks[kid] = key
        return self._keks[kid]

    def kek_ids(self) -> list[str]:
        return sorted(path.stem for path in self._kek_dir.glob("*.key"))

    # -- both ------------------------------------------------------------------------------------------
    def rotate(self) -> tuple[str, str]:
        """A new signing key and a new key-encryption key; the old ones stay."""
        self.ensure()
        return self.rotate_signing_key(), self.rotate_kek()

    def list(self) -> list[KeyInfo]:
        self.ensure()
        current = {
            "signing": _read_private(self._signing_dir / "CURRENT").decode().strip(),
            "kek": _read_private(self._kek_dir / "CURRENT").decode().strip(),
        }
        found = [("signing", p) for p in self._signing_dir.glob("*.pem")]
        found += [("kek", p) for p in self._kek_dir.glob("*.key")]
        infos = [
            KeyInfo(kind, path.stem, current[kind] == path.stem,
                    datetime.fromtimestamp(path.stat().st_mtime, UTC))
            for kind, path in found
        ]
        return sorted(infos, key=lambda info: (info.kind, info.created_at, info.key_id))


def _safe_id(kid: str) -> bool:
    """Key ids name files: no path separators or dots."""
    return bool(kid) and all(c.isalnum() or c == "-" for c in kid)


def _read_private(path: Path) -> bytes:
    """Read a key file, refusing one that others could read (as ssh refuses a loose private key)."""
    mode = path.stat().st_mode
    if stat.S_IMODE(mode) & 0o077:
        raise KeyError_(f"{path} is readable by others (mode {stat.S_IMODE(mode):o}); chmod 600 it.")
    return path.read_bytes()


def _write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only, atomically."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
