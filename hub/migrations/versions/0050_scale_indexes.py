"""Indexes a region's size needs (found by EXPLAIN on a region of 100,000 children, bench/scale.py).

Revision ID: 0050
Revises: 0040
Create Date: 2026-12-02

- ``record_versions (start_date DESC, record_key)``: the order every list of records is read in (newest
  first, then by key). The index of 0001 is ascending in both, so a backward scan yields record_key
  descending and PostgreSQL had to read and sort a whole day's records (about 1,400 at 100,000 children,
  14,000 at a million) before the MASH worklist's first page; now it stops after the page.
- ``children (family_name, given_name, id)``: the order a school's roll is listed in, so a page of pupils can
  be read in order instead of sorting the whole roll.

On PostgreSQL both are built CONCURRENTLY, so migrating a live region does not lock out reads or writes.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0050"
down_revision: str | Sequence[str] | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: list[tuple[str, str, list[str | sa.TextClause]]] = [
    ("ix_record_versions_newest", "record_versions", [sa.text("start_date DESC"), "record_key"]),
    ("ix_children_name_order", "children", ["family_name", "given_name", "id"]),
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            for name, table, columns in INDEXES:
                op.create_index(name, table, columns, postgresql_concurrently=True, if_not_exists=True)
        return
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
