"""The import contracts bite: a copy of the tree with one planted bypass fails `lint-imports`, naming the
contract it breaks; the tree as it is passes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hub.settings import PROJECT_ROOT

LINT = Path(sys.executable).parent / "lint-imports"
SKIP = shutil.ignore_patterns("__pycache__", "assets", "node_modules", "*.pyc")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    for package in ("hub", "schema", "adapters"):
        shutil.copytree(PROJECT_ROOT / package, root / package, ignore=SKIP)
    shutil.copy(PROJECT_ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120,
                          check=False, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)})


def test_the_tree_as_it_is_keeps_every_contract(tree: Path) -> None:
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


PLANTED = [
    ("schema/planted.py", "from sqlalchemy.orm import Session\n",
     "The GraphQL layer never reaches storage, oso or adapters directly"),
    ("schema/planted.py", "from hub.storage.unit_of_work import UnitOfWork\n",
     "The GraphQL layer never reaches storage, oso or adapters directly"),
    ("hub/services/planted.py", "from hub.storage import tables\n",
     "Only the access layer and the wiring import storage"),
    ("hub/web/planted.py", "from hub.storage.unit_of_work import UnitOfWork\n",
     "Only the access layer and the wiring import storage"),
    ("hub/services/planted.py", "import oso\n", "Only the policy module imports oso"),
    ("hub/storage/planted.py", "from hub.services import records\n",
     "Layers: entry points > use cases > access > storage > domain"),
    ("hub/access/planted.py", "from hub.portal import web\n",
     "Layers: entry points > use cases > access > storage > domain"),
]


@pytest.mark.parametrize(("path", "source", "contract"), PLANTED, ids=[f"{p}:{s.strip()}" for p, s, _ in PLANTED])
def test_a_planted_bypass_breaks_lint(tree: Path, path: str, source: str, contract: str) -> None:
    planted = tree / path
    planted.write_text(f'"""A bypass planted by the test."""\n\n{source}')
    try:
        result = lint(tree)
    finally:
        planted.unlink()
    assert result.returncode != 0, result.stdout
    broken = [line for line in result.stdout.splitlines() if " BROKEN" in line]
    assert any(line.startswith(contract) for line in broken), result.stdout
