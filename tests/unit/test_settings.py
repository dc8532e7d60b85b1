from __future__ import annotations

import pytest

from hub.settings import PROJECT_ROOT, Settings, SettingsError


def test_defaults_use_an_embedded_sqlite_file_under_var() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'hub.sqlite3'}"
    assert (settings.host, settings.port, settings.production) == ("127.0.0.1", 8000, False)


def test_hub_variables_override() -> None:
    settings = Settings.from_env({"HUB_DATABASE_URL": "postgresql+psycopg://hub@db/hub", "HUB_PORT": "9000",
                                  "HUB_PRODUCTION": "true"})
    assert (settings.database_url, settings.port, settings.production) == (
        "postgresql+psycopg://hub@db/hub", 9000, True)


def test_portal_idle_timeout_defaults_to_a_quarter_of_an_hour() -> None:
    assert Settings.from_env({}).portal_idle_minutes == 15
    assert Settings.from_env({"HUB_PORTAL_IDLE_MINUTES": "5"}).portal_idle_minutes == 5


@pytest.mark.parametrize(("name", "value"), [("HUB_PORT", "eighty"), ("HUB_PRODUCTION", "maybe"),
                                             ("HUB_PORTAL_IDLE_MINUTES", "0"),
                                             ("HUB_TOKEN_MAX_LIFETIME_SECONDS", "0"),
                                             ("HUB_TOKEN_MAX_LIFETIME_SECONDS", "300")])
def test_unusable_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_tokens_live_ten_minutes_and_never_more_than_an_hour_by_default() -> None:
    settings = Settings.from_env({})
    assert (settings.token_ttl_seconds, settings.token_max_lifetime_seconds) == (600, 3600)
    with pytest.raises(SettingsError, match="HUB_TOKEN_TTL_SECONDS"):
        Settings.from_env({"HUB_TOKEN_TTL_SECONDS": "7200"})
