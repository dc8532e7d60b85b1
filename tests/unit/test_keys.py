"""The key directory: ids, owner-only permissions, rotation that keeps old keys."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from hub.keys import KeyError_, KeyStore


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_run_creates_a_private_directory_with_one_key_of_each_kind(tmp_path: Path) -> None:
    keys = KeyStore(tmp_path / "keys")
    keys.ensure()
    assert mode(tmp_path / "keys") == 0o700
    files = [p for p in (tmp_path / "keys").rglob("*") if p.is_file()]
    assert files and all(mode(p) == 0o600 for p in files)
    assert [k.kind for k in keys.list()] == ["kek", "signing"]
    assert len(keys.current_kek()[1]) == 32


def test_rotation_adds_keys_and_keeps_the_old_ones(tmp_path: Path) -> None:
    keys = KeyStore(tmp_path)
    keys.ensure()
    old_signing, old_kek = keys.current_signing_key()[0], keys.current_kek()[0]
    new_signing, new_kek = keys.rotate()
    assert keys.current_signing_key()[0] == new_signing != old_signing
    assert keys.current_kek()[0] == new_kek != old_kek
    reopened = KeyStore(tmp_path)
    assert reopened.public_key(old_signing) is not None and len(reopened.kek(old_kek)) == 32
    assert {k.key_id for k in reopened.list() if k.current} == {new_signing, new_kek}


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    keys = KeyStore(tmp_path)
    keys.ensure()
    kek_id = keys.current_kek()[0]
    os.chmod(tmp_path / "kek" / f"{kek_id}.key", 0o644)
    with pytest.raises(KeyError_, match="readable by others"):
        KeyStore(tmp_path).kek(kek_id)


def test_key_ids_cannot_name_other_files(tmp_path: Path) -> None:
    keys = KeyStore(tmp_path)
    keys.ensure()
    with pytest.raises(KeyError_):
        keys.kek("../signing/CURRENT")
