"""Audit checkpoints and encryption keys (issue 4).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

"""
from collections.abc import Sequence

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Reserved so that work on parallel branches keeps one linear chain; filled in by its issue."""


def downgrade() -> None:
    pass
