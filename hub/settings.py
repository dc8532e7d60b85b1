"""Settings, read once from the environment (prefix ``HUB_``). The only module that reads the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A HUB_ setting is present but cannot be used."""


@dataclass(frozen=True)
class WorkflowSettings:
    """Information requests, notifications and their delivery."""

    timezone: str = "Europe/London"
    working_day_start: time = time(9, 0)
    working_day_end: time = time(17, 0)
    school_day_start: time = time(8, 30)
    due_soon_minutes: int = 60  # "due soon" goes this long before a request's due time
    share_grant_hours: int = 24 * 30  # how long a decision to share lets the requester read, unless it says
    webhook_timeout_seconds: float = 5.0
    webhook_max_attempts: int = 8
    webhook_backoff_seconds: int = 30  # doubled after each failure, up to an hour
    worker_lease_seconds: int = 120  # longer than the slowest job (a webhook times out well before)
    worker_poll_seconds: float = 5.0
    subscription_poll_seconds: float = 2.0


@dataclass(frozen=True)
class Settings:
    database_url: str
    host: str
    port: int
    key_dir: Path
    policy_dir: Path
    production: bool
    token_ttl_seconds: int
    token_issuer: str
    max_query_depth: int
    max_aliases: int
    max_tokens: int
    max_operations: int
    max_cost: int
    audit_origin: str
    checkpoint_every_events: int
    checkpoint_every_seconds: int
    checkpoint_stale_seconds: int
    # Agency adapters: HUB_ADAPTER_<SYSTEM>_URL and HUB_ADAPTER_<SYSTEM>_CACHE_SECONDS, by lower-case system
    # name (social_care, health_fhir, police, school_mis).
    adapter_urls: dict[str, str] = field(default_factory=dict)
    adapter_cache_seconds: dict[str, int] = field(default_factory=dict)
    workflow: WorkflowSettings = field(default_factory=WorkflowSettings)
    # The portal signs a person out after this many minutes without a request (a school laptop left open).
    portal_idle_minutes: int = 15
    # The TLS-terminating proxies whose X-Forwarded-For/-Proto headers are believed (comma-separated IPs):
    # behind them the portal knows it is on https (Secure cookies, HSTS).
    forwarded_allow_ips: str = "127.0.0.1"
    # No access token lives longer than this, however it was asked for; a token claiming more is refused.
    token_max_lifetime_seconds: int = 3600
    # A directory outside the database where every committed checkpoint is published (the newest in
    # ``checkpoint``): `hub audit verify` checks the log against it, so a rolled-back or cut log shows.
    checkpoint_publish_dir: Path | None = None
    # FETCH on demand waits at most this long for an agency's answer (all retries included): well under a
    # request's own time, so a hung agency costs a read its detail, not the read.
    fetch_deadline_seconds: float = 2.0
    # Observability: /metrics answers loopback callers, or a bearer of this token; traces go to this
    # OpenTelemetry exporter (console or otlp; none by default); logs are JSON lines unless "text".
    metrics_token: str | None = None
    otel_exporter: str | None = None
    log_format: str = "json"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        var = PROJECT_ROOT / "var"

        def integer(name: str, default: int) -> int:
            raw = env.get(f"HUB_{name}")
            if raw is None:
                return default
            try:
                return int(raw)
            except ValueError:
                raise SettingsError(f"HUB_{name} must be a whole number, not {raw!r}") from None

        def number(name: str, default: float) -> float:
            raw = env.get(f"HUB_{name}")
            if raw is None:
                return default
            try:
                return float(raw)
            except ValueError:
                raise SettingsError(f"HUB_{name} must be a number, not {raw!r}") from None

        def clock_time(name: str, default: time) -> time:
            raw = env.get(f"HUB_{name}")
            if raw is None:
                return default
            try:
                return time.fromisoformat(raw)
            except ValueError:
                raise SettingsError(f"HUB_{name} must be a time of day such as 09:00, not {raw!r}") from None

        def flag(name: str, default: bool) -> bool:
            raw = env.get(f"HUB_{name}")
            if raw is None:
                return default
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise SettingsError(f"HUB_{name} must be true or false, not {raw!r}")

        def positive(value: int, name: str) -> int:
            if value < 1:
                raise SettingsError(f"HUB_{name} must be at least 1, not {value}")
            return value

        token_cap = positive(integer("TOKEN_MAX_LIFETIME_SECONDS", 3600), "TOKEN_MAX_LIFETIME_SECONDS")
        token_ttl = positive(integer("TOKEN_TTL_SECONDS", 600), "TOKEN_TTL_SECONDS")
        if token_ttl > token_cap:
            raise SettingsError(f"HUB_TOKEN_TTL_SECONDS ({token_ttl}) must not exceed "
                                f"HUB_TOKEN_MAX_LIFETIME_SECONDS ({token_cap})")

        return cls(
            database_url=with_password_file(env.get("HUB_DATABASE_URL", f"sqlite:///{var / 'hub.sqlite3'}"),
                                            env.get("HUB_DATABASE_PASSWORD_FILE")),
            host=env.get("HUB_HOST", "127.0.0.1"),
            port=integer("PORT", 8000),
            key_dir=Path(env.get("HUB_KEY_DIR", str(var / "keys"))),
            policy_dir=Path(env.get("HUB_POLICY_DIR", str(PROJECT_ROOT / "policies"))),
            # Production hides the IDE, introspection, field suggestions and GET queries.
            production=flag("PRODUCTION", False),
            token_ttl_seconds=token_ttl,
            token_issuer=env.get("HUB_TOKEN_ISSUER", "safeguarding-hub"),
            max_query_depth=integer("MAX_QUERY_DEPTH", 8),
            max_aliases=integer("MAX_ALIASES", 15),
            max_tokens=integer("MAX_TOKENS", 2000),
            max_operations=integer("MAX_OPERATIONS", 1),
            max_cost=integer("MAX_COST", 5000),
            adapter_urls={key[len("HUB_ADAPTER_"):-len("_URL")].lower(): value for key, value in env.items()
                          if key.startswith("HUB_ADAPTER_") and key.endswith("_URL")},
            adapter_cache_seconds={
                key[len("HUB_ADAPTER_"):-len("_CACHE_SECONDS")].lower(): integer(key[len("HUB_"):], 0)
                for key in env if key.startswith("HUB_ADAPTER_") and key.endswith("_CACHE_SECONDS")
            },
            # The name the audit log signs its checkpoints under (C2SP: a schema-less URL naming the log).
            audit_origin=env.get("HUB_AUDIT_ORIGIN", "safeguarding-hub.example/audit"),
            # A signed checkpoint after this many events, or this long after the last one, whichever is first.
            checkpoint_every_events=integer("CHECKPOINT_EVERY_EVENTS", 1000),
            checkpoint_every_seconds=integer("CHECKPOINT_EVERY_SECONDS", 60),
            # `hub audit verify` warns when the newest checkpoint covers nothing newer than this.
            checkpoint_stale_seconds=integer("CHECKPOINT_STALE_SECONDS", 3600),
            workflow=WorkflowSettings(
                timezone=env.get("HUB_TIMEZONE", "Europe/London"),
                working_day_start=clock_time("WORKING_DAY_START", time(9, 0)),
                working_day_end=clock_time("WORKING_DAY_END", time(17, 0)),
                school_day_start=clock_time("SCHOOL_DAY_START", time(8, 30)),
                due_soon_minutes=integer("DUE_SOON_MINUTES", 60),
                share_grant_hours=integer("SHARE_GRANT_HOURS", 24 * 30),
                webhook_timeout_seconds=number("WEBHOOK_TIMEOUT_SECONDS", 5.0),
                webhook_max_attempts=integer("WEBHOOK_MAX_ATTEMPTS", 8),
                webhook_backoff_seconds=integer("WEBHOOK_BACKOFF_SECONDS", 30),
                worker_lease_seconds=integer("WORKER_LEASE_SECONDS", 120),
                worker_poll_seconds=number("WORKER_POLL_SECONDS", 5.0),
                subscription_poll_seconds=number("SUBSCRIPTION_POLL_SECONDS", 2.0),
            ),
            portal_idle_minutes=positive(integer("PORTAL_IDLE_MINUTES", 15), "PORTAL_IDLE_MINUTES"),
            forwarded_allow_ips=env.get("HUB_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            token_max_lifetime_seconds=token_cap,
            checkpoint_publish_dir=Path(env["HUB_CHECKPOINT_PUBLISH_DIR"])
            if env.get("HUB_CHECKPOINT_PUBLISH_DIR") else None,
            fetch_deadline_seconds=number("FETCH_DEADLINE_SECONDS", 2.0),
            metrics_token=env.get("HUB_METRICS_TOKEN") or None,
            otel_exporter=env.get("HUB_OTEL_EXPORTER") or None,
            log_format=env.get("HUB_LOG_FORMAT", "json"),
        )


def with_password_file(url: str, password_file: str | None) -> str:
    """HUB_DATABASE_PASSWORD_FILE: the database password read from a file (a compose or systemd secret), so it
    is never in the environment, a process listing or an image. It replaces any password in the URL."""
    if not password_file:
        return url
    from sqlalchemy.engine import make_url

    try:
        password = Path(password_file).read_text().strip()
    except OSError as error:
        raise SettingsError(f"HUB_DATABASE_PASSWORD_FILE cannot be read: {error.strerror} ({password_file})") \
            from None
    return make_url(url).set(password=password).render_as_string(hide_password=False)
