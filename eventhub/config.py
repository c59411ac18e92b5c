"""Configuration: defaults per environment, then instance/config.py, then the environment.

`EVENTHUB_ENV` picks the set: `development` (default), `production` or `testing`.
Every setting can be overridden from the environment, either by its plain name for the
common ones (`SECRET_KEY`, `DATABASE_URL`, `REDIS_URL`, `MAIL_SERVER`…) or as
`EVENTHUB_<NAME>` for any other (values are parsed as JSON when they can be).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from eventhub.booths.allocator import AllocationWeights

# Settings that are read from the environment under their plain, conventional name.
PLAIN_ENV_SETTINGS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_DEFAULT_SENDER",
)


class Config:
    ENV_NAME = "development"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # derived from DATABASE_URL or instance/
    # SQLAlchemy's own pool options: a pooled connection is tested before use (and replaced
    # if the database dropped it, after a restart for example), and none is kept longer
    # than half an hour. From the environment as JSON: EVENTHUB_SQLALCHEMY_ENGINE_OPTIONS.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {  # noqa: RUF012 - a setting, read only
        "pool_pre_ping": True,
        "pool_recycle": 1800,
    }
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Africa/Casablanca"
    LANGUAGES = ("fr", "en", "ar")

    # Number of reverse proxies in front of the app (TLS terminator, load balancer) whose
    # X-Forwarded-For/-Proto/-Host to trust; 0 when clients connect directly.
    PROXY_FIX_X_FOR = 0

    # The site's address: every absolute link (e-mails, API answers, QR codes) is built on
    # it, never on the Host a request names. Required in production, where requests for
    # any other host are refused (400; TRUSTED_HOSTS, extra names from the environment).
    PUBLIC_BASE_URL = "http://localhost:5000"
    TRUSTED_HOSTS: list[str] | None = None

    # The booth allocator's soft-goal weights and area rule, any of: sector_zone,
    # preference, programme, wasted_area (weights >= 0), max_area_factor (a booth may be at
    # most this many times the area wanted), other_hall_distance (m). Unset keys keep the
    # defaults of eventhub/booths/allocator.py. From the environment as JSON:
    # EVENTHUB_BOOTH_ALLOCATION='{"programme": 5, "max_area_factor": 2}'.
    BOOTH_ALLOCATION: dict[str, float] = {}  # noqa: RUF012 - a setting, read only

    # The organiser's live attendance page fetches fresh figures this often.
    ATTENDANCE_REFRESH_SECONDS = 10

    # The most members a startup's or an investor firm's team may have, counting the
    # invited ones; from the environment: EVENTHUB_TEAM_MAX_MEMBERS=5.
    TEAM_MAX_MEMBERS = 10

    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STORAGE_URI: str | None = None  # derived from REDIS_URL
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    # Between the right password and the two-factor code of an account that has it: how
    # long the code may be given (then the password is asked again). LOGIN_RATE_LIMIT
    # applies to the codes too, per client IP and per account.
    TWO_FACTOR_PENDING_SECONDS = 300
    # Per client IP, on the forgotten-password form and on the pages its links (and the
    # e-mail-change links) open.
    PASSWORD_RESET_RATE_LIMIT = "5 per minute;20 per hour"  # noqa: S105 (not a password)
    # Per client IP, on the public sign-up form, the "resend the link" form and the page of
    # the e-mail verification link.
    SIGNUP_RATE_LIMIT = "5 per minute;20 per hour"
    # Per client IP, on the public registration form and API together.
    REGISTRATION_RATE_LIMIT = "20 per minute;200 per hour"
    REDIS_URL: str | None = None
    # Redis down must not turn every sign-in and registration into an error: each process
    # then counts in its own memory until Redis answers again.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True

    API_TITLE = "EventHub API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    # Flask-Compress: only the views decorated with `@compress.compressed()` (the door list),
    # and only answers larger than one TCP segment: a smaller one (most door-list deltas)
    # travels in one segment anyway, compression would only cost CPU.
    COMPRESS_REGISTER = False
    COMPRESS_MIN_SIZE = 1400

    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "EventHub <no-reply@eventhub.local>"
    MAIL_TIMEOUT = 10  # seconds to connect and talk to MAIL_SERVER
    # Without MAIL_SERVER, e-mails are written here as .eml files (default: instance/outbox).
    OUTBOX: str | None = None
    # A message that could not be sent is tried again after MAIL_RETRY_SECONDS, then
    # twice as long each time (at most an hour), MAIL_MAX_ATTEMPTS times in all (about a
    # day and a half with the defaults); then it is `failed`, for an organiser to resend.
    MAIL_RETRY_SECONDS = 30
    MAIL_MAX_ATTEMPTS = 40
    # A message claimed by a job this long ago that never finished (its worker died) is
    # queued again by the periodic sweep: longer than any one attempt takes.
    MAIL_STALLED_AFTER_SECONDS = 600

    # Background jobs (eventhub/jobs.py): on Redis when REDIS_URL is set, else on a
    # broker in instance/celery/. JOBS_EAGER runs each task at once in the process that
    # queues it (the test settings).
    JOBS_EAGER = False
    # How long the file a job made (a bulk badge PDF, an export) can be downloaded.
    JOB_FILES_KEPT_HOURS = 24

    # How long an invitation's link can be used (from its last sending); from the
    # environment: EVENTHUB_INVITATION_TTL_DAYS=7.
    INVITATION_TTL_DAYS = 14

    # A sign-up whose address was never confirmed is deleted this many days later (its
    # link works 48 hours); from the environment: EVENTHUB_UNCONFIRMED_SIGNUP_DAYS=3.
    UNCONFIRMED_SIGNUP_DAYS = 7

    # Argon2id cost, OWASP's recommendation: m=19 MiB, t=2, p=1 (or stronger).
    ARGON2_MEMORY_KIB = 19 * 1024
    ARGON2_TIME_COST = 2
    ARGON2_PARALLELISM = 1


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class ProductionConfig(Config):
    ENV_NAME = "production"
    PUBLIC_BASE_URL = ""  # EVENTHUB_PUBLIC_BASE_URL, required
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"  # noqa: S105 (never used outside the test suite)
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    SERVER_NAME = None
    JOBS_EAGER = True
    MAIL_RETRY_SECONDS = 1


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


class ConfigError(RuntimeError):
    """The application cannot start with this configuration."""


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill `app.config` in order: defaults, instance/config.py, environment, overrides."""
    overrides = dict(overrides or {})
    env_name = overrides.get("ENV_NAME") or os.environ.get("EVENTHUB_ENV", "development")
    if env_name not in CONFIGS:
        raise ConfigError(f"EVENTHUB_ENV must be one of {sorted(CONFIGS)}, not {env_name!r}")
    app.config.from_object(CONFIGS[env_name])
    app.config.from_pyfile("config.py", silent=True)
    for name in PLAIN_ENV_SETTINGS:
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    app.config.from_prefixed_env("EVENTHUB")
    app.config.update(overrides)
    _derive_settings(app)


def _derive_settings(app: Flask) -> None:
    config = app.config
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = database_uri(
            config.get("DATABASE_URL"), Path(app.instance_path)
        )
    if not config.get("RATELIMIT_STORAGE_URI"):
        config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or "memory://"
    config["MAIL_PORT"] = int(config["MAIL_PORT"])
    if isinstance(config["MAIL_USE_TLS"], str):
        config["MAIL_USE_TLS"] = config["MAIL_USE_TLS"].lower() in {"1", "true", "yes"}
    _check_booth_allocation(config.get("BOOTH_ALLOCATION"))
    _check_public_base_url(config)
    if not config.get("SECRET_KEY"):
        if config["ENV_NAME"] == "production":
            raise ConfigError("SECRET_KEY must be set in the environment in production.")
        config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))


def _check_public_base_url(config: Any) -> None:
    """PUBLIC_BASE_URL is an http(s) address with a host; in production it must be given,
    and only its host (and any TRUSTED_HOSTS given besides) may be asked for."""
    url = config.get("PUBLIC_BASE_URL") or ""
    if not url:
        raise ConfigError(
            "EVENTHUB_PUBLIC_BASE_URL must be set in production (for example "
            "https://events.example.org): every link in e-mails is built on it."
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"EVENTHUB_PUBLIC_BASE_URL must be an http(s) address, not {url!r}.")
    if config["ENV_NAME"] == "production":
        extra = config.get("TRUSTED_HOSTS") or []
        if isinstance(extra, str):
            extra = [name.strip() for name in extra.split(",") if name.strip()]
        config["TRUSTED_HOSTS"] = [parts.hostname, *(n for n in extra if n != parts.hostname)]


def _check_booth_allocation(settings: Any) -> None:
    if not isinstance(settings, dict):
        raise ConfigError("BOOTH_ALLOCATION must be a mapping of names to numbers.")
    try:
        AllocationWeights(**settings)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"BOOTH_ALLOCATION is not valid: {error}") from error


def database_uri(database_url: str | None, instance_path: Path) -> str:
    """SQLAlchemy URI for DATABASE_URL; PostgreSQL always through psycopg 3."""
    if not database_url:
        instance_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_path / 'eventhub.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    return database_url


def _instance_secret_key(instance_path: Path) -> str:
    """Development only: a random key generated once and kept in instance/."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()
