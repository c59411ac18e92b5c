"""Pages about the messages people receive."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import login_required
from eventhub.auth.forms import EmptyForm
from eventhub.extensions import db
from eventhub.notifications.forms import MailPreferencesForm
from eventhub.notifications.models import OPT_OUT_TOPICS
from eventhub.notifications.preferences import (
    opt_out,
    read_opt_out_token,
    save_topics,
    topics_on,
)
from eventhub.responses import private

bp = Blueprint("notifications", __name__)


@bp.route("/mail/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """From the link in an optional message: turn that kind of message off. A GET only
    asks (mail scanners follow links); the button does it."""
    found = read_opt_out_token(token)
    if found is None:
        abort(404)
    email, topic = found
    form = EmptyForm()
    done = False
    if form.validate_on_submit():
        opt_out(email, topic)
        db.session.commit()
        done = True
    page = render_template(
        "notifications/unsubscribe.html", form=form, email=email, topic=topic, done=done
    )
    return private(page)


@bp.route("/account/mail", methods=["GET", "POST"])
@login_required
def preferences():
    """The signed-in person turns the optional messages on or off."""
    form = MailPreferencesForm()
    if request.method == "GET":
        for topic, on in topics_on(current_user.email).items():
            form[topic].data = on
    if form.validate_on_submit():
        save_topics(current_user.email, {topic: bool(form[topic].data) for topic in OPT_OUT_TOPICS})
        db.session.commit()
        flash(_("Your e-mail preferences are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    status = 400 if request.method == "POST" else 200
    return render_template("notifications/preferences.html", form=form), status
