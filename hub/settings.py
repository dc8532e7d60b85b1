"""Settings, read once from the environment (prefix ``HUB_``). The only module that reads the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A HUB_ setting is present but cannot be used."""


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
    # The portal signs a person out after this many minutes without a request (a school laptop left open).
    portal_idle_minutes: int = 15

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

        return cls(
            database_url=env.get("HUB_DATABASE_URL", f"sqlite:///{var / 'hub.sqlite3'}"),
            host=env.get("HUB_HOST", "127.0.0.1"),
            port=integer("PORT", 8000),
            key_dir=Path(env.get("HUB_KEY_DIR", str(var / "keys"))),
            policy_dir=Path(env.get("HUB_POLICY_DIR", str(PROJECT_ROOT / "policies"))),
            # Production hides the IDE, introspection, field suggestions and GET queries.
            production=flag("PRODUCTION", False),
            token_ttl_seconds=integer("TOKEN_TTL_SECONDS", 600),
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
            portal_idle_minutes=positive(integer("PORTAL_IDLE_MINUTES", 15), "PORTAL_IDLE_MINUTES"),
        )
