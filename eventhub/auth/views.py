from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from eventhub.auth.access import login_required, role_required
from eventhub.auth.accounts import (
    authenticate,
    issue_api_token,
    list_api_tokens,
    record_audit,
    revoke_api_token,
)
from eventhub.auth.forms import ApiTokenForm, EmptyForm, LoginForm
from eventhub.auth.models import ApiToken, User
from eventhub.extensions import db, limiter
from eventhub.forms_common import form_status
from eventhub.routing import redirect_target

bp = Blueprint("auth", __name__)


def home_for(user: User) -> str:
    return {
        "admin": url_for("admin.dashboard"),
        "staff": url_for("admin.staff_home"),
        "startup": url_for("profiles.my_startup"),
        "investor": url_for("profiles.my_investor"),
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
        login_user(user, remember=form.remember.data)
        db.session.commit()
        target = request.args.get("next")
        return redirect(redirect_target(target, home_for(user)))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("events.home"))


@bp.route("/account")
@login_required
def account():
    return redirect(home_for(current_user))


@bp.route("/organiser/api-tokens", methods=["GET", "POST"])
@role_required("admin")
def api_tokens():
    form = ApiTokenForm()
    staff = db.session.scalars(
        select(User).where(User.role.in_(("staff", "admin")), User.is_active).order_by(User.name)
    )
    form.user_id.choices = [(user.id, f"{user.name} <{user.email}>") for user in staff]
    new_secret = None
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        if user is None:
            abort(400)
        issued = issue_api_token(user, form.label.data)
        record_audit(current_user, "api_token.create", issued.token.prefix, user=user.email)
        db.session.commit()
        new_secret = issued.secret
        flash(_("Token created. Copy it now: it will not be shown again."), "success")
        form.label.data = ""
    return render_template(
        "auth/api_tokens.html",
        form=form,
        tokens=list_api_tokens(),
        new_secret=new_secret,
        revoke_form=EmptyForm(),
    ), form_status(form)


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
