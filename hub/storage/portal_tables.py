"""The portal's tables: accounts (password and TOTP), server-side sessions, and failed sign-ins.

Created by migration 0006. Kept apart from ``tables`` because nothing but the portal's sign-in services
reads them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.storage.tables import Base, new_id
from hub.storage.types import UtcDateTime


class PortalAccount(Base):
    __tablename__ = "portal_accounts"
    practitioner_id: Mapped[str] = mapped_column(ForeignKey("practitioners.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id
    # Base32 (RFC 4648), sealed with the key-encryption key (hub.storage.secrets_at_rest); set at enrolment.
    totp_secret: Mapped[str | None] = mapped_column(String(200))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)  # a code is accepted once
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PortalSession(Base):
    __tablename__ = "portal_sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the cookie's token
    practitioner_id: Mapped[str | None] = mapped_column(ForeignKey("practitioners.id"))
    stage: Mapped[str] = mapped_column(String(20))  # see hub.services.portal_sessions.Stage
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_reason: Mapped[str | None] = mapped_column(String(40))


Index("ix_portal_sessions_practitioner", PortalSession.practitioner_id, PortalSession.ended_at)
Index("ix_portal_sessions_last_seen", PortalSession.last_seen_at)


class PortalSignInFailure(Base):
    __tablename__ = "portal_sign_in_failures"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email_key: Mapped[str] = mapped_column(String(200))
    failed_at: Mapped[datetime] = mapped_column(UtcDateTime())


Index("ix_portal_sign_in_failures_email", PortalSignInFailure.email_key, PortalSignInFailure.failed_at)
