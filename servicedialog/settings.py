"""Settings, read once from environment variables (12-factor).

Every field of :class:`Settings` is one environment variable of the same name in
upper case. ``docs/configuration.md`` documents each one; a test fails when a setting is
added here without being documented there.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.config import Config

LANGUAGES = ("sv", "en")
SMTP_TLS_MODES = ("none", "starttls", "tls")


class SettingsError(ValueError):
    """A setting has a value the app cannot run with; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    environment: str = "development"
    var_dir: Path = Path("var")
    database_url: str = ""
    secret_key: str = field(default="", repr=False)
    base_url: str = "http://127.0.0.1:8000"
    default_language: str = "sv"
    time_zone: str = "Europe/Stockholm"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_tls: str = "none"
    smtp_timeout: int = 30
    mail_from: str = "servicedialog@localhost"
    mail_max_attempts: int = 8
    mail_send_interval: int = 10
    mail_keep_days: int = 30
    login_max_failures: int = 5
    login_window_seconds: int = 900
    login_slowdown_after: int = 20
    session_max_age_seconds: int = 8 * 3600
    session_idle_seconds: int = 3600
    public_form_rate_limit: int = 10
    max_form_bytes: int = 1024 * 1024
    max_upload_bytes: int = 32 * 1024 * 1024
    max_api_bytes: int = 16 * 1024 * 1024
    trusted_proxies: tuple[str, ...] = ()
    hsts_max_age: int = 31_536_000
    log_level: str = "INFO"

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def secure_cookies(self) -> bool:
        """Cookies get the Secure flag whenever the site is served over https."""
        return urlsplit(self.base_url).scheme == "https"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")

    @property
    def site_domain(self) -> str:
        """The host name of ``BASE_URL``, used in the Message-ID of outgoing e-mail."""
        return urlsplit(self.base_url).hostname or "localhost"


def _default_database_url(var_dir: Path) -> str:
    return f"sqlite://{(var_dir / 'servicedialog.sqlite3').resolve()}"


def _dev_secret_key(var_dir: Path) -> str:
    """A development key generated once and kept under var/, so sessions survive restarts."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``environ`` (default: the process environment)."""
    config = Config(environ=os.environ if environ is None else environ)
    environment = config("ENVIRONMENT", default="development")
    if environment not in ("development", "production", "test"):
        raise SettingsError(
            f"ENVIRONMENT must be development, production or test, not {environment!r}"
        )
    if "SMTP_STARTTLS" in (os.environ if environ is None else environ):
        raise SettingsError("SMTP_STARTTLS is replaced by SMTP_TLS=starttls (or none, tls)")
    var_dir = Path(config("VAR_DIR", default="var"))
    secret_key = config("SECRET_KEY", default="")
    if not secret_key:
        if environment == "production":
            raise SettingsError("SECRET_KEY is required when ENVIRONMENT=production")
        secret_key = _dev_secret_key(var_dir)
    settings = Settings(
        environment=environment,
        var_dir=var_dir,
        database_url=config("DATABASE_URL", default="") or _default_database_url(var_dir),
        secret_key=secret_key,
        base_url=config("BASE_URL", default="http://127.0.0.1:8000").rstrip("/"),
        default_language=config("DEFAULT_LANGUAGE", default="sv"),
        time_zone=config("TIME_ZONE", default="Europe/Stockholm"),
        smtp_host=config("SMTP_HOST", default=""),
        smtp_port=_int(config, "SMTP_PORT", 25),
        smtp_username=config("SMTP_USERNAME", default=""),
        smtp_password=config("SMTP_PASSWORD", default=""),
        smtp_tls=config("SMTP_TLS", default="none").lower(),
        smtp_timeout=_int(config, "SMTP_TIMEOUT", 30),
        mail_from=config("MAIL_FROM", default="servicedialog@localhost"),
        mail_max_attempts=_int(config, "MAIL_MAX_ATTEMPTS", 8),
        mail_send_interval=_int(config, "MAIL_SEND_INTERVAL", 10),
        mail_keep_days=_int(config, "MAIL_KEEP_DAYS", 30),
        login_max_failures=_int(config, "LOGIN_MAX_FAILURES", 5),
        login_window_seconds=_int(config, "LOGIN_WINDOW_SECONDS", 900),
        login_slowdown_after=_int(config, "LOGIN_SLOWDOWN_AFTER", 20),
        session_max_age_seconds=_int(config, "SESSION_MAX_AGE_SECONDS", 8 * 3600),
        session_idle_seconds=_int(config, "SESSION_IDLE_SECONDS", 3600),
        # FEEDBACK_RATE_LIMIT: its name from when the feedback form was the only one.
        public_form_rate_limit=_int(
            config, "PUBLIC_FORM_RATE_LIMIT", _int(config, "FEEDBACK_RATE_LIMIT", 10)
        ),
        max_form_bytes=_int(config, "MAX_FORM_BYTES", 1024 * 1024),
        max_upload_bytes=_int(config, "MAX_UPLOAD_BYTES", 32 * 1024 * 1024),
        max_api_bytes=_int(config, "MAX_API_BYTES", 16 * 1024 * 1024),
        trusted_proxies=_addresses(config, "TRUSTED_PROXIES"),
        hsts_max_age=_int(config, "HSTS_MAX_AGE", 31_536_000),
        log_level=config("LOG_LEVEL", default="INFO").upper(),
    )
    validate(settings)
    return settings


def _int(config: Config, key: str, default: int) -> int:
    raw = config(key, default=str(default))
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{key} must be a whole number, not {raw!r}") from None


def _addresses(config: Config, key: str) -> tuple[str, ...]:
    """A comma-separated list of IP addresses or networks (CIDR), checked."""
    raw = config(key, default="")
    items = tuple(part.strip() for part in raw.split(",") if part.strip())
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingsError(f"{key}: {item!r} is not an IP address or network") from None
    return items


def _bool(config: Config, key: str, default: bool) -> bool:
    raw = config(key, default="true" if default else "false").lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off", ""):
        return False
    raise SettingsError(f"{key} must be true or false, not {raw!r}")


def validate(settings: Settings) -> None:
    if settings.default_language not in LANGUAGES:
        raise SettingsError(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}")
    try:
        ZoneInfo(settings.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"TIME_ZONE {settings.time_zone!r} is not a known time zone") from None
    scheme = settings.database_url.split(":", 1)[0]
    if scheme not in ("sqlite", "postgres", "postgresql", "asyncpg"):
        raise SettingsError("DATABASE_URL must start with sqlite:// or postgres://")
    if urlsplit(settings.base_url).scheme not in ("http", "https"):
        raise SettingsError("BASE_URL must start with http:// or https://")
    if settings.is_production and len(settings.secret_key) < 32:
        raise SettingsError("SECRET_KEY must be at least 32 characters in production")
    validate_mail(settings)
    for name in (
        "login_max_failures",
        "login_window_seconds",
        "login_slowdown_after",
        "session_max_age_seconds",
        "session_idle_seconds",
        "max_form_bytes",
        "max_upload_bytes",
        "max_api_bytes",
    ):
        if getattr(settings, name) < 1:
            raise SettingsError(f"{name.upper()} must be at least 1")


def validate_mail(settings: Settings) -> None:
    if settings.smtp_tls not in SMTP_TLS_MODES:
        raise SettingsError(f"SMTP_TLS must be one of {', '.join(SMTP_TLS_MODES)}")
    if "@" not in settings.mail_from or any(c in settings.mail_from for c in "\r\n"):
        raise SettingsError("MAIL_FROM must be one e-mail address, e.g. noreply@example.se")
    for name in ("smtp_timeout", "mail_max_attempts", "mail_send_interval", "mail_keep_days"):
        if getattr(settings, name) < 1:
            raise SettingsError(f"{name.upper()} must be at least 1")
