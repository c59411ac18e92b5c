"""Who may do what: loading the user from the session or a bearer token, role checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import (
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_babel import gettext as _
from flask_login import current_user, login_user, user_logged_in, user_logged_out
from sqlalchemy import select

from eventhub.api import API_PREFIX, is_api_request
from eventhub.auth.accounts import TokenHolder, token_holder
from eventhub.auth.models import User
from eventhub.errors import ApiError
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
    app.session_interface = CookieSessionUnlessToken()
    user_logged_in.connect(_forget_caller, app)
    user_logged_out.connect(_forget_caller, app)


def is_token_request() -> bool:
    """A call to the API with a bearer token: the token alone says who calls. Tokens are
    for the API only: elsewhere the header is ignored, and pages need a signed-in browser."""
    return is_api_request() and bearer_token() is not None


class CookieSessionUnlessToken(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except on a token request: there the session is an
    empty one that is never saved, so neither a session cookie nor Flask-Login's session
    protection can stand in for the token or hide it (a remember cookie still reaches
    `_load_user`, which answers with the token's user)."""

    def open_session(self, app: Flask, request: Any) -> SessionMixin | None:
        authorization = request.headers.get("Authorization", "")
        if request.path.startswith(API_PREFIX) and bearer_secret(authorization) is not None:
            return self.make_null_session(app)
        return super().open_session(app, request)


def _load_user(session_token: str) -> User | None:
    """The active account whose session token the session or remember cookie holds (see
    User.get_id): a token drawn anew (sign-out, password change, deactivation) is found
    no more, in any worker. On a token request, the token's user whatever the cookie."""
    if is_token_request():
        return _load_user_from_bearer(request)
    return db.session.scalar(
        select(User).where(User.session_token == session_token, User.is_active.is_(True))
    )


def sign_in(user: User, *, remember: bool) -> None:
    """Start a new session for `user`: nothing of the session before it is kept (a session
    fixed by someone else is dropped) and the CSRF token is drawn anew."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    login_user(user, remember=remember)


def has_remember_cookie() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def bearer_token() -> str | None:
    return bearer_secret(request.headers.get("Authorization", ""))


def bearer_secret(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer …` header, or None."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def bearer_holder() -> TokenHolder | None:
    """The valid API token sent with this request and its holder, read once per request.
    An unknown or revoked token is remembered so that the 401 can say so."""
    if "bearer_holder" not in g:
        secret = bearer_token() if is_api_request() else None
        holder = token_holder(secret) if secret is not None else None
        g.bad_bearer_token = secret is not None and holder is None
        g.bearer_holder = holder
    return g.bearer_holder


def _load_user_from_bearer(_request: object) -> User | None:
    holder = bearer_holder()
    return db.session.get(User, holder.user_id) if holder is not None else None


@dataclass(frozen=True)
class Caller:
    """Who is making the request, as far as access checks and the language need to know."""

    user_id: int
    role: str
    preferred_language: str | None
    token: TokenHolder | None = None

    @classmethod
    def with_token(cls, holder: TokenHolder) -> Caller:
        return cls(holder.user_id, holder.role, holder.preferred_language, holder)


def current_caller() -> Caller | None:
    """The caller of this request, or None if anonymous.

    A device's bearer token is checked in one query without loading its user, as
    Flask-Login would only after the session and the remember cookie: scanners call on
    every scan. A browser's user comes from Flask-Login. Views that need the user itself
    still use `current_user`, loaded then.
    """
    if "caller" not in g:
        g.caller = _find_caller()
    return g.caller


def _find_caller() -> Caller | None:
    if is_token_request():
        holder = bearer_holder()
        return Caller.with_token(holder) if holder is not None else None
    if current_user.is_authenticated:
        return Caller(current_user.id, current_user.role, current_user.preferred_language)
    return None


def _has_login_cookies() -> bool:
    """A browser signed in by its cookies (never a token request: those are ignored)."""
    return not is_token_request() and ("_user_id" in session or has_remember_cookie())


def _forget_caller(_app: Flask, **_extra: Any) -> None:
    g.pop("caller", None)


def _unauthorized():
    if is_api_request():
        if g.get("bad_bearer_token"):
            raise ApiError(401, "invalid_token", _("This API token is unknown or revoked."))
        raise ApiError(401, "unauthenticated", _("Log in or send an API token."))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


# Roles whose accounts may come from the public sign-up and wait for an organiser's approval.
VETTED_ROLES = ("startup", "investor")


def is_unapproved(caller: Caller) -> bool:
    """A startup or investor account not approved (yet): it may see its home, its profile
    and its account, nothing else of its role (see eventhub/auth/signup.py)."""
    if caller.role not in VETTED_ROLES:
        return False
    user = current_user if caller.token is None else db.session.get(User, caller.user_id)
    return user is None or not user.is_authenticated or not user.is_approved


def _refuse_unapproved():
    message = _("Your account is waiting for an organiser's approval.")
    if is_api_request():
        raise ApiError(403, "account_not_approved", message)
    return render_template("auth/signup_not_approved.html", message=message), 403


def role_required(
    *roles: str, pending_ok: bool = False
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Only logged-in users with one of `roles`: others are sent to log in, or refused (403).
    A startup or investor account waiting for approval is refused too, unless `pending_ok`
    (its home, its profile)."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            caller = current_caller()
            if caller is None:
                return login_manager.unauthorized()
            if caller.role not in roles:
                abort(403)
            if not pending_ok and is_unapproved(caller):
                return _refuse_unapproved()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def approved_required(view: Callable[P, R]) -> Callable[P, R]:
    """Any logged-in user, but a startup or investor account only once approved: for the
    pages that show other people's data (the directories)."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        caller = current_caller()
        if caller is None:
            return login_manager.unauthorized()
        if is_unapproved(caller):
            return _refuse_unapproved()
        return view(*args, **kwargs)

    return wrapped


def login_required(view: Callable[P, R]) -> Callable[P, R]:
    """Any logged-in user, approved or not: for the pages about one's own account. Pages
    that show others' data use `approved_required`."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if current_caller() is None:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return wrapped
