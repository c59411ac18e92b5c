"""The organiser's queue of sign-ups: the requests waiting for approval, approve, reject
with a reason. The rules are in eventhub/admin/signups.py."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from eventhub.admin import signups
from eventhub.admin.users import role_labels
from eventhub.admin.views import bp
from eventhub.auth.access import role_required
from eventhub.auth.forms import EmptyForm
from eventhub.auth.models import User
from eventhub.auth.signup import MAX_REVIEW_NOTE_LENGTH
from eventhub.events.lookup import find_event
from eventhub.extensions import db
from eventhub.forms_common import show_error, strip_filter

PAGE_SIZE = 50
MAX_PAGE = 100_000


class QueueFilterForm(FlaskForm):
    """The queue's filters (GET, so no CSRF)."""

    class Meta:
        csrf = False

    role = SelectField(_l("Role"), validate_choice=False)
    event = SelectField(_l("Event"), validate_choice=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = role_labels()
        self.role.choices = [
            ("", _l("Startups and investors")),
            ("startup", labels["startup"]),
            ("investor", labels["investor"]),
        ]
        self.event.choices = [
            ("", _l("Any event")),
            *[(event.slug, event.name) for event in signups.signup_events()],
        ]


class RejectForm(FlaskForm):
    note = TextAreaField(
        _l("Reason"),
        filters=[strip_filter],
        validators=[DataRequired(), Length(max=MAX_REVIEW_NOTE_LENGTH)],
        description=_l("The applicant reads it in the e-mail that tells them."),
    )


def _filters(form: QueueFilterForm) -> signups.QueueFilters:
    role = form.role.data if form.role.data in ("startup", "investor") else None
    slug = (form.event.data or "")[:100]
    return signups.QueueFilters(role=role, event=find_event(slug) if slug else None)


def _page_number() -> int:
    page = request.args.get("page", default=1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


def _queue_page(
    failed: User | None = None, reject_form: RejectForm | None = None, status: int = 200
):
    form = QueueFilterForm(formdata=request.args)
    filters = _filters(form)
    page = db.paginate(
        signups.select_pending(filters), page=_page_number(), per_page=PAGE_SIZE, error_out=False
    )
    return render_template(
        "admin/signups.html",
        page=page,
        filter_form=form,
        query_args=filters.query_args(),
        events=signups.events_by_id(list(page.items)),
        role_labels=role_labels(),
        approve_form=EmptyForm(),
        reject_form=RejectForm(formdata=None),
        failed_id=failed.id if failed is not None else None,
        failed_form=reject_form,
    ), status


def _applicant_or_404(user_id: int) -> User:
    user = signups.find_applicant(user_id)
    if user is None:
        abort(404)
    return user


def _back_to_queue():
    return redirect(url_for("admin.signups", **_kept_filters()))


def _kept_filters() -> dict[str, str]:
    """The queue's filters, carried by the decision forms' address."""
    return {
        key: request.args[key][:100] for key in ("role", "event", "page") if request.args.get(key)
    }


@bp.app_context_processor
def _pending_signups() -> dict[str, Any]:
    """For the organiser's menu: the number of requests waiting, counted when shown."""
    return {"pending_signup_count": signups.count_pending}


@bp.route("/organiser/sign-ups", endpoint="signups")
@role_required("admin")
def signups_page():
    return _queue_page()


@bp.route("/organiser/sign-ups/<id:user_id>/approve", methods=["POST"])
@role_required("admin")
def approve_signup(user_id: int):
    applicant = _applicant_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        signups.decide(applicant, "approve", current_user)
    except signups.ReviewError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _queue_page(status=409)
    db.session.commit()
    flash(
        _("%(name)s's account is approved; they were told by e-mail.", name=applicant.name),
        "success",
    )
    return _back_to_queue()


@bp.route("/organiser/sign-ups/<id:user_id>/reject", methods=["POST"])
@role_required("admin")
def reject_signup(user_id: int):
    applicant = _applicant_or_404(user_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _queue_page(applicant, form, 422)
    try:
        signups.decide(applicant, "reject", current_user, form.note.data)
    except signups.ReviewError as error:
        db.session.rollback()
        if error.field:
            show_error(form, error)
            return _queue_page(applicant, form, 422)
        flash(str(error.message), "error")
        return _queue_page(status=409)
    db.session.commit()
    flash(
        _("%(name)s's request is rejected; they were told why by e-mail.", name=applicant.name),
        "success",
    )
    return _back_to_queue()
