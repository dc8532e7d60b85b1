"""Portal sign-in: passwords, TOTP, sessions.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One portal account per practitioner: an argon2id password hash and a TOTP second factor. The secret is
    # set when enrolment starts and counts only once a code from it was confirmed; the last accepted time step
    # makes each code single-use.
    op.create_table(
        "portal_accounts",
        sa.Column("practitioner_id", sa.String(36), sa.ForeignKey("practitioners.id"), primary_key=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("totp_secret", sa.String(200), nullable=True),  # sealed: hub.storage.secrets_at_rest
        sa.Column("totp_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    # Server-side sessions. The cookie holds a random token; only its SHA-256 is stored, so a copy of this
    # table cannot be replayed as cookies. A session starts anonymous (it carries the sign-in form's CSRF
    # token), is bound to a practitioner by the password step and signed in by the second factor.
    op.create_table(
        "portal_sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("practitioner_id", sa.String(36), sa.ForeignKey("practitioners.id"), nullable=True),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.String(40), nullable=True),
    )
    op.create_index("ix_portal_sessions_practitioner", "portal_sessions", ["practitioner_id", "ended_at"])
    op.create_index("ix_portal_sessions_last_seen", "portal_sessions", ["last_seen_at"])
    # Failed sign-in attempts, keyed by the e-mail address as typed (lower-cased), known or not: lockout then
    # behaves the same for an address that has no account, so it reveals nothing. The audit ledger keeps the
    # history; rows here are cleared by a successful sign-in.
    op.create_table(
        "portal_sign_in_failures",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("email_key", sa.String(200), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_portal_sign_in_failures_email", "portal_sign_in_failures", ["email_key", "failed_at"])


def downgrade() -> None:
    op.drop_table("portal_sign_in_failures")
    op.drop_table("portal_sessions")
    op.drop_table("portal_accounts")
