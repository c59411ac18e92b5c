"""JSON API groundwork shared by every capability's `api.py`.

Every error on an `/api/` path is answered as
`{"error": {"code": "...", "message": "...", "details": {...}}}` with the right status;
`eventhub.errors` produces it and `ErrorSchema` documents it in the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.openapi import OpenAPIConverter
from flask import Flask, Response, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint as SmorestBlueprint
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from eventhub.errors import ApiError
from eventhub.json_bodies import BoundedFlaskParser

# Every `@blp.arguments` reads JSON bodies with the bounded reader (set before any api.py
# module declares its routes: they all import this module first, through extensions).
SmorestBlueprint.ARGUMENTS_PARSER = BoundedFlaskParser()

API_PREFIX = "/api/"

# Names of the security schemes in the OpenAPI document, for `@blp.doc(security=...)`.
BEARER_AUTH = "bearerAuth"
SESSION_AUTH = "sessionCookie"
# An operation open to a device's API token or a logged-in browser.
TOKEN_OR_SESSION: list[dict[str, list[str]]] = [{BEARER_AUTH: []}, {SESSION_AUTH: []}]
_SPEC_KEY = "eventhub_spec"

# Text rules stated in the document as patterns that Python's `re` and an OpenAPI (ECMA)
# `pattern` read alike (no \s: the two do not agree on it).
# A character that stays once typed text is cleaned and stripped: not a space (str.isspace),
# not a control character, not a bidi embedding, override or isolate.
VISIBLE_CHARACTER = (
    "[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202a-\u202f"
    "\u205f\u2066-\u2069\u3000]"
)
HAS_VISIBLE_CHARACTER = "^[\\s\\S]*" + VISIBLE_CHARACTER
# A control character that is not a space: one-line text refuses it (spaces, tabs and
# line breaks only run words together).
_ONE_LINE_CHARACTER = "[^\u0000-\u0008\u000e-\u001b\u007f-\u0084\u0086-\u009f]"
# Required one-line text: some visible character, no control character (linear to check).
ONE_LINE_TEXT = "^(?=[\\s\\S]*" + VISIBLE_CHARACTER + ")" + _ONE_LINE_CHARACTER + "*$"
# Optional one-line text: no control character.
OPTIONAL_ONE_LINE_TEXT = "^" + _ONE_LINE_CHARACTER + "*$"


def visible_text(message: Any) -> ma.validate.Regexp:
    """The validator of a required text field, stated in the document as its pattern."""
    return ma.validate.Regexp(HAS_VISIBLE_CHARACTER, error=message)


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Stable machine code"})
    message = ma.fields.String(required=True, metadata={"description": "Human-readable message"})
    details = ma.fields.Dict(metadata={"description": "Per-field errors or extra data"})


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBodySchema, required=True)


class RuleStatingConverter(OpenAPIConverter):
    """Marshmallow's converter, plus the rules across fields a schema enforces in its
    `@validates_schema`, which its fields cannot show: the schema states them as JSON
    Schema keywords in `Meta.openapi` (e.g. an `anyOf`), so the document says all the
    API checks."""

    def schema2jsonschema(self, schema: Any) -> dict[str, Any]:
        jsonschema = super().schema2jsonschema(schema)
        jsonschema.update(getattr(getattr(schema, "Meta", None), "openapi", {}))
        return jsonschema


class RuleStatingPlugin(MarshmallowPlugin):
    Converter = RuleStatingConverter


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorSchema

    def init_app(self, app: Flask, *, spec_kwargs: dict[str, Any] | None = None) -> None:
        spec_kwargs = {"marshmallow_plugin": RuleStatingPlugin(), **(spec_kwargs or {})}
        super().init_app(app, spec_kwargs=spec_kwargs)
        declare_security_schemes(self.spec, app.config.get("SESSION_COOKIE_NAME", "session"))
        # flask-smorest keeps one spec per Api object, and `api` is shared by every app the
        # factory builds (tests build several): each app serves the spec it was built with.
        app.extensions["flask-smorest"][_SPEC_KEY] = self.spec
        app.before_request(refuse_nul_characters)

    def _openapi_json(self) -> Response:  # flask-smorest's view of the JSON document
        spec: APISpec = current_app.extensions["flask-smorest"].get(_SPEC_KEY, self.spec)
        return current_app.response_class(
            current_app.json.dumps(spec.to_dict(), indent=2, sort_keys=False),
            mimetype="application/json",
        )

    def _register_error_handlers(self) -> None:
        # eventhub.errors handles every error, for pages and for the API alike.
        pass


def declare_security_schemes(spec: APISpec, session_cookie_name: str) -> None:
    """How API clients authenticate: a device's bearer token, or a browser's session cookie."""
    spec.components.security_scheme(
        BEARER_AUTH,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token issued to a device (`Authorization: Bearer ehk_…`).",
        },
    )
    spec.components.security_scheme(
        SESSION_AUTH,
        {
            "type": "apiKey",
            "in": "cookie",
            "name": session_cookie_name,
            "description": "The session of a logged-in browser; writes also need the "
            "`X-CSRFToken` header.",
        },
    )


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    response = jsonify(error=body)
    response.status_code = status
    return response


def refuse_nul_characters() -> None:
    """No address can hold a NUL character, and PostgreSQL refuses one in any query: 404
    before it reaches the database (the error page, or the API's JSON error), in the path
    or in a query parameter alike. Pages and forms drop typed NULs (`strip_filter`)."""
    in_query = is_api_request() and any(
        "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
    )
    if "\x00" not in request.path and not in_query:
        return
    if is_api_request():
        raise ApiError(404, "not_found", _("Nothing is found at this address."))
    abort(404)


def protect_session_writes() -> None:
    """API writes authenticated by the session cookie need the CSRF header, like forms do.

    API blueprints are exempt from Flask-WTF's automatic check because devices call them
    with a bearer token (no cookie, so no CSRF risk) and anonymous integrations (no
    privileges to abuse). A browser using its session cookie must still prove intent.
    """
    if not is_api_request() or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    bearer = request.authorization is not None and request.authorization.type == "bearer"
    if bearer or not current_user.is_authenticated:  # a token request ignores its cookies
        return
    try:
        validate_csrf(request.headers.get("X-CSRFToken", ""))
    except ValidationError as error:
        raise CSRFError(str(error)) from error
