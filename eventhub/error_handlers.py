"""Every error gets an answer that fits its path: the app's own page, or the API's JSON body."""

from __future__ import annotations

import math
import time
from typing import Any

from flask import Flask, Response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    SecurityError,
    UnsupportedMediaType,
)

from eventhub.api import error_response, is_api_request
from eventhub.errors import ApiError, DomainError
from eventhub.extensions import db, limiter

API_ERROR_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
}


def _page_messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please try again.")),
        401: (_("Sign in needed"), _("Please sign in to continue.")),
        403: (_("Not allowed"), _("Your account may not open this page.")),
        404: (_("Page not found"), _("There is nothing here. Check the address.")),
        405: (_("Not allowed"), _("This action is not available here.")),
        413: (_("Too large"), _("The file or form you sent is too large.")),
        429: (_("Too many attempts"), _("Please wait a moment and try again.")),
        500: (_("Something went wrong"), _("The error is on our side and has been logged.")),
    }


def _error_data(error: HTTPException) -> dict[str, Any]:
    """What webargs (`abort(…, messages=…)`) or a view attached to the exception."""
    data = getattr(error, "data", None)
    return data if isinstance(data, dict) else {}


def _is_malformed_json(error: HTTPException) -> bool:
    """A body that claims to be JSON and is not: from webargs or from `request.get_json()`.

    Both keep the decoding error (a `ValueError`): webargs as `error.exc`, Flask down the
    chain of causes (Flask's BadRequest, from Werkzeug's, raised while handling it).
    """
    if not isinstance(error, BadRequest) or isinstance(error, CSRFError):
        return False
    cause = getattr(error, "exc", None) or error.__cause__
    for _depth in range(3):
        if cause is None or isinstance(cause, ValueError):
            break
        cause = cause.__cause__ or cause.__context__
    return isinstance(cause, ValueError)


def _api_code_and_message(error: HTTPException) -> tuple[str, str, dict | None]:
    status = error.code or 500
    data = _error_data(error)
    messages = data.get("messages") or data.get("errors")
    if isinstance(error, CSRFError):
        return "csrf_failed", _("The CSRF token is missing or invalid."), None
    if _is_malformed_json(error):
        return "malformed_json", _("The request body is not valid JSON."), None
    code = API_ERROR_CODES.get(status, "error")
    if status == 422 and isinstance(messages, dict):
        return code, _("Some fields are missing or invalid."), _flatten_locations(messages)
    if data.get("message"):
        return code, str(data["message"]), None
    if status == 429:
        return code, _("Too many requests: %(limit)s.", limit=error.description), None
    if status == 500:
        return code, _("Something went wrong on our side. It has been logged."), None
    return code, error.description or error.name, None


def _flatten_locations(messages: dict) -> dict:
    """webargs nests errors by location (json, query…): keep just the fields."""
    fields: dict = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            fields.update(location_errors)
    return _string_keys(fields or messages)


def _string_keys(value: Any) -> Any:
    """marshmallow keys list errors by index: JSON objects want string keys."""
    if isinstance(value, dict):
        return {str(key): _string_keys(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_string_keys(item) for item in value]
    return value


def _retry_after_seconds() -> int | None:
    current = limiter.current_limit
    if current is None:
        return None
    return max(1, math.ceil(current.reset_at - time.time()))


def _body_is_not_json(error: HTTPException) -> bool:
    """webargs reads a body as JSON only when it is declared as JSON: any other body is
    ignored, and its fields look missing (422). The real mistake is the content type."""
    messages = _error_data(error).get("messages")
    return (
        error.code == 422
        and isinstance(messages, dict)
        and "json" in messages
        and bool(request.mimetype)
        and not request.is_json
    )


def api_error_response(error: HTTPException) -> Response:
    if _body_is_not_json(error):
        error = UnsupportedMediaType(_("Send the body as JSON (Content-Type: application/json)."))
    status = error.code or 500
    code, message, details = _api_code_and_message(error)
    response = error_response(status, code, message, details)
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    for header, value in (_error_data(error).get("headers") or {}).items():
        response.headers[header] = value
    if status == 429 and "Retry-After" not in response.headers:
        seconds = _retry_after_seconds()
        if seconds is not None:
            response.headers["Retry-After"] = str(seconds)
    return _challenge(response, code)


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if isinstance(error, SecurityError):
        # A Host this site does not answer to (TRUSTED_HOSTS): no address can be built
        # for it, so no page either; a short plain answer.
        return Response("Unknown host.\n", status=400, mimetype="text/plain")
    if is_api_request():
        return api_error_response(error)
    title, text = _page_messages().get(status, (error.name, error.description))
    if isinstance(error, CSRFError):
        text = _("The form expired or was sent from elsewhere. Please reload it and try again.")
    return render_template("errors/error.html", status=status, title=title, text=text), status


def _challenge(response: Response, code: str) -> Response:
    """A 401 names the way to authenticate (RFC 9110), and why a bearer token failed."""
    if response.status_code == 401:
        challenge = 'Bearer realm="EventHub API"'
        if code == "invalid_token":
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
    return response


def handle_api_error(error: ApiError):
    response = error_response(error.status, error.code, error.message, error.details)
    return _challenge(response, error.code)


def handle_domain_error(error: DomainError):
    """A refusal that reached no view's `except`: in the API, its status and code; on a
    page, the error page with its message."""
    db.session.rollback()
    if is_api_request():
        return handle_api_error(ApiError.of(error))
    title = _page_messages().get(error.status, (_("Not possible"), ""))[0]
    return render_template(
        "errors/error.html", status=error.status, title=title, text=str(error.message)
    ), error.status


def handle_unexpected(error: Exception):
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    return handle_http_exception(InternalServerError(original_exception=error))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_unexpected)
