"""Pages about the messages people receive."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from eventhub.auth.forms import EmptyForm
from eventhub.extensions import db
from eventhub.notifications.preferences import opt_out, read_opt_out_token
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
