"""The API tests run on an app that answers errors as in production and has test-only routes.

It overrides the suite's `app` fixture for this folder, so `client`, `login_as`,
`csrf_enabled` and `rate_limits_enabled` all work on it. With `PROPAGATE_EXCEPTIONS` off, an
exception in a view becomes the 500 answer a client would get instead of failing the test.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import marshmallow as ma
import pytest
from flask import Flask, abort, request
from flask_smorest import Blueprint
from flask_smorest import abort as smorest_abort

from eventhub import create_app
from eventhub.auth.access import role_required
from eventhub.errors import DomainError
from eventhub.extensions import csrf, db, limiter
from tests.conftest import test_database_uri

TEST_LIMIT = "2 per minute"


class EchoSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=20))
    seats = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1))


def _add_test_routes(app: Flask) -> None:
    """Routes that make each error happen; plain Flask rules, so not in the OpenAPI doc."""
    test_blp = Blueprint("api_test_routes", __name__, url_prefix="/api/v1/_test")

    @test_blp.route("/echo", methods=["POST"])
    @test_blp.arguments(EchoSchema)
    def echo(payload: dict[str, Any]) -> dict[str, Any]:
        return {"echo": payload}

    @test_blp.route("/raw-json", methods=["POST"])
    def raw_json() -> dict[str, Any]:
        return {"echo": request.get_json()}

    @test_blp.route("/bad-request")
    def bad_request() -> None:
        abort(400)

    @test_blp.route("/refused/<code>", methods=["POST"])
    def refused(code: str) -> None:
        raise DomainError("Refused by the rules.", code, field="seats")

    @test_blp.route("/admin-only")
    @role_required("admin")
    def admin_only() -> dict[str, Any]:
        return {"ok": True}

    @test_blp.route("/conflict", methods=["POST"])
    def conflict() -> None:
        smorest_abort(409, message="This seat is already taken.")

    @test_blp.route("/limited")
    @limiter.limit(TEST_LIMIT)
    def limited() -> dict[str, Any]:
        return {"ok": True}

    @test_blp.route("/boom")
    def api_boom() -> None:
        raise RuntimeError("an unexpected failure")

    csrf.exempt(test_blp)  # as the real API blueprints are
    app.register_blueprint(test_blp)

    @app.route("/_test/boom")
    def page_boom() -> None:
        raise RuntimeError("an unexpected failure")

    @app.route("/_test/forbidden")
    def page_forbidden() -> None:
        abort(403)


def _own_app_context(wsgi_app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """Each request gets its own app context, as under a real server.

    The tests keep an app context pushed (for the factories), and Flask reuses a pushed app
    context for a request: `g` would carry the last request's user and token (Flask-Login
    caches the user there) and its database session into the next one. Run in an empty
    `contextvars.Context`, a request sees no pushed context and pushes a fresh one.
    """

    def isolated(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return contextvars.Context().run(wsgi_app, environ, start_response)

    return isolated


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(
        {
            "ENV_NAME": "testing",
            "PROPAGATE_EXCEPTIONS": False,
            "SQLALCHEMY_DATABASE_URI": test_database_uri(tmp_path_factory),
        }
    )
    _add_test_routes(app)
    app.wsgi_app = _own_app_context(app.wsgi_app)  # type: ignore[method-assign]
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def check_api_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is the API's JSON error body with this status and code; returns the body."""
    text = response.get_data(as_text=True)
    assert response.status_code == status, text
    assert response.mimetype == "application/json", text
    assert "<html" not in text.lower()
    body = response.get_json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) <= {"code", "message", "details"}, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    return error


@pytest.fixture
def api_error() -> Any:
    """api_error(response, status, code) → the `error` object, after checking its shape."""
    return check_api_error


@pytest.fixture
def bearer(make_user: Any) -> Any:
    """bearer(user=None, label="gate") → headers with a new API token (of a new staff user)."""
    from eventhub.auth.accounts import issue_api_token

    def factory(user: Any = None, label: str = "Gate A scanner") -> dict[str, str]:
        issued = issue_api_token(user or make_user("staff"), label)
        db.session.commit()
        return {"Authorization": f"Bearer {issued.secret}"}

    return factory
