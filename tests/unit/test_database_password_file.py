from __future__ import annotations

from pathlib import Path

import pytest

from hub.settings import Settings, SettingsError


def test_the_password_comes_from_the_file_and_replaces_any_in_the_url(tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("s3cret/with:odd@chars\n")
    settings = Settings.from_env({"HUB_DATABASE_URL": "postgresql+psycopg://hub_app:old@db:5432/hub",
                                  "HUB_DATABASE_PASSWORD_FILE": str(secret)})
    assert settings.database_url == "postgresql+psycopg://hub_app:s3cret%2Fwith%3Aodd%40chars@db:5432/hub"


def test_a_missing_password_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="HUB_DATABASE_PASSWORD_FILE"):
        Settings.from_env({"HUB_DATABASE_URL": "postgresql+psycopg://hub_app@db/hub",
                           "HUB_DATABASE_PASSWORD_FILE": str(tmp_path / "absent")})
