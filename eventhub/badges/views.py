from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.badges.documents import badge_pdf, check_bulk_badges, start_badge_run
from eventhub.badges.render import BadgeRenderError
from eventhub.events.lookup import event_or_404
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db
from eventhub.models_common import MAX_ROW_ID
from eventhub.registration.lookup import registration_or_404
from eventhub.responses import private

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


@bp.route("/organiser/events/<slug>/badges")
@role_required("admin")
def bulk_badges(slug: str):
    """Every confirmed attendee's badge (or one category's), streamed as it is drawn:
    one PDF, or a ZIP of part PDFs when there are more than one part's worth."""
    event = event_or_404(slug, include_unpublished=True)
    category = _category_or_404(event, request.args.get("category", type=int))
    try:
        total = check_bulk_badges(event, category)
    except BadgeRenderError as error:
        return _refuse(event, category, error)
    record_audit(
        current_user,
        "badges.bulk",
        event.slug,
        category=category.name if category else None,
        badges=total,
    )
    db.session.commit()
    try:
        run = start_badge_run(event, category)
    except BadgeRenderError as error:  # the last ones were cancelled meanwhile
        return _refuse(event, category, error)
    response = Response(stream_with_context(run.chunks()), mimetype=run.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{run.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


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
