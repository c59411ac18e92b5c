"""The organiser's "E-mails" page of an event: every message and how its sending went,
with the buttons that send a message, or all failed ones, again."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.events.lookup import event_or_404
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import show_error
from eventhub.models_common import MAX_ROW_ID, utcnow
from eventhub.notifications.log import (
    RESENDABLE,
    SEARCH_MAX_LENGTH,
    STUCK_AFTER,
    LogFilters,
    MailLogError,
    Position,
    event_message,
    is_retrying,
    is_stuck,
    kind_choices,
    kind_labels,
    log_page,
    position,
    resend_failed,
    resend_message,
    status_counts,
    status_labels,
    waiting_counts,
)
from eventhub.notifications.models import MAIL_STATUSES
from eventhub.routing import is_safe_redirect

bp = Blueprint("mail_log", __name__)

LOG_ROUTE = "/organiser/events/<slug>/mail"


class LogFilterForm(FlaskForm):
    """The filters of the mail log (GET, so no CSRF); what they mean is read by
    `LogFilters.read`, which ignores any value that means nothing."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Recipient"),
        render_kw={"maxlength": SEARCH_MAX_LENGTH, "placeholder": _l("name@example.com")},
    )
    status = SelectField(_l("Status"), validate_choice=False)
    kind = SelectField(_l("Kind of message"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = status_labels()
        self.status.choices = [("", _l("All statuses"))] + [
            (status, labels[status]) for status in MAIL_STATUSES
        ]
        self.kind.choices = [("", _l("All kinds")), *kind_choices()]


def _row_id(name: str) -> int | None:
    """A message id from the address: None for anything that is not a row id."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ROW_ID else None


def _start(event: Event) -> Position | None:
    before = _row_id("before")
    if before is not None:
        return position(event, before, older=True)
    return position(event, _row_id("after"), older=False)


@bp.route(LOG_ROUTE)
@role_required("admin")
def messages(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    filters = LogFilters.read(
        request.args.get("status"), request.args.get("kind"), request.args.get("q")
    )
    form = LogFilterForm(formdata=None, data=filters.query_args())
    now = utcnow()
    return render_template(
        "notifications/mail_log.html",
        event=event,
        page=log_page(event, filters, _start(event)),
        filter_form=form,
        query_args=filters.query_args(),
        counts=status_counts(event),
        waiting=waiting_counts(event, now),
        now=now,
        is_retrying=is_retrying,
        is_stuck=is_stuck,
        stuck_minutes=int(STUCK_AFTER.total_seconds() // 60),
        kind_labels=kind_labels(),
        status_labels=status_labels(),
        resendable=RESENDABLE,
        action_form=EmptyForm(),
        current_list=request.full_path.rstrip("?"),
    )


def _back_to_log(slug: str) -> Response:
    """To the page of the log the organiser acted from (with its filters), or its start."""
    target = request.form.get("next")
    log_url = url_for("mail_log.messages", slug=slug)
    if is_safe_redirect(target) and target.startswith(log_url):
        return redirect(target)
    return redirect(log_url)


@bp.route(LOG_ROUTE + "/<id:message_id>/resend", methods=["POST"])
@role_required("admin")
def resend(slug: str, message_id: int):
    event = event_or_404(slug, include_unpublished=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    message = event_message(event, message_id)
    if message is None:
        abort(404)
    previous = message.status
    try:
        resend_message(message, request.form.get("status") or None)
    except MailLogError as error:
        db.session.rollback()
        show_error(None, error)
        return _back_to_log(slug)
    record_audit(
        current_user,
        "mail.resend",
        f"{event.slug}/{message.id}",
        kind=message.kind,
        recipient=message.recipient,
        previous_status=previous,
    )
    db.session.commit()
    flash(
        _("The message to %(recipient)s will be sent again.", recipient=message.recipient),
        "success",
    )
    return _back_to_log(slug)


@bp.route(LOG_ROUTE + "/resend-failed", methods=["POST"])
@role_required("admin")
def resend_all_failed(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    resent = resend_failed(event)
    if resent.count == 0:
        db.session.rollback()
        flash(_("No failed message to send again."), "info")
        return _back_to_log(slug)
    record_audit(current_user, "mail.resend_failed", event.slug, count=resent.count)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d failed message will be sent again.",
            "%(num)d failed messages will be sent again.",
            resent.count,
        ),
        "success",
    )
    if resent.remaining:
        flash(
            ngettext(
                "%(num)d more failed message remains: press the button again.",
                "%(num)d more failed messages remain: press the button again.",
                resent.remaining,
            ),
            "info",
        )
    return _back_to_log(slug)
