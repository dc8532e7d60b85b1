"""Information requests, sharing decisions, notifications and their delivery (issue 5).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

"""
from collections.abc import Sequence

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Reserved so that work on parallel branches keeps one linear chain; filled in by its issue."""


def downgrade() -> None:
    pass
