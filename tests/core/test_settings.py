from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from servicedialog.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for field in dataclasses.fields(Settings):
        assert f"`{field.name.upper()}`" in doc, field.name


def test_defaults_give_a_working_development_setup(tmp_path):
    settings = load_settings({"VAR_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite://{tmp_path.resolve()}/servicedialog.sqlite3"
    assert settings.default_language == "sv"
    assert settings.time_zone == "Europe/Stockholm"
    assert not settings.secure_cookies


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_settings({"VAR_DIR": str(tmp_path)}).secret_key
    second = load_settings({"VAR_DIR": str(tmp_path)}).secret_key
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "environ,message",
    [
        ({"ENVIRONMENT": "production"}, "SECRET_KEY is required"),
        ({"ENVIRONMENT": "production", "SECRET_KEY": "short"}, "at least 32"),
        ({"ENVIRONMENT": "staging"}, "ENVIRONMENT must be"),
        ({"DEFAULT_LANGUAGE": "de"}, "DEFAULT_LANGUAGE"),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"SMTP_PORT": "twenty-five"}, "SMTP_PORT must be a whole number"),
        ({"SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS must be true or false"),
        ({"BASE_URL": "ftp://x"}, "BASE_URL"),
    ],
)
def test_bad_settings_are_refused_with_a_reason(tmp_path, environ, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({"VAR_DIR": str(tmp_path), **environ})


def test_postgres_url_is_accepted(tmp_path):
    settings = load_settings(
        {"VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://app:app@127.0.0.1:5432/app"}
    )
    assert not settings.is_sqlite
