"""EventHub: technology expos and startup demo days."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from eventhub.config import load_config
from eventhub.extensions import (
    api,
    babel,
    compress,
    csrf,
    db,
    limiter,
    login_manager,
    mail,
    migrate,
)
from eventhub.jobs import init_jobs
from eventhub.json_bodies import BoundedJSONProvider
from eventhub.routing import init_routing
from eventhub.security_headers import init_security_headers

__all__ = ["create_app"]

SQLITE_BUSY_TIMEOUT_MS = 15_000


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=instance_path_from_env(),
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.json = BoundedJSONProvider(app)
    load_config(app, config)
    _trust_proxies(app)
    _init_extensions(app)
    _register_blueprints(app)
    _init_templates(app)

    from eventhub.error_handlers import register_error_handlers

    register_error_handlers(app)

    from eventhub.cli import register_cli

    register_cli(app)
    return app


def instance_path_from_env() -> str | None:
    """EVENTHUB_INSTANCE_PATH, when set: the instance folder (SQLite database, outbox, job
    files, the embedded broker) of a server or worker started by a test or a bench, away
    from the developer's `instance/`. Unset: Flask's default, `instance/` beside the package."""
    value = os.environ.get("EVENTHUB_INSTANCE_PATH")
    return str(Path(value).resolve()) if value else None


def _trust_proxies(app: Flask) -> None:
    """Behind N proxies, take the client's address and scheme from their headers."""
    hops = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _init_extensions(app: Flask) -> None:
    from eventhub.auth.access import init_access
    from eventhub.i18n import select_locale

    _import_models()
    init_routing(app)
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True
    )
    login_manager.init_app(app)
    init_access(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    api.init_app(app)
    mail.init_app(app)
    compress.init_app(app)
    init_security_headers(app)
    init_jobs(app)


def _import_models() -> None:
    """Every model module, so that the metadata is whole for Alembic and create_all."""
    import eventhub.auth.models
    import eventhub.booths.models
    import eventhub.checkin.models
    import eventhub.deals.dealflow.models
    import eventhub.deals.leads.models
    import eventhub.deals.matchmaking.models
    import eventhub.deals.programmes.models
    import eventhub.deals.tables.models
    import eventhub.events.models
    import eventhub.meetings.models
    import eventhub.notifications.models
    import eventhub.privacy.models
    import eventhub.profiles.models
    import eventhub.registration.models
    import eventhub.work.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from eventhub import i18n
    from eventhub.admin.views import bp as admin_bp
    from eventhub.auth.api import blp as auth_api
    from eventhub.auth.views import bp as auth_bp
    from eventhub.badges.views import bp as badges_bp
    from eventhub.booths.api import blp as booths_api
    from eventhub.booths.views import bp as booths_bp
    from eventhub.checkin.api import blp as checkin_api
    from eventhub.checkin.door_list_api import blp as door_list_api
    from eventhub.checkin.pwa_views import bp as pwa_bp
    from eventhub.checkin.views import bp as checkin_bp
    from eventhub.deals.dealflow.api import blp as dealflow_api
    from eventhub.deals.dealflow.views import bp as dealflow_bp
    from eventhub.deals.leads.api import blp as leads_api
    from eventhub.deals.leads.views import bp as leads_bp
    from eventhub.deals.matchmaking.api import blp as matchmaking_api
    from eventhub.deals.matchmaking.views import bp as matchmaking_bp
    from eventhub.deals.programmes.views import bp as programmes_bp
    from eventhub.deals.tables.api import blp as tables_api
    from eventhub.deals.tables.views import bp as tables_bp
    from eventhub.events.api import blp as events_api
    from eventhub.events.views import bp as events_bp
    from eventhub.meetings.api import blp as meetings_api
    from eventhub.meetings.views import bp as meetings_bp
    from eventhub.notifications.organiser_views import bp as mail_log_bp
    from eventhub.notifications.views import bp as notifications_bp
    from eventhub.privacy.views import bp as privacy_bp
    from eventhub.profiles.views import bp as profiles_bp
    from eventhub.registration.api import blp as registration_api
    from eventhub.registration.views import bp as registration_bp
    from eventhub.work.views import bp as work_bp

    for blueprint in (
        events_bp,
        auth_bp,
        profiles_bp,
        admin_bp,
        checkin_bp,
        pwa_bp,
        registration_bp,
        badges_bp,
        booths_bp,
        meetings_bp,
        dealflow_bp,
        tables_bp,
        matchmaking_bp,
        notifications_bp,
        mail_log_bp,
        work_bp,
        leads_bp,
        programmes_bp,
        privacy_bp,
        i18n.bp,
    ):
        app.register_blueprint(blueprint)
    for api_blueprint in (
        events_api,
        auth_api,
        checkin_api,
        door_list_api,
        registration_api,
        booths_api,
        meetings_api,
        leads_api,
        dealflow_api,
        tables_api,
        matchmaking_api,
    ):
        csrf.exempt(api_blueprint)
        api.register_blueprint(api_blueprint)

    from eventhub.api import protect_session_writes
    from eventhub.auth.scopes import enforce_token_scope

    app.before_request(protect_session_writes)
    app.before_request(enforce_token_scope)


def _init_templates(app: Flask) -> None:
    from eventhub.templating import register_template_helpers

    register_template_helpers(app)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: object, _record: object) -> None:
    """WAL, foreign keys and a busy timeout for every SQLite connection."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
