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
        ({"SMTP_TLS": "maybe"}, "SMTP_TLS must be one of none, starttls, tls"),
        ({"SMTP_STARTTLS": "true"}, "SMTP_STARTTLS is replaced by SMTP_TLS"),
        ({"SMTP_TIMEOUT": "0"}, "SMTP_TIMEOUT must be at least 1"),
        ({"MAIL_MAX_ATTEMPTS": "0"}, "MAIL_MAX_ATTEMPTS must be at least 1"),
        ({"MAIL_SEND_INTERVAL": "soon"}, "MAIL_SEND_INTERVAL must be a whole number"),
        ({"MAIL_KEEP_DAYS": "-1"}, "MAIL_KEEP_DAYS must be at least 1"),
        ({"MAIL_FROM": "nobody"}, "MAIL_FROM must be one e-mail address"),
        ({"BASE_URL": "ftp://x"}, "BASE_URL"),
    ],
)
def test_bad_settings_are_refused_with_a_reason(tmp_path, environ, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({"VAR_DIR": str(tmp_path), **environ})


def test_mail_settings_are_read(tmp_path):
    settings = load_settings(
        {
            "VAR_DIR": str(tmp_path),
            "BASE_URL": "https://synpunkter.exempelkommun.se/",
            "SMTP_HOST": "smtp.exempelkommun.se",
            "SMTP_PORT": "465",
            "SMTP_TLS": "TLS",
            "SMTP_TIMEOUT": "20",
            "MAIL_MAX_ATTEMPTS": "12",
            "MAIL_SEND_INTERVAL": "30",
            "MAIL_KEEP_DAYS": "7",
        }
    )
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_tls) == (
        "smtp.exempelkommun.se",
        465,
        "tls",
    )
    assert (settings.smtp_timeout, settings.mail_max_attempts) == (20, 12)
    assert (settings.mail_send_interval, settings.mail_keep_days) == (30, 7)
    assert settings.site_domain == "synpunkter.exempelkommun.se"


def test_postgres_url_is_accepted(tmp_path):
    settings = load_settings(
        {"VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://app:app@127.0.0.1:5432/app"}
    )
    assert not settings.is_sqlite
