from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import select

from eventhub.auth.access import has_remember_cookie, login_required, role_required, sign_in
from eventhub.auth.accounts import (
    AccountError,
    authenticate,
    change_password,
    end_sessions,
    issue_api_token,
    list_api_tokens,
    record_audit,
    revoke_api_token,
    sign_in_refusal,
    token_events,
)
from eventhub.auth.forms import (
    ApiTokenForm,
    ChangeEmailForm,
    ChangePasswordForm,
    EmptyForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
)
from eventhub.auth.invitations import accept as accept_invitation
from eventhub.auth.invitations import invitation_of, mark_opened
from eventhub.auth.links import (
    EMAIL_CHANGE,
    INVITATION,
    PASSWORD_RESET,
    LinkState,
    find_link,
    state_of,
)
from eventhub.auth.models import ApiToken, User
from eventhub.auth.recovery import (
    confirm_email_change,
    request_email_change,
    request_password_reset,
    reset_password,
)
from eventhub.content_languages import localized
from eventhub.events.models import Event
from eventhub.extensions import db, limiter
from eventhub.forms_common import form_status, show_error
from eventhub.models_common import utcnow
from eventhub.routing import redirect_target

bp = Blueprint("auth", __name__)

# The account page shows two forms, both with a "current password": distinct field names.
EMAIL_FORM_PREFIX = "change_email"


def home_for(user: User) -> str:
    return {
        "admin": url_for("admin.dashboard"),
        "staff": url_for("admin.staff_home"),
        "startup": url_for("profiles.home"),
        "investor": url_for("profiles.home"),
    }.get(user.role, url_for("events.home"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            flash(_("Wrong e-mail or password."), "error")
            return render_template("auth/login.html", form=form), 401
        refusal = sign_in_refusal(user)
        if refusal is not None:
            db.session.rollback()
            flash(refusal, "error")
            return render_template("auth/login.html", form=form), 403
        if user.two_factor_enabled:  # not signed in yet: the code comes first
            db.session.rollback()
            return two_factor_views.ask_for_second_factor(
                user, remember=form.remember.data, next_url=request.args.get("next")
            )
        sign_in(user, remember=form.remember.data)
        db.session.commit()
        target = request.args.get("next")
        return redirect(redirect_target(target, home_for(user)))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        end_sessions(current_user)  # this browser's remember cookie stops working too
        db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("events.home"))


def _reset_rate_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_rate_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/forgot_password_sent.html")
    return render_template("auth/forgot_password.html", form=form), form_status(form)


def _link_refused(state: LinkState):
    """The page of a link that cannot be used: 404 for one never issued (or altered), 410
    for one used or expired."""
    status = 404 if state is LinkState.UNKNOWN else 410
    return render_template("auth/link_refused.html", state=state.value), status


@bp.route("/password/reset/<secret>", methods=["GET", "POST"], endpoint="reset_password")
@limiter.limit(_reset_rate_limit)
def reset_password_page(secret: str):
    state = state_of(find_link(secret, PASSWORD_RESET), utcnow())
    if state is not LinkState.VALID:
        return _link_refused(state)
    form = ResetPasswordForm()
    chosen = _choose_password(
        form, reset_password, secret, _("Your password is changed. You are signed in.")
    )
    if chosen is not None:
        return chosen
    return render_template("auth/reset_password.html", form=form), form_status(form)


def _choose_password(
    form: ResetPasswordForm,
    use_link: Callable[[str, str, datetime], User | None],
    secret: str,
    done: str,
):
    """The POST of a page whose link lets its holder choose a password (a reset, an
    invitation): signed in on their home page, the link's refusal if another click used it
    meanwhile, or None to show the form again (not posted, or a refused password)."""
    if not form.validate_on_submit():
        return None
    try:
        user = use_link(secret, form.password.data, utcnow())
    except AccountError as error:
        show_error(form, error)
        return None
    if user is None:  # used meanwhile, by another click
        db.session.rollback()
        return _link_refused(LinkState.USED)
    sign_in(user, remember=False)
    db.session.commit()
    flash(done, "success")
    return redirect(home_for(user))


@bp.route("/invitation/<secret>", methods=["GET", "POST"], endpoint="accept_invitation")
@limiter.limit(_reset_rate_limit)
def accept_invitation_page(secret: str):
    now = utcnow()
    token = find_link(secret, INVITATION)
    state = state_of(token, now)
    invitation = invitation_of(token.user) if token is not None else None
    if state is LinkState.VALID and (invitation is None or invitation.revoked_at is not None):
        state = LinkState.USED
    if state is not LinkState.VALID:
        return _link_refused(state)
    if current_user.is_authenticated and current_user.id != token.user_id:
        logout_user()  # someone else's session in this browser: not the invited person's
    mark_opened(invitation, now)
    db.session.commit()
    form = ResetPasswordForm()
    chosen = _choose_password(
        form,
        accept_invitation,
        secret,
        _("Welcome! Your password is set and you are signed in."),
    )
    if chosen is not None:
        return chosen
    return render_template("auth/accept_invitation.html", form=form, user=token.user), form_status(
        form
    )


@bp.route("/account", methods=["GET"])
@login_required
def account():
    return _account_page(ChangePasswordForm(), ChangeEmailForm(prefix=EMAIL_FORM_PREFIX))


def _account_page(password_form: ChangePasswordForm, email_form: ChangeEmailForm):
    return render_template(
        "auth/account.html",
        password_form=password_form,
        email_form=email_form,
        home_url=home_for(current_user),
    ), form_status(password_form, email_form)


@bp.route("/account/password", methods=["POST"])
@login_required
def account_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current.data, form.password.data)
        except AccountError as error:
            show_error(form, error)
        else:
            user = current_user._get_current_object()
            record_audit(user, "account.password_change", user.email)
            sign_in(user, remember=has_remember_cookie())  # the other sessions end
            db.session.commit()
            flash(_("Your password is changed. Your other sessions are signed out."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(form, ChangeEmailForm(prefix=EMAIL_FORM_PREFIX))


@bp.route("/account/email", methods=["POST"])
@login_required
def account_email():
    form = ChangeEmailForm(prefix=EMAIL_FORM_PREFIX)
    if form.validate_on_submit():
        try:
            request_email_change(current_user, form.current.data, form.email.data)
        except AccountError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "If %(email)s can be used, a link to confirm it was sent there. "
                    "Your address changes once you follow it.",
                    email=form.email.data,
                ),
                "info",
            )
            return redirect(url_for("auth.account"))
    return _account_page(ChangePasswordForm(), form)


@bp.route("/account/email/confirm/<secret>")
@limiter.limit(_reset_rate_limit)
def confirm_email(secret: str):
    state = state_of(find_link(secret, EMAIL_CHANGE), utcnow())
    if state is not LinkState.VALID:
        return _link_refused(state)
    try:
        user = confirm_email_change(secret, utcnow())
    except AccountError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("auth.login"))
    if user is None:
        db.session.rollback()
        return _link_refused(LinkState.USED)
    db.session.commit()
    flash(_("Your e-mail address is now %(email)s.", email=user.email), "success")
    target = "auth.account" if current_user.is_authenticated else "auth.login"
    return redirect(url_for(target))


@bp.route("/organiser/api-tokens", methods=["GET", "POST"])
@role_required("admin")
def api_tokens():
    form = ApiTokenForm()
    staff = db.session.scalars(
        select(User).where(User.role.in_(("staff", "admin")), User.is_active).order_by(User.name)
    )
    form.user_id.choices = [(user.id, f"{user.name} <{user.email}>") for user in staff]
    form.event_id.choices = [("", _("All events"))] + [
        (event.id, localized(event, "name")) for event in token_events()
    ]
    new_secret = None
    if form.validate_on_submit():
        new_secret = _create_token(form)
    return render_template(
        "auth/api_tokens.html",
        form=form,
        tokens=list_api_tokens(),
        new_secret=new_secret,
        revoke_form=EmptyForm(),
    ), form_status(form)


def _create_token(form: ApiTokenForm) -> str | None:
    """The new token's secret, or None with the refusal shown on the form."""
    user = db.session.get(User, form.user_id.data)
    if user is None:
        abort(400)
    event = db.session.get(Event, form.event_id.data) if form.event_id.data is not None else None
    try:
        issued = issue_api_token(user, form.label.data, form.scope.data, event)
    except AccountError as error:
        show_error(form, error)
        return None
    record_audit(
        current_user,
        "api_token.create",
        issued.token.prefix,
        user=user.email,
        scope=issued.token.scope,
        event=event.slug if event is not None else None,
    )
    db.session.commit()
    flash(_("Token created. Copy it now: it will not be shown again."), "success")
    form.label.data = ""
    return issued.secret


@bp.route("/organiser/api-tokens/<id:token_id>/revoke", methods=["POST"])
@role_required("admin")
def revoke_token(token_id: int):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    token = db.get_or_404(ApiToken, token_id)
    revoke_api_token(token)
    record_audit(current_user, "api_token.revoke", token.prefix)
    db.session.commit()
    flash(_("Token %(prefix)s… revoked.", prefix=token.prefix), "success")
    return redirect(url_for("auth.api_tokens"))


# The public sign-up, its e-mail verification link and "resend the link"; two-factor
# sign-in (the code after the password, the account's setup page).
from eventhub.auth import signup_views, two_factor_views  # noqa: E402, F401
