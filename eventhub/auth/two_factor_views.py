"""The pages of two-factor sign-in: the code asked after the password, the account's setup
page, and the rule that sends organisers and door staff to it when the organisers require
it. The logic is in eventhub/auth/two_factor.py; these are routes of the auth blueprint."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from eventhub.api import is_api_request
from eventhub.auth import two_factor
from eventhub.auth.access import has_remember_cookie, login_required, sign_in
from eventhub.auth.forms import EmptyForm
from eventhub.auth.models import User
from eventhub.auth.two_factor_forms import CodeForm, DisableForm, RecoveryCodeForm
from eventhub.auth.views import bp, home_for
from eventhub.errors import ApiError
from eventhub.extensions import db, limiter
from eventhub.forms_common import form_status, show_error
from eventhub.models_common import utcnow
from eventhub.routing import redirect_target

# What the session holds between the password and the code: the account, its session
# token (a password change or a sign-out everywhere voids the marker), when, and what the
# sign-in form asked for. Never the signed-in state itself.
PENDING_KEY = "two_factor_pending"
REGENERATE_PREFIX = "regenerate"
DISABLE_PREFIX = "disable"
# Pages an organiser or door staff member without two-factor sign-in may still open when
# the organisers require it: setting it up, signing out, the language, the static files
# and the pages of links sent by e-mail.
EXEMPT_ENDPOINTS = frozenset(
    {
        "static",
        "auth.logout",
        "auth.login",
        "auth.login_code",
        "auth.two_factor",
        "auth.two_factor_setup",
        "auth.two_factor_confirm",
        "auth.two_factor_regenerate",
        "auth.two_factor_disable",
        "auth.reset_password",
        "auth.confirm_email",
        "auth.accept_invitation",
        "auth.verify_email",
        "notifications.unsubscribe",
        "i18n.switch_language",
    }
)


# ---------------------------------------------------------------------------------------
# Signing in: the password, then the code


def ask_for_second_factor(user: User, *, remember: bool, next_url: str | None) -> Response:
    """After the right password of an account with two-factor sign-in: remember who is
    half-way in and ask for the code. The browser is not signed in yet."""
    session[PENDING_KEY] = {
        "user": user.id,
        "token": user.session_token,
        "at": int(utcnow().timestamp()),
        "remember": bool(remember),
        "next": next_url if next_url and len(next_url) <= 500 else None,
    }
    return redirect(url_for("auth.login_code"))


def _pending() -> dict[str, Any] | None:
    marker = session.get(PENDING_KEY)
    return marker if isinstance(marker, dict) else None


def _pending_user(marker: dict[str, Any]) -> User | None:
    """The account of a marker still valid: recent, and of an account still as it was."""
    age = utcnow().timestamp() - float(marker.get("at") or 0)
    if not 0 <= age <= current_app.config["TWO_FACTOR_PENDING_SECONDS"]:
        return None
    user_id = marker.get("user")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or not user.two_factor_enabled:
        return None
    return user if user.session_token == marker.get("token") else None


def _pending_rate_key() -> str:
    """The second rate limit on codes counts per account, whatever the address."""
    marker = _pending() or {}
    return f"two-factor:{marker.get('user')}"


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=_pending_rate_key, methods=["POST"]
)
def login_code():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    marker = _pending()
    if marker is None:
        return redirect(url_for("auth.login"))
    user = _pending_user(marker)
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("The sign-in took too long. Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    with_recovery = request.args.get("with") == "recovery"
    form = RecoveryCodeForm() if with_recovery else CodeForm()
    if form.validate_on_submit():
        now = utcnow()
        if with_recovery:
            accepted = two_factor.use_recovery_code(user, form.code.data, now)
        else:
            accepted = two_factor.verify_code(user, form.code.data, now)
        if accepted:
            return _finish_sign_in(user, marker, with_recovery)
        db.session.rollback()
        form.code.errors = [_("This code is not right, or was already used.")]
        return _code_page(form, with_recovery), 401
    return _code_page(form, with_recovery), form_status(form)


def _finish_sign_in(user: User, marker: dict[str, Any], with_recovery: bool) -> Response:
    user.last_login_at = utcnow()
    sign_in(user, remember=bool(marker.get("remember")))  # also drops the marker
    db.session.commit()
    if with_recovery:
        left = two_factor.recovery_codes_left(user)
        flash(
            _(
                "You signed in with a recovery code; %(count)d left. "
                "Draw new ones from your account page if you are running short.",
                count=left,
            ),
            "warning",
        )
    return redirect(redirect_target(marker.get("next"), home_for(user)))


def _code_page(form: CodeForm | RecoveryCodeForm, with_recovery: bool) -> str:
    return render_template("auth/two_factor_code.html", form=form, with_recovery=with_recovery)


# ---------------------------------------------------------------------------------------
# The account's page


def _me() -> User:
    return current_user._get_current_object()


def _setup_page(
    confirm_form: CodeForm | None = None,
    regenerate_form: CodeForm | None = None,
    disable_form: DisableForm | None = None,
    status: int | None = None,
):
    user = _me()
    confirm_form = confirm_form or CodeForm(formdata=None)
    regenerate_form = regenerate_form or CodeForm(formdata=None, prefix=REGENERATE_PREFIX)
    disable_form = disable_form or DisableForm(formdata=None, prefix=DISABLE_PREFIX)
    page = render_template(
        "auth/two_factor.html",
        user=user,
        setup=two_factor.setup_of(user),
        required=two_factor.required_for(user),
        codes_left=two_factor.recovery_codes_left(user) if user.two_factor_enabled else 0,
        start_form=EmptyForm(),
        confirm_form=confirm_form,
        regenerate_form=regenerate_form,
        disable_form=disable_form,
        home_url=home_for(user),
    )
    return page, status or form_status(confirm_form, regenerate_form, disable_form)


def _codes_page(user: User, codes: list[str]):
    return render_template(
        "auth/two_factor_codes.html",
        codes=codes,
        codes_text=two_factor.recovery_codes_text(user, codes),
    )


def _refused(error: two_factor.TwoFactorError, form: Any, **forms: Any):
    db.session.rollback()
    show_error(form, error)
    status = 422 if error.field else 409
    return _setup_page(**forms, status=status)


def _signed_in_again(user: User) -> None:
    """The change ended every session of the account (a new session token): this browser
    signs in again, with the new one."""
    sign_in(user, remember=has_remember_cookie())


@bp.route("/account/two-factor", endpoint="two_factor")
@login_required
def two_factor_page():
    return _setup_page()


@bp.route("/account/two-factor/setup", methods=["POST"])
@login_required
def two_factor_setup():
    if not EmptyForm().validate_on_submit():
        return _setup_page(status=400)
    try:
        two_factor.start_setup(_me())
    except two_factor.TwoFactorError as error:
        return _refused(error, None)
    db.session.commit()
    return redirect(url_for("auth.two_factor", _anchor="setup"))


@bp.route("/account/two-factor/confirm", methods=["POST"])
@login_required
def two_factor_confirm():
    form = CodeForm()
    if not form.validate_on_submit():
        return _setup_page(confirm_form=form)
    user = _me()
    try:
        codes = two_factor.confirm_setup(user, form.code.data, utcnow())
    except two_factor.TwoFactorError as error:
        return _refused(error, form, confirm_form=form)
    _signed_in_again(user)
    db.session.commit()
    flash(_("Two-factor sign-in is on. Your other sessions are signed out."), "success")
    return _codes_page(user, codes)


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@login_required
def two_factor_regenerate():
    form = CodeForm(prefix=REGENERATE_PREFIX)
    if not form.validate_on_submit():
        return _setup_page(regenerate_form=form)
    user = _me()
    try:
        codes = two_factor.regenerate_recovery_codes(user, form.code.data, utcnow())
    except two_factor.TwoFactorError as error:
        return _refused(error, form, regenerate_form=form)
    _signed_in_again(user)
    db.session.commit()
    flash(_("New recovery codes: the old ones no longer work."), "success")
    return _codes_page(user, codes)


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
def two_factor_disable():
    form = DisableForm(prefix=DISABLE_PREFIX)
    if not form.validate_on_submit():
        return _setup_page(disable_form=form)
    user = _me()
    try:
        two_factor.disable(user, form.password.data, form.code.data, utcnow())
    except two_factor.TwoFactorError as error:
        return _refused(error, form, disable_form=form)
    _signed_in_again(user)
    db.session.commit()
    flash(_("Two-factor sign-in is off. Your other sessions are signed out."), "success")
    return redirect(url_for("auth.two_factor"))


# ---------------------------------------------------------------------------------------
# The organisers' requirement


def _has_login_cookies() -> bool:
    return "_user_id" in session or has_remember_cookie()


@bp.before_app_request
def require_two_factor():
    """When the organisers require it, an organiser or door staff member signed in
    without two-factor sign-in is sent to set it up, from every page; the API answers
    403 to their browser. Devices calling with an API token (no cookie) are not concerned."""
    if request.endpoint is None or request.endpoint in EXEMPT_ENDPOINTS:
        return None
    if not _has_login_cookies() or not current_user.is_authenticated:
        return None
    user = _me()
    if user.role not in two_factor.POLICY_ROLES or user.two_factor_enabled:
        return None
    if not two_factor.policy_is_on():
        return None
    message = _(
        "The organisers require two-factor sign-in for organiser and door staff accounts. "
        "Set it up to continue."
    )
    if is_api_request():
        raise ApiError(403, "two_factor_required", message)
    flash(message, "warning")
    return redirect(url_for("auth.two_factor"))
