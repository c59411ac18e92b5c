"""The factory and its configuration: secret key, database URL, SQLite pragmas, cookies,
session lifetime, and the order in which settings override each other."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import itsdangerous.timed
import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from eventhub import SQLITE_BUSY_TIMEOUT_MS, create_app
from eventhub.config import PLAIN_ENV_SETTINGS, ConfigError, database_uri
from eventhub.events.models import Zone
from eventhub.extensions import db, limiter


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh instance/ folder for the apps this module builds, and no EventHub setting
    in the environment (the test run's own EVENTHUB_* variables included)."""
    folder = tmp_path / "instance"
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(folder))
    for name in list(os.environ):
        if name.startswith("EVENTHUB_") or name in PLAIN_ENV_SETTINGS:
            monkeypatch.delenv(name)
    # Required in production (tested below without it).
    monkeypatch.setenv("EVENTHUB_PUBLIC_BASE_URL", "https://events.example.org")
    return folder


@pytest.fixture
def build(instance: Path) -> Iterator[Callable[..., Flask]]:
    """build(**overrides) → an app of its own; the shared rate limiter is left as it was."""
    built: list[Flask] = []
    limiter_enabled = limiter.enabled

    def factory(**overrides: Any) -> Flask:
        app = create_app(overrides or None)
        built.append(app)
        return app

    yield factory
    limiter.enabled = limiter_enabled
    for app in built:
        with app.app_context():
            db.engine.dispose()


# The secret key.


def test_production_refuses_to_start_without_a_secret_key(build, instance, monkeypatch):
    monkeypatch.setenv("EVENTHUB_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        build()
    assert not (instance / "secret_key").exists()


def test_production_treats_an_empty_secret_key_as_none(build, monkeypatch):
    monkeypatch.setenv("EVENTHUB_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "")
    with pytest.raises(ConfigError):
        build()


def test_production_takes_the_secret_key_from_the_environment(build, instance, monkeypatch):
    monkeypatch.setenv("EVENTHUB_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-production-secret")
    app = build()
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SECRET_KEY"] == "a-long-production-secret"
    assert not (instance / "secret_key").exists()


def test_booth_allocation_weights_come_from_the_environment(build, monkeypatch):
    monkeypatch.setenv("EVENTHUB_BOOTH_ALLOCATION", '{"programme": 5, "max_area_factor": 2}')
    app = build()
    with app.app_context():
        from eventhub.booths.allocation_runs import configured_weights

        weights = configured_weights()
    assert (weights.programme, weights.max_area_factor, weights.sector_zone) == (5, 2, 3.0)


@pytest.mark.parametrize(
    "value", ['{"programme": -1}', '{"max_area_factor": 0.5}', '{"colour": 1}', '"heavy"']
)
def test_bad_booth_allocation_weights_stop_the_start(build, monkeypatch, value):
    monkeypatch.setenv("EVENTHUB_BOOTH_ALLOCATION", value)
    with pytest.raises(ConfigError, match="BOOTH_ALLOCATION"):
        build()


def test_unknown_environment_name_is_refused(build, monkeypatch):
    monkeypatch.setenv("EVENTHUB_ENV", "staging")
    with pytest.raises(ConfigError, match="EVENTHUB_ENV"):
        build()


def test_development_generates_a_secret_key_once_and_keeps_it(build, instance):
    first = build()
    key_file = instance / "secret_key"
    key = key_file.read_text()
    assert first.config["ENV_NAME"] == "development"
    assert first.config["SECRET_KEY"] == key
    assert len(key) == 64 and int(key, 16) >= 0
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    modified = key_file.stat().st_mtime_ns

    second = build()
    assert second.config["SECRET_KEY"] == key
    assert key_file.stat().st_mtime_ns == modified


def test_development_uses_an_existing_key_file(build, instance):
    instance.mkdir()
    (instance / "secret_key").write_text("kept-from-last-time\n")
    assert build().config["SECRET_KEY"] == "kept-from-last-time"


def test_testing_leaves_the_instance_folder_alone(build, instance):
    build(ENV_NAME="testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    assert not (instance / "secret_key").exists()


# The database.


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://eh:pw@db.example:5432/eventhub", "postgresql+psycopg://eh:pw@db.example:5432/eventhub"),
        ("postgresql://eh@db.example/eventhub", "postgresql+psycopg://eh@db.example/eventhub"),
        ("postgresql+psycopg://eh@db.example/eventhub", "postgresql+psycopg://eh@db.example/eventhub"),
        ("sqlite:////var/lib/eventhub.sqlite3", "sqlite:////var/lib/eventhub.sqlite3"),
    ],
)  # fmt: skip
def test_database_uri(tmp_path, url, expected):
    assert database_uri(url, tmp_path) == expected


def test_database_url_from_the_environment_goes_through_psycopg_3(build, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://eh:pw@db.example:5432/eventhub")
    app = build()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://eh:pw@db.example:5432/eventhub"
    )
    with app.app_context():
        assert (db.engine.dialect.name, db.engine.dialect.driver) == ("postgresql", "psycopg")


def test_default_database_is_sqlite_in_the_instance_folder(build, instance):
    app = build()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'eventhub.sqlite3'}"


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(build, instance):
    app = build()
    with app.app_context():
        db.create_all()
        with db.engine.connect() as connection:
            assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert connection.scalar(text("PRAGMA foreign_keys")) == 1
            assert connection.scalar(text("PRAGMA busy_timeout")) == SQLITE_BUSY_TIMEOUT_MS
        assert SQLITE_BUSY_TIMEOUT_MS >= 5_000
        db.session.add(Zone(event_id=12345, name="Orphan hall"))
        with pytest.raises(IntegrityError):
            db.session.commit()  # foreign keys are enforced, not just declared
        db.session.rollback()
        db.session.remove()
    assert (instance / "eventhub.sqlite3-wal").exists()


# Cookies and sessions.


def session_cookie(app: Flask) -> str:
    response = app.test_client().get("/login", base_url="https://events.example.org")
    assert response.status_code == 200
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def test_production_cookies_are_secure_httponly_and_lax(build, monkeypatch):
    monkeypatch.setenv("EVENTHUB_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-production-secret")
    app = build(SQLALCHEMY_DATABASE_URI="sqlite://")
    cookie = session_cookie(app)
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_development_cookies_are_httponly_and_lax_but_not_secure(build):
    cookie = session_cookie(build(SQLALCHEMY_DATABASE_URI="sqlite://"))
    assert "; HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


@pytest.mark.parametrize("env_name", ["development", "production", "testing"])
def test_session_lifetimes_are_bounded(build, monkeypatch, env_name):
    monkeypatch.setenv("EVENTHUB_ENV", env_name)
    monkeypatch.setenv("SECRET_KEY", "a-long-production-secret")
    app = build(SQLALCHEMY_DATABASE_URI="sqlite://")
    assert timedelta(0) < app.permanent_session_lifetime <= timedelta(days=1)
    assert timedelta(0) < app.config["REMEMBER_COOKIE_DURATION"] <= timedelta(days=30)


def test_a_session_older_than_its_lifetime_is_refused(app, client, login_as, monkeypatch):
    login_as("admin")
    assert client.get("/organiser/").status_code == 200
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: later))
    response = client.get("/organiser/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# Where settings come from, and which wins.


def test_override_order_defaults_instance_environment_then_factory(build, instance, monkeypatch):
    instance.mkdir()
    (instance / "config.py").write_text(
        "FROM_INSTANCE = 'instance'\n"
        "SET_TWICE = 'instance'\n"
        "SET_THRICE = 'instance'\n"
        "LOGIN_RATE_LIMIT = '3 per minute'\n"
        "SECRET_KEY = 'instance-secret'\n"
        "MAIL_SERVER = 'smtp.instance.example'\n"
    )
    monkeypatch.setenv("EVENTHUB_SET_TWICE", "environment")
    monkeypatch.setenv("EVENTHUB_SET_THRICE", "environment")
    monkeypatch.setenv("EVENTHUB_MAIL_PORT", "2525")
    monkeypatch.setenv("EVENTHUB_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("MAIL_SERVER", "smtp.environment.example")
    monkeypatch.setenv("SECRET_KEY", "environment-secret")
    app = build(SET_THRICE="factory")
    config = app.config
    assert config["FROM_INSTANCE"] == "instance"
    assert config["LOGIN_RATE_LIMIT"] == "3 per minute"  # instance beats the defaults
    assert config["SET_TWICE"] == "environment"  # environment beats instance
    assert config["SET_THRICE"] == "factory"  # the factory's argument beats everything
    assert config["MAIL_SERVER"] == "smtp.environment.example"  # plain names too
    assert config["SECRET_KEY"] == "environment-secret"
    assert config["MAIL_PORT"] == 2525  # parsed as JSON
    assert config["RATELIMIT_ENABLED"] is False
    assert not (instance / "secret_key").exists()


def test_instance_config_may_hold_the_production_secret(build, instance, monkeypatch):
    instance.mkdir()
    (instance / "config.py").write_text("SECRET_KEY = 'from-instance-config'\n")
    monkeypatch.setenv("EVENTHUB_ENV", "production")
    assert build().config["SECRET_KEY"] == "from-instance-config"


def test_derived_settings(build, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/0")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("MAIL_PORT", "587")
    monkeypatch.setenv("EVENTHUB_RATELIMIT_ENABLED", "false")
    config = build().config
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache.example:6379/0"
    assert config["MAIL_USE_TLS"] is True
    assert config["MAIL_PORT"] == 587


def test_without_redis_rate_limits_are_counted_in_memory(build):
    assert build().config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_argon2_cost_defaults_to_owasp_s_recommendation(build):
    config = build().config
    assert config["ARGON2_MEMORY_KIB"] >= 19 * 1024
    assert config["ARGON2_TIME_COST"] >= 2
    assert config["ARGON2_PARALLELISM"] >= 1


# The public address (issue 20, finding 1: links built from a forged Host).


def test_production_refuses_to_start_without_a_public_address(build, monkeypatch):
    monkeypatch.setenv("EVENTHUB_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-production-secret")
    monkeypatch.delenv("EVENTHUB_PUBLIC_BASE_URL")
    with pytest.raises(ConfigError, match="EVENTHUB_PUBLIC_BASE_URL must be set"):
        build()


@pytest.mark.parametrize("address", ["events.example.org", "ftp://events.example.org", "https://"])
def test_a_public_address_must_be_an_http_address(build, monkeypatch, address):
    monkeypatch.setenv("EVENTHUB_PUBLIC_BASE_URL", address)
    with pytest.raises(ConfigError, match="must be an http"):
        build()


def test_in_production_only_the_public_host_is_answered(build, monkeypatch):
    monkeypatch.setenv("EVENTHUB_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-production-secret")
    monkeypatch.setenv("EVENTHUB_TRUSTED_HOSTS", '["eventhub.internal"]')
    app = build(SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["TRUSTED_HOSTS"] == ["events.example.org", "eventhub.internal"]
    client = app.test_client()
    forged = client.get("/login", headers={"Host": "evil.example"})
    assert (forged.status_code, forged.text) == (400, "Unknown host.\n")
    assert client.get("/api/v1/events", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", base_url="https://events.example.org").status_code == 200
    assert client.get("/login", base_url="https://eventhub.internal:8443").status_code == 200
