"""The help desk's pages, for door staff and organisers: the search with each person's
actions, a check-in by hand with its reason, the kiosk page that prints a badge again on
the desk's printer, and the walk-in registration form. The logic is in desk.py."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.badges.documents import badge_pdf
from eventhub.badges.render import BadgeRenderError
from eventhub.checkin.desk import (
    DeskError,
    WalkIn,
    check_in_by_hand,
    find_people,
    register_walk_in,
)
from eventhub.checkin.forms import DeskSearchForm, HandCheckInForm, WalkInForm
from eventhub.checkin.views import bp
from eventhub.events.lookup import event_or_404
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.privacy.access_log import log_search
from eventhub.registration.forms import status_labels
from eventhub.registration.lookup import event_registration_or_404
from eventhub.registration.models import Registration
from eventhub.registration.register import RegistrationError
from eventhub.responses import private
from eventhub.security_headers import framed_by_this_site

DESK_ROUTE = "/events/<slug>/desk"
PERSON_ROUTE = DESK_ROUTE + "/<id:registration_id>"
DESK_ROLES = ("staff", "admin")


def _desk_page(
    event: Event,
    q: str,
    *,
    search: DeskSearchForm | None = None,
    check_in_form: HandCheckInForm | None = None,
    failed: Registration | None = None,
    status: int = 200,
    log_search_of_people: bool = False,
) -> tuple[str, int]:
    search = search or DeskSearchForm(data={"q": q})
    people = find_people(event, q) if q else []
    if q and log_search_of_people:
        log_search(current_user, event, q, len(people))
        db.session.commit()
    page = render_template(
        "checkin/desk.html",
        event=event,
        q=q,
        search=search,
        people=people,
        check_in_form=check_in_form or HandCheckInForm(formdata=None),
        failed_id=failed.id if failed is not None else None,
        status_labels=status_labels(),
    )
    return page, status


@bp.route(DESK_ROUTE)
@role_required(*DESK_ROLES)
def desk(slug: str):
    event = event_or_404(slug)
    search = DeskSearchForm(formdata=request.args)
    q = (search.q.data or "") if search.validate() else ""
    return _desk_page(
        event, q, search=search, status=form_status(search), log_search_of_people=True
    )


@bp.route(PERSON_ROUTE + "/check-in", methods=["POST"])
@role_required(*DESK_ROLES)
def desk_check_in(slug: str, registration_id: int):
    event = event_or_404(slug)
    registration = event_registration_or_404(event, registration_id)
    form = HandCheckInForm()
    q = (form.q.data or "").strip()[:100] or registration.number
    if not form.validate_on_submit():
        return _desk_page(event, q, check_in_form=form, failed=registration, status=422)
    try:
        check_in_by_hand(event, registration, current_user, form.reason.data)
    except DeskError as error:
        db.session.rollback()
        show_error(form, error)
        status = 422 if error.field else 409
        return _desk_page(event, q, check_in_form=form, failed=registration, status=status)
    db.session.commit()
    flash(_("%(name)s is checked in.", name=registration.full_name), "success")
    return redirect(url_for("checkin.desk", slug=event.slug, q=q))


@bp.route(PERSON_ROUTE + "/print")
@role_required(*DESK_ROLES)
def desk_print(slug: str, registration_id: int):
    """A kiosk page that shows the badge's PDF and prints it on the desk's printer."""
    event = event_or_404(slug)
    registration = event_registration_or_404(event, registration_id)
    page = render_template(
        "checkin/desk_print.html",
        event=event,
        registration=registration,
        status_labels=status_labels(),
    )
    return private((page, 200 if registration.status == "confirmed" else 409))


@bp.route(PERSON_ROUTE + "/badge.pdf")
@framed_by_this_site
@role_required(*DESK_ROLES)
def desk_badge(slug: str, registration_id: int):
    """The person's badge, drawn as the attendee's own (badges.documents.badge_pdf)."""
    event = event_or_404(slug)
    registration = event_registration_or_404(event, registration_id)
    if registration.status != "confirmed":
        return _no_badge(409, _("Only a confirmed registration has a badge."))
    try:
        pdf = badge_pdf(registration)
    except BadgeRenderError as error:
        return _no_badge(error.status, str(error.message))
    response = Response(pdf, mimetype="application/pdf")
    filename = f"badge-{event.slug}-{registration.number}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return private(response)


def _no_badge(status: int, text: str) -> Response:
    page = render_template(
        "errors/error.html", status=status, title=_("The badge cannot be drawn"), text=text
    )
    return private((page, status))


@bp.route(DESK_ROUTE + "/walk-in", methods=["GET", "POST"])
@role_required(*DESK_ROLES)
def desk_walk_in(slug: str):
    event = event_or_404(slug)
    form = WalkInForm(event)
    if form.validate_on_submit():
        try:
            registration = register_walk_in(
                event, WalkIn(form.attendee(), form.chosen_category), current_user
            )
        except RegistrationError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            db.session.commit()
            if registration.status == "confirmed":
                flash(_("%(name)s is registered.", name=registration.full_name), "success")
            else:
                flash(
                    _(
                        "The event is full: %(name)s is on the waiting list.",
                        name=registration.full_name,
                    ),
                    "warning",
                )
            return redirect(url_for("checkin.desk", slug=event.slug, q=registration.number))
    else:
        status = form_status(form)
    page = render_template("checkin/desk_walk_in.html", event=event, form=form)
    return page, status
