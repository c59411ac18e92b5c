from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.badges.bulk import PART_SIZE
from eventhub.badges.documents import badge_pdf, check_bulk_badges
from eventhub.badges.render import BadgeRenderError
from eventhub.events.lookup import event_or_404
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.models_common import MAX_ROW_ID
from eventhub.registration.lookup import registration_or_404
from eventhub.registration.web import current_language
from eventhub.responses import private
from eventhub.work.starts import start_bulk_badges
from eventhub.work.views import started

bp = Blueprint("badges", __name__)


@bp.route("/r/<token>/badge.pdf")
def attendee_badge(token: str):
    """The attendee's own badge, from the private link of their registration."""
    registration = registration_or_404(token)
    if registration.status != "confirmed":
        page = render_template(
            "errors/error.html",
            status=409,
            title=_("No badge yet"),
            text=_("Your badge is available once your place is confirmed."),
        )
        return private((page, 409))
    try:
        pdf = badge_pdf(registration)
    except BadgeRenderError as error:
        page = render_template(
            "errors/error.html",
            status=error.status,
            title=_("The badge cannot be drawn"),
            text=str(error.message),
        )
        return private((page, error.status))
    response = Response(pdf, mimetype="application/pdf")
    filename = f"badge-{registration.event.slug}-{registration.number}.pdf"
    disposition = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return private(response)


@bp.route("/organiser/events/<slug>/badges", methods=["GET", "POST"])
@role_required("admin")
def bulk_badges(slug: str):
    """Every confirmed attendee's badge (or one category's), printed by a job: one PDF, or
    a ZIP of part PDFs when there are more than one part's worth. GET shows what would be
    printed, POST starts the job and goes to its progress page."""
    event = event_or_404(slug, include_unpublished=True)
    category = _category_or_404(event, request.args.get("category", type=int))
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            job = start_bulk_badges(
                event, category, user_id=current_user.id, language=current_language()
            )
        except BadgeRenderError as error:
            return _refuse(event, category, error)
        record_audit(
            current_user,
            "badges.bulk",
            event.slug,
            category=category.name if category else None,
            badges=job.total,
            job=job.id,
        )
        return started(job)
    try:
        total = check_bulk_badges(event, category)
    except BadgeRenderError as error:
        return _refuse(event, category, error)
    return render_template(
        "badges/bulk.html",
        event=event,
        category=category,
        total=total,
        part_size=PART_SIZE,
        form=form,
    )


def _category_or_404(event: Event, category_id: int | None) -> AttendeeCategory | None:
    if category_id is None:
        return None
    # Bounded first: a larger integer than a row id overflows the database driver.
    if not 0 < category_id <= MAX_ROW_ID:
        abort(404)
    category = db.session.get(AttendeeCategory, category_id)
    if category is None or category.event_id != event.id:
        abort(404)
    return category


def _refuse(event: Event, category: AttendeeCategory | None, error: BadgeRenderError):
    """Back to the page the organiser came from, with why."""
    flash(str(error.message), "warning" if error.code == "no_badges" else "error")
    if category is not None:
        return redirect(url_for("events.categories", slug=event.slug))
    return redirect(url_for("registration.organiser_list", slug=event.slug))
