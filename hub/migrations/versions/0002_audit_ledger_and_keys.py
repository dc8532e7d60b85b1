"""Audit checkpoints and encryption keys: signed checkpoints (append-only), children's data keys,
room for a sealed postcode, and an index for the break-glass review queue.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_checkpoints",
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False,
                  nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("size"),
    )
    op.create_table(
        "child_data_keys",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("kek_id", sa.String(length=40), nullable=True),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shredded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["child_id"], ["children.id"]),
        sa.PrimaryKeyConstraint("key_id"),
    )
    op.create_index("ix_child_data_keys_child_id", "child_data_keys", ["child_id"])
    # The break-glass review queue looks events up by action, and reviews by the event they review.
    op.create_index("ix_audit_events_action_resource", "audit_events", ["action", "resource_id"])
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # One round trip per append instead of two: take the chain's lock, then read its head and the
        # newest checkpoint. A VOLATILE function takes a fresh snapshot for each statement in it, so under
        # READ COMMITTED the head it reads is the one the lock protects (hub.audit.ledger).
        op.execute("""
            CREATE FUNCTION hub_audit_lock_head(lock_key bigint)
            RETURNS TABLE (seq bigint, hash varchar, checkpoint_size bigint, checkpoint_at timestamptz)
            LANGUAGE plpgsql VOLATILE AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock(lock_key);
                RETURN QUERY SELECT
                    (SELECT e.seq FROM audit_events e ORDER BY e.seq DESC LIMIT 1),
                    (SELECT e.hash FROM audit_events e ORDER BY e.seq DESC LIMIT 1),
                    (SELECT c.size FROM audit_checkpoints c ORDER BY c.size DESC LIMIT 1),
                    (SELECT c.created_at FROM audit_checkpoints c ORDER BY c.size DESC LIMIT 1);
            END $$""")
        # A sealed postcode is longer than ten characters. SQLite does not enforce VARCHAR lengths.
        op.alter_column("children", "postcode", type_=sa.Text(), existing_nullable=True)
        # hub_refuse_change() comes from 0001.
        op.execute("CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE "
                   "ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION hub_refuse_change()")
        op.execute("CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints "
                   "FOR EACH STATEMENT EXECUTE FUNCTION hub_refuse_change()")
    else:
        for change in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_checkpoints_no_{change.lower()} BEFORE {change} ON "
                       "audit_checkpoints BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only: rows "
                       "are never updated or deleted'); END")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_append_only ON audit_checkpoints")
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoints_no_truncate ON audit_checkpoints")
        op.execute("DROP FUNCTION IF EXISTS hub_audit_lock_head(bigint)")
        op.alter_column("children", "postcode", type_=sa.String(length=10), existing_nullable=True)
    op.drop_index("ix_audit_events_action_resource", table_name="audit_events")
    op.drop_index("ix_child_data_keys_child_id", table_name="child_data_keys")
    op.drop_table("child_data_keys")
    op.drop_table("audit_checkpoints")
