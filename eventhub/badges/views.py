from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
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
from eventhub.badges.documents import (
    badge_filename,
    badge_pdf,
    count_badge_holders,
    stream_event_badges,
)
from eventhub.events.lookup import event_or_404
from eventhub.events.models import AttendeeCategory
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
    response = Response(badge_pdf(registration), mimetype="application/pdf")
    filename = f"badge-{registration.event.slug}-{registration.number}.pdf"
    disposition = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return private(response)


@bp.route("/organiser/events/<slug>/badges.pdf")
@role_required("admin")
def bulk_badges(slug: str):
    """Every confirmed attendee's badge (or one category's) in one PDF, streamed."""
    event = event_or_404(slug, include_unpublished=True)
    category = None
    category_id = request.args.get("category", type=int)
    if category_id is not None:
        # Bounded first: a larger integer than a row id overflows the database driver.
        if not 0 < category_id <= MAX_ROW_ID:
            abort(404)
        category = db.session.get(AttendeeCategory, category_id)
        if category is None or category.event_id != event.id:
            abort(404)
    if count_badge_holders(event, category) == 0:
        flash(_("There is no confirmed registration to print a badge for."), "warning")
        return redirect(request.referrer or url_for("events.event_page", slug=slug))
    record_audit(
        current_user, "badges.bulk", event.slug, category=category.name if category else None
    )
    db.session.commit()
    app = current_app._get_current_object()
    response = Response(
        stream_event_badges(app, event.id, category.id if category else None),
        mimetype="application/pdf",
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{badge_filename(event, category)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
