"""Who may do what: loading the user from the session or a bearer token, role checks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, abort, g, request
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.extensions import db, login_manager

P = ParamSpec("P")
R = TypeVar("R")


def init_access(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    login_manager.request_loader(_load_user_from_bearer)
    login_manager.unauthorized_handler(_unauthorized)


def _load_user(user_id: str):
    from eventhub.auth.models import User

    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _load_user_from_bearer(_request: object):
    from eventhub.auth.accounts import user_for_api_token

    secret = bearer_token()
    if secret is None:
        return None
    found = user_for_api_token(secret)
    if found is None:
        g.bad_bearer_token = True
        return None
    user, token = found
    g.api_token = token
    return user


def _unauthorized():
    from flask import redirect, url_for

    from eventhub.api import ApiError, is_api_request

    if is_api_request():
        if g.get("bad_bearer_token"):
            raise ApiError(401, "invalid_token", _("This API token is unknown or revoked."))
        raise ApiError(401, "unauthenticated", _("Log in or send an API token."))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def role_required(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Only logged-in users with one of `roles`: others are sent to log in, or refused (403)."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def login_required(view: Callable[P, R]) -> Callable[P, R]:
    """Any logged-in user."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped
