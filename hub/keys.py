"""The key directory: Ed25519 signing keys, each with an id, created on first run with owner-only access.

Layout: ``<key_dir>/signing/<kid>.pem`` (PKCS#8, mode 0600) and ``<key_dir>/signing/CURRENT`` naming the key
that signs new tokens. Older keys stay, so what they signed still verifies after a rotation.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class KeyError_(RuntimeError):
    """The key directory is unusable (missing key, wrong permissions)."""


class KeyStore:
    def __init__(self, key_dir: Path) -> None:
        self.key_dir = key_dir
        self._signing_dir = key_dir / "signing"
        self._private: dict[str, Ed25519PrivateKey] = {}

    def ensure(self) -> None:
        """Create the directory and a first signing key if there is none (idempotent)."""
        self._signing_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.key_dir, 0o700)
        os.chmod(self._signing_dir, 0o700)
        if not (self._signing_dir / "CURRENT").exists():
            self.rotate_signing_key()

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
        kid = (self._signing_dir / "CURRENT").read_text().strip()
        return kid, self.private_key(kid)

    def private_key(self, kid: str) -> Ed25519PrivateKey:
        if kid not in self._private:
            path = self._signing_dir / f"{kid}.pem"
            if not path.is_file():
                raise KeyError_(f"No signing key {kid!r} in {self._signing_dir}.")
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise KeyError_(f"{path} is not an Ed25519 key.")
            self._private[kid] = key
        return self._private[kid]

    def public_key(self, kid: str) -> Ed25519PublicKey:
        return self.private_key(kid).public_key()

    def signing_key_ids(self) -> list[str]:
        return sorted(path.stem for path in self._signing_dir.glob("*.pem"))


def _write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only, atomically."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)
