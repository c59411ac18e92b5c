from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.events.editing import (
    EventError,
    add_zone,
    create_event,
    details_of,
    remove_zone,
    save_category,
    update_event,
    update_zone,
)
from eventhub.events.forms import CategoryForm, EventForm, ZoneForm
from eventhub.events.lookup import category_or_404, event_or_404, zone_or_404
from eventhub.events.models import Event
from eventhub.events.navigation import organiser_nav_groups
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.models_common import utcnow
from eventhub.registration.forms import RegistrationForm
from eventhub.registration.mail import notify_statuses
from eventhub.registration.register import event_is_full, offer_freed_places

bp = Blueprint("events", __name__)
bp.add_app_template_global(organiser_nav_groups)


@bp.route("/")
def home():
    events = db.session.scalars(Event.select_published_upcoming(date.today())).all()
    return render_template("events/home.html", events=events)


@bp.route("/events/<slug>")
def event_page(slug: str):
    event = event_or_404(slug)
    state = event.registration_state(utcnow())
    open_form = state == "open" and event.is_published and bool(event.public_categories)
    return render_template(
        "events/event.html",
        event=event,
        registration_state=state,
        registration_form=RegistrationForm(event, formdata=None) if open_form else None,
        event_full=open_form and event_is_full(event),
    )


@bp.route("/organiser/events/new", methods=["GET", "POST"])
@role_required("admin")
def new_event():
    form = EventForm()
    if form.validate_on_submit():
        try:
            event = create_event(form.details())
        except EventError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "event.create", event.slug)
            db.session.commit()
            flash(_("Event created. Now add its zones and attendee categories."), "success")
            return redirect(url_for("events.zones", slug=event.slug))
    return render_template("events/event_form.html", form=form, event=None), form_status(form)


@bp.route("/organiser/events/<slug>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_event(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    form = EventForm(data=details_of(event))
    if form.validate_on_submit():
        try:
            update_event(event, form.details())
        except EventError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "event.update", event.slug)
            # A capacity raised frees places: offered to the waiting list.
            notify_statuses(offer_freed_places(event))
            db.session.commit()
            flash(_("Event saved."), "success")
            return redirect(url_for("events.edit_event", slug=event.slug))
    return render_template("events/event_form.html", form=form, event=event), form_status(form)


@bp.route("/organiser/events/<slug>/zones", methods=["GET", "POST"])
@role_required("admin")
def zones(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    form = ZoneForm()
    if form.validate_on_submit():
        try:
            add_zone(event, form.name.data, form.description.data or "", form.capacity.data)
        except EventError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Zone added."), "success")
            return redirect(url_for("events.zones", slug=slug))
    return render_template("events/zones.html", event=event, form=form, delete_form=EmptyForm()), (
        form_status(form)
    )


@bp.route("/organiser/events/<slug>/zones/<id:zone_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_zone(slug: str, zone_id: int):
    event = event_or_404(slug, include_unpublished=True)
    zone = zone_or_404(event, zone_id)
    form = ZoneForm(obj=zone)
    if form.validate_on_submit():
        try:
            update_zone(zone, form.name.data, form.description.data or "", form.capacity.data)
        except EventError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Zone saved."), "success")
            return redirect(url_for("events.zones", slug=slug))
    return render_template("events/zone_form.html", event=event, zone=zone, form=form), (
        form_status(form)
    )


@bp.route("/organiser/events/<slug>/zones/<id:zone_id>/delete", methods=["POST"])
@role_required("admin")
def delete_zone(slug: str, zone_id: int):
    event = event_or_404(slug, include_unpublished=True)
    zone = zone_or_404(event, zone_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    record_audit(current_user, "zone.delete", f"{event.slug}/{zone.name}")
    remove_zone(zone)
    db.session.commit()
    flash(_("Zone deleted."), "success")
    return redirect(url_for("events.zones", slug=slug))


@bp.route("/organiser/events/<slug>/categories", methods=["GET", "POST"])
@role_required("admin")
def categories(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    form = CategoryForm.for_event(event)
    if form.validate_on_submit():
        try:
            save_category(event, form.details())
        except EventError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Category added."), "success")
            return redirect(url_for("events.categories", slug=slug))
    return render_template("events/categories.html", event=event, form=form), form_status(form)


@bp.route(
    "/organiser/events/<slug>/categories/<id:category_id>/edit",
    methods=["GET", "POST"],
)
@role_required("admin")
def edit_category(slug: str, category_id: int):
    event = event_or_404(slug, include_unpublished=True)
    category = category_or_404(event, category_id)
    form = CategoryForm.for_event(event, category)
    if form.validate_on_submit():
        try:
            save_category(event, form.details(), category)
        except EventError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            notify_statuses(offer_freed_places(event))  # a capacity raised frees places
            db.session.commit()
            flash(_("Category saved."), "success")
            return redirect(url_for("events.categories", slug=slug))
    return render_template(
        "events/category_form.html", event=event, category=category, form=form
    ), form_status(form)


# The privacy notice's and the translations' pages are routes of this blueprint, each kept
# in its own module.
from eventhub.events import privacy_views, translation_views  # noqa: E402, F401
