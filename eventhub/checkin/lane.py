"""The door's fast lane: scanner devices' check-ins answered without the page stack.

A gate's scanner sends one request per badge all day long, with a bearer token and no
cookie. Through Flask, most of such a request's time goes to parts it does not use: the
request context and session, the rate limiter (the gates are never throttled), the
argument parser's and the serialiser's layers. This WSGI middleware answers it itself,
with the same functions as the route in api.py: the token check, ScanRequestSchema (or
its fast path for a plain scan), `scan_at_door`, the answer's body and the request's
language.

Only answers to a badge read are given here. Anything else goes on to Flask untouched,
and the route answers it as always: another path or method, a cookie (a browser, whose
session and CSRF rules apply), a body that is not a small JSON object, invalid fields, a
token that is unknown, revoked or of a role that may not scan, an unknown event or gate,
an error. No scan has been recorded then (a scan's insert is its last statement, and on
SQLite its transaction is not committed): the route starts from the beginning.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from io import BytesIO
from typing import TYPE_CHECKING, Any

import marshmallow as ma
from flask import current_app, has_app_context
from sqlalchemy import Connection
from werkzeug.http import HTTP_STATUS_CODES, parse_options_header

from eventhub.auth.access import Caller, bearer_secret
from eventhub.auth.accounts import TokenHolder, token_holder
from eventhub.checkin.api import SCAN_REQUEST, SCANNER_ROLES, outcome_body, scan_at_door
from eventhub.checkin.rules import GateError, ScanOutcome, door_event
from eventhub.checkin.schemas import plain_scan_request
from eventhub.extensions import db
from eventhub.i18n import language_for

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

CHECKIN_PATH = re.compile(r"/api/v1/events/(?P<slug>[^/\x00]+)/checkins")
# A scan is about 150 bytes; anything much larger is not one and goes to the route.
MAX_BODY_BYTES = 4096

logger = logging.getLogger(__name__)


class DoorLane:
    """WSGI middleware in front of the Flask application (see the module's docstring)."""

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.max_body = min(MAX_BODY_BYTES, app.config.get("MAX_CONTENT_LENGTH") or MAX_BODY_BYTES)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = self._device_scan(environ)
        if request is not None:
            slug, secret, length = request
            body = environ["wsgi.input"].read(length)
            answer = self._answer(slug, secret, body, environ) if len(body) == length else None
            if answer is not None:
                status, content = answer
                start_response(
                    f"{status} {HTTP_STATUS_CODES[status].upper()}",
                    [("Content-Type", "application/json"), ("Content-Length", str(len(content)))],
                )
                return [content]
            environ["wsgi.input"] = BytesIO(body)
        return self.wsgi_app(environ, start_response)

    def _device_scan(self, environ: WSGIEnvironment) -> tuple[str, str, int] | None:
        """(event slug, token, body length) if this looks like a device's scan."""
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING"):
            return None
        if "HTTP_COOKIE" in environ:
            return None
        found = CHECKIN_PATH.fullmatch(environ.get("PATH_INFO", ""))
        secret = bearer_secret(environ.get("HTTP_AUTHORIZATION", ""))
        if found is None or secret is None or not _is_json(environ.get("CONTENT_TYPE", "")):
            return None
        length = environ.get("CONTENT_LENGTH", "")
        if not length.isdigit() or not 0 < int(length) <= self.max_body:
            return None
        return found["slug"], secret, int(length)

    def _answer(
        self, slug: str, secret: str, body: bytes, environ: WSGIEnvironment
    ) -> tuple[int, bytes] | None:
        with self._app_context():
            try:
                scanned = _scan(slug, secret, body)
            except Exception:
                # No scan is recorded: the route tries again from the start (and answers
                # with the usual JSON error if it fails too). Logged here, or it would be lost.
                logger.warning("Door lane: scan handed to the route after an error", exc_info=True)
                db.session.rollback()
                return None
            if scanned is None:
                return None
            outcome, holder = scanned
            language = language_for(holder.preferred_language, environ.get("HTTP_ACCEPT_LANGUAGE"))
            answer = outcome_body(outcome, language)
            content = self.app.json.dumps(answer, separators=(",", ":")) + "\n"  # as jsonify
        return outcome.status, content.encode()

    def _app_context(self) -> AbstractContextManager[object]:
        # As Flask does for a request: the application context already there, if any.
        if has_app_context() and current_app._get_current_object() is self.app:  # type: ignore[attr-defined]
            return nullcontext()
        return self.app.app_context()


def _scan(slug: str, secret: str, body: bytes) -> tuple[ScanOutcome, TokenHolder] | None:
    """The scan, committed, and who sent it; None, with nothing written, for the route."""
    payload = _scan_request(body)
    if payload is None:
        return None
    # A connection of its own, without the session: the scan needs no ORM, and its
    # transaction (on SQLite, the write lock) ends the moment the scan is recorded.
    with _scan_connection() as connection:
        holder = token_holder(secret, connection)
        if holder is None or holder.role not in SCANNER_ROLES:
            return None
        event = door_event(slug)
        if event is None:
            return None
        try:
            outcome = scan_at_door(event, payload, Caller.with_token(holder), connection)
        except GateError:
            return None
        connection.commit()
    return outcome, holder


def _scan_connection() -> Connection:
    connection = db.engine.connect()
    if connection.dialect.name == "postgresql":
        # There BEGIN and COMMIT are two more round trips to the server, and each statement
        # of a scan is safe on its own (see rules.py): no transaction around them. (On
        # SQLite a transaction costs nothing more, and leaving it would cost a PRAGMA.)
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
    # Begun here, not by the first statement through SQLAlchemy: the scan's statements run
    # on the driver (see driver_statements.py), and commit() must commit them.
    connection.begin()
    return connection


def _scan_request(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
        if not isinstance(data, dict):
            return None
        plain = plain_scan_request(data)
        return plain if plain is not None else SCAN_REQUEST.load(data)
    except (ValueError, ma.ValidationError):
        return None


def _is_json(content_type: str) -> bool:
    mimetype = parse_options_header(content_type)[0]
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def install_door_lane(app: Flask) -> None:
    if app.config.get("CHECKIN_DEVICE_LANE", True):
        app.wsgi_app = DoorLane(app, app.wsgi_app)  # type: ignore[method-assign]
