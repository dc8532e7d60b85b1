"""Signing in to the portal as a person would, for the browser and HTTP tests: the demo password, then the
current code from the demo TOTP secret (what `hub portal code` prints)."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp

from hub.demo import demo_password, demo_totp_secret

DEE = "dee.dsl@primary.northbridge.example"
IAN = "ian.ig@council.northbridge.example"
DAN = "dan.dsl@academy.northbridge.example"


def code_for(email: str, at: datetime | None = None) -> str:
    return pyotp.TOTP(demo_totp_secret(email)).at(at or datetime.now(UTC))


def password_for(email: str) -> str:
    return demo_password(email)
