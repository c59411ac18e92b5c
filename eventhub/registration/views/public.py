"""The attendee's pages: the registration form, the private page with the badge, the
calendar file and cancelling. No account: the private page's token is the key."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from eventhub.auth.forms import EmptyForm
from eventhub.badges.documents import badge_qr_svg
from eventhub.deals.leads.forms import ExhibitorConsentForm
from eventhub.events.lookup import event_or_404
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.models_common import utcnow
from eventhub.privacy.hooks import record_consents_of_request
from eventhub.registration import optin
from eventhub.registration.calendar import calendar_of
from eventhub.registration.forms import RegistrationForm, country_name, status_labels
from eventhub.registration.lookup import registration_or_404
from eventhub.registration.mail import notify_status, notify_statuses
from eventhub.registration.models import Registration
from eventhub.registration.register import (
    RegistrationError,
    accept_offer,
    cancel,
    check_window,
    decline_offer,
    event_is_full,
    waitlist_position,
)
from eventhub.registration.views.blueprint import bp
from eventhub.registration.web import current_language, registration_limit
from eventhub.responses import private


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@registration_limit
def register_page(slug: str):
    event = event_or_404(slug)
    form = RegistrationForm(event)
    if form.is_submitted():
        if form.honeypot_filled:
            # Looks like success to the bot; nothing is saved.
            return render_template("registration/check_email.html", event=event)
        try:
            check_window(event)  # a closed form says so, whatever was typed into it
            if not form.validate():
                return _form_page(event, form, form_status(form))
            attendee = form.attendee(current_language())
            news = bool(form.news.data)
            registration = optin.register_publicly(
                event,
                form.chosen_category,
                attendee,
                source="online",
                on_created=lambda created: record_consents_of_request(created, news=news),
            )
        except RegistrationError as error:
            db.session.rollback()
            show_error(form, error)
            return _form_page(event, form, error.status)
        if registration is None:
            # A duplicate, or an event that confirms addresses: the same page for all.
            db.session.commit()
            return render_template("registration/check_email.html", event=event)
        notify_status(registration)
        db.session.commit()
        _flash_registered(registration)
        return redirect(url_for("registration.manage", token=registration.manage_token))
    return _form_page(event, form, form_status(form))


def _form_page(event: Event, form: RegistrationForm, status: int) -> tuple[str, int]:
    return render_template(
        "registration/register.html",
        event=event,
        form=form,
        registration_state=event.registration_state(utcnow()),
        event_full=event_is_full(event),
    ), status


def _flash_registered(registration: Registration) -> None:
    if registration.status == "confirmed":
        flash(_("You are registered. Your badge is below and on its way to your inbox."), "success")
    else:
        flash(
            _(
                "The event is full: you are number %(position)d on the waiting list. "
                "We will e-mail you as soon as a place frees up.",
                position=waitlist_position(registration) or 1,
            ),
            "warning",
        )


@bp.route("/registration/confirm/<secret>", methods=["GET", "POST"])
def confirm_address(secret: str):
    """Double opt-in: the link e-mailed to confirm the address. GET shows a button (mail
    scanners that open links confirm nothing), POST places the registration."""
    form = EmptyForm()
    try:
        registration = optin.check_link(optin.find_by_confirmation(secret), utcnow())
        if form.is_submitted():
            if not form.validate():
                abort(400)
            registration = optin.confirm_address(secret)
    except RegistrationError as error:
        db.session.rollback()
        page = render_template("registration/confirm_address.html", refusal=error.message)
        return private((page, error.status))
    if not form.is_submitted():
        page = render_template(
            "registration/confirm_address.html",
            registration=registration,
            event=registration.event,
            form=form,
        )
        return private(page)
    notify_status(registration)
    db.session.commit()
    _flash_registered(registration)
    return redirect(url_for("registration.manage", token=registration.manage_token))


@bp.route("/r/<token>")
def manage(token: str):
    registration = registration_or_404(token)
    qr = badge_qr_svg(registration) if registration.status == "confirmed" else None
    return private(
        render_template(
            "registration/manage.html",
            registration=registration,
            event=registration.event,
            position=waitlist_position(registration),
            qr_svg=qr,
            country=country_name(registration.country),
            status_labels=status_labels(),
            offer_form=EmptyForm(),
            consent_form=ExhibitorConsentForm(
                formdata=None, share=registration.exhibitor_consent_at is not None
            ),
            offer_open=registration.status == "offered"
            and registration.offer_expires_at is not None
            and registration.offer_expires_at > utcnow(),
        )
    )


@bp.route("/r/<token>/offer/accept", methods=["POST"])
def accept_place(token: str):
    """The attendee takes the place offered: confirmed, and the badge sent."""
    registration = registration_or_404(token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        accept_offer(registration)
    except RegistrationError as error:
        db.session.rollback()
        show_error(None, error)
    else:
        notify_status(registration)
        db.session.commit()
        flash(_("The place is yours. Your badge is below and on its way to your inbox."), "success")
    return redirect(url_for("registration.manage", token=token))


@bp.route("/r/<token>/offer/decline", methods=["POST"])
def decline_place(token: str):
    """The attendee lets the place go: cancelled, and the place offered to the next."""
    registration = registration_or_404(token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        offered = decline_offer(registration)
    except RegistrationError as error:
        db.session.rollback()
        show_error(None, error)
    else:
        notify_statuses([registration, *offered])
        db.session.commit()
        flash(_("You let the place go; it is offered to the next person waiting."), "success")
    return redirect(url_for("registration.manage", token=token))


@bp.route("/r/<token>/event.ics")
def calendar(token: str):
    registration = registration_or_404(token)
    if registration.status == "cancelled":
        abort(404)
    response = Response(calendar_of(registration), mimetype="text/calendar")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{registration.event.slug}.ics"'
    )
    return private(response)


@bp.route("/r/<token>/cancel", methods=["GET", "POST"])
def cancel_own(token: str):
    registration = registration_or_404(token)
    form = EmptyForm()
    if registration.status == "cancelled":
        flash(_("This registration is already cancelled."), "info")
        return redirect(url_for("registration.manage", token=token))
    if form.validate_on_submit():
        try:
            offered = cancel(registration)
        except RegistrationError as error:
            db.session.rollback()
            show_error(None, error)
        else:
            notify_statuses([registration, *offered])
            db.session.commit()
            flash(
                _("Your registration is cancelled. Your badge no longer opens the doors."),
                "success",
            )
        return redirect(url_for("registration.manage", token=token))
    return private(
        render_template(
            "registration/cancel.html",
            registration=registration,
            event=registration.event,
            form=form,
        )
    )
