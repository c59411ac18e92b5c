"""The public sign-up pages: the form, the e-mail verification link, sending the link
again. Routes of the auth blueprint; the rules are in eventhub/auth/signup.py."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import sign_in
from eventhub.auth.accounts import AccountError
from eventhub.auth.forms import EmptyForm
from eventhub.auth.links import EMAIL_VERIFICATION, LinkState, find_link, state_of
from eventhub.auth.signup import organisation_of, resend_verification, sign_up, verify
from eventhub.auth.signup_forms import ResendVerificationForm, SignupForm
from eventhub.auth.views import _link_refused, bp, home_for
from eventhub.events.lookup import find_event
from eventhub.events.models import Event
from eventhub.extensions import db, limiter
from eventhub.forms_common import form_status, show_error
from eventhub.i18n import select_locale
from eventhub.models_common import utcnow


def _signup_rate_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _event_of_request() -> Event | None:
    """The published event named by `?event=<slug>`, if one: the sign-up is for it."""
    slug = request.args.get("event", "").strip()
    if not slug:
        return None
    event = find_event(slug) if len(slug) <= 100 and "\x00" not in slug else None
    if event is None or not event.is_published:
        abort(404)
    return event


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(_signup_rate_limit, methods=["POST"])
def signup():
    event = _event_of_request()
    if current_user.is_authenticated:
        if request.method == "POST":
            return redirect(home_for(current_user))
        return render_template("auth/signup.html", form=None, event=event)
    role = request.args.get("role")
    form = SignupForm(
        data={
            "role": role if role in ("startup", "investor") else None,
            "language": str(select_locale()),
        }
    )
    if form.validate_on_submit():
        try:
            sign_up(form.applicant(event))
        except AccountError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            return render_template("auth/signup_sent.html", email=form.email.data)
    return render_template("auth/signup.html", form=form, event=event), form_status(form)


@bp.route("/sign-up/verify/<secret>", methods=["GET", "POST"], endpoint="verify_email")
@limiter.limit(_signup_rate_limit)
def verify_email_page(secret: str):
    token = find_link(secret, EMAIL_VERIFICATION)
    state = state_of(token, utcnow())
    if state is LinkState.VALID and token.user.status != "unverified":
        state = LinkState.USED
    if state is not LinkState.VALID:
        return _link_refused(state)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        user = verify(secret, utcnow())
        if user is None:  # used meanwhile, by another click
            db.session.rollback()
            return _link_refused(LinkState.USED)
        sign_in(user, remember=False)
        db.session.commit()
        flash(
            _(
                "Your address is confirmed. An organiser will review your request; "
                "we will tell you by e-mail."
            ),
            "success",
        )
        return redirect(home_for(user))
    return render_template(
        "auth/signup_verify.html",
        form=form,
        user=token.user,
        organisation=organisation_of(token.user),
    )


@bp.route("/sign-up/resend", methods=["GET", "POST"], endpoint="resend_verification")
@limiter.limit(_signup_rate_limit, methods=["POST"])
def resend_verification_page():
    form = ResendVerificationForm()
    if form.validate_on_submit():
        resend_verification(form.email.data)
        db.session.commit()
        return render_template("auth/signup_sent.html", email=form.email.data, resent=True)
    return render_template("auth/signup_resend.html", form=form), form_status(form)
