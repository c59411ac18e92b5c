"""Registration pages: the public form, the attendee's private page, the organiser's list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.badges.documents import badge_qr_svg
from eventhub.events.lookup import event_or_404
from eventhub.events.models import AttendeeCategory, Event
from eventhub.extensions import db, limiter
from eventhub.forms_common import form_status, show_error
from eventhub.models_common import contains_text, search_text, utcnow
from eventhub.registration.forms import (
    ChangeCategoryForm,
    ImportForm,
    OrganiserFilterForm,
    RegistrationForm,
    category_by_choice,
    country_name,
    status_labels,
)
from eventhub.registration.imports import Rejection, parse_guests
from eventhub.registration.lookup import registration_or_404
from eventhub.registration.mail import send_confirmation, send_confirmations
from eventhub.registration.models import REGISTRATION_STATUSES, Registration
from eventhub.registration.register import (
    Attendee,
    RegistrationError,
    cancel,
    change_category,
    event_is_full,
    register,
    reinstate,
    reissue_badge,
    waitlist_position,
)
from eventhub.responses import private
from eventhub.routing import is_safe_redirect, public_url
from eventhub.spreadsheets import XLSX_MIMETYPE, SpreadsheetError, csv_stream, xlsx_file

bp = Blueprint("registration", __name__)

PAGE_SIZE = 50
MAX_PAGE = 100_000
# Events keep days, not hours: the calendar entry assumes these opening hours each day.
DAY_OPENS = time(9, 0)
DAY_CLOSES = time(18, 0)
EXPORT_BATCH = 500


def registration_rate_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


# One budget per client IP for the form and the API together.
registration_limit = limiter.shared_limit(
    registration_rate_limit, scope="registration-post", methods=["POST"]
)


# --- Public form -------------------------------------------------------------------------


def closed_message(state: str, event: Event) -> str:
    if not event.is_published:
        return _("This event is not open for registration.")
    if state == "not_yet":
        return _("Registration has not opened yet.")
    return _("Registration is closed.")


def current_language() -> str:
    language = str(get_locale() or "fr")
    return language if language in current_app.config["LANGUAGES"] else "fr"


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@registration_limit
def register_page(slug: str):
    event = event_or_404(slug)
    state = event.registration_state(utcnow())
    form = RegistrationForm(event)
    status = 200
    if form.is_submitted():
        if form.honeypot_filled:
            # Looks like success to the bot; nothing is saved.
            return render_template("registration/received.html", event=event)
        if state != "open" or not event.is_published:
            flash(closed_message(state, event), "error")
            status = 409
        elif form.validate():
            try:
                registration = register(
                    event,
                    form.chosen_category,
                    Attendee(
                        first_name=form.first_name.data,
                        last_name=form.last_name.data,
                        email=form.email.data,
                        organization=form.organization.data or "",
                        job_title=form.job_title.data or "",
                        country=form.country.data or "",
                        language=current_language(),
                    ),
                    source="online",
                )
            except RegistrationError as error:
                db.session.rollback()
                show_error(form, error)
                status = 409 if error.code != "category_not_public" else 422
            else:
                db.session.commit()
                send_confirmation(registration)
                flash_registered(registration)
                return redirect(url_for("registration.manage", token=registration.manage_token))
        else:
            status = 422
    return render_template(
        "registration/register.html",
        event=event,
        form=form,
        registration_state=state,
        event_full=event_is_full(event),
    ), status


def flash_registered(registration: Registration) -> None:
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


# --- The attendee's private page ---------------------------------------------------------


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
        )
    )


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


def calendar_of(registration: Registration) -> bytes:
    """One entry per day the attendee may come, in the event's own time zone (TZID)."""
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    event = registration.event
    calendar = Calendar()
    calendar.add("prodid", "-//EventHub//Registration//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-timezone", event.timezone)
    event_url = public_url("events.event_page", slug=event.slug)
    days = [day for day in event.days if registration.category.may_enter_on(day)] or event.days
    for day in days:
        entry = CalendarEvent()
        entry.add("uid", f"{event.slug}-{registration.id}-{day:%Y%m%d}@eventhub")
        entry.add("dtstamp", utcnow())
        entry.add("dtstart", datetime.combine(day, DAY_OPENS, tzinfo=event.tz))
        entry.add("dtend", datetime.combine(day, DAY_CLOSES, tzinfo=event.tz))
        entry.add("summary", event.name)
        entry.add("location", f"{event.venue}, {event.city}")
        entry.add(
            "description",
            _(
                "Your badge: %(category)s, number %(number)s.",
                category=registration.category.name,
                number=registration.number,
            )
            + f"\n{event_url}",
        )
        entry.add("url", event_url)
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()


@bp.route("/r/<token>/cancel", methods=["GET", "POST"])
def cancel_own(token: str):
    registration = registration_or_404(token)
    form = EmptyForm()
    if registration.status == "cancelled":
        flash(_("This registration is already cancelled."), "info")
        return redirect(url_for("registration.manage", token=token))
    if form.validate_on_submit():
        try:
            promoted = cancel(registration)
        except RegistrationError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            send_confirmations([registration, *promoted])
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


# --- Organiser ---------------------------------------------------------------------------


def select_registrations(
    event: Event,
    *,
    q: str = "",
    status: str | None = None,
    category: AttendeeCategory | None = None,
) -> Select:
    """The event's registrations matching a search and filters, newest first."""
    query = (
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(joinedload(Registration.category))
        .order_by(Registration.created_at.desc(), Registration.id.desc())
    )
    text = search_text(q)
    if text:
        full_name = Registration.first_name + " " + Registration.last_name
        query = query.where(
            contains_text(
                text,
                full_name,
                Registration.last_name,
                Registration.email,
                Registration.organization,
            )
        )
    if status in REGISTRATION_STATUSES:
        query = query.where(Registration.status == status)
    if category is not None:
        query = query.where(Registration.category_id == category.id)
    return query


def status_counts(event: Event) -> dict[str, int]:
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    )
    counts = dict.fromkeys(REGISTRATION_STATUSES, 0)
    counts.update({status: count for status, count in rows})
    return counts


def _filters(event: Event) -> tuple[OrganiserFilterForm, dict[str, Any]]:
    form = OrganiserFilterForm(event, formdata=request.args)
    form.validate()
    q = form.q.data if not form.q.errors else ""
    status = form.status.data if form.status.data in REGISTRATION_STATUSES else None
    category = category_by_choice(event, form.category.data) if form.category.data else None
    return form, {"q": q or "", "status": status, "category": category}


def _page_number() -> int:
    page = request.args.get("page", default=1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


@bp.route("/organiser/events/<slug>/registrations")
@role_required("admin")
def organiser_list(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    filter_form, filters = _filters(event)
    page = db.paginate(
        select_registrations(event, **filters),
        page=_page_number(),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    query_args = {
        key: value
        for key, value in (
            ("q", filters["q"]),
            ("status", filters["status"]),
            ("category", filters["category"].id if filters["category"] else None),
        )
        if value
    }
    return render_template(
        "registration/organiser_list.html",
        event=event,
        page=page,
        filter_form=filter_form,
        query_args=query_args,
        counts=status_counts(event),
        action_form=EmptyForm(),
        status_labels=status_labels(),
        current_list=request.full_path.rstrip("?"),
    )


def _organiser_registration(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def _back_to_list(slug: str) -> Response:
    target = request.form.get("next")
    list_url = url_for("registration.organiser_list", slug=slug)
    if is_safe_redirect(target) and target.startswith(list_url):
        return redirect(target)
    return redirect(list_url)


def _organiser_action(slug: str, registration_id: int, action: str):
    event = event_or_404(slug, include_unpublished=True)
    registration = _organiser_registration(event, registration_id)
    if action == "category":
        form: Any = ChangeCategoryForm(event)
    else:
        form = EmptyForm()
    if not form.validate_on_submit():
        category_errors = form.errors.get("category")
        if "csrf_token" in form.errors or not category_errors:
            abort(400)
        flash(str(category_errors[0]), "error")
        return _back_to_list(slug)
    to_notify: list[Registration] = [registration]
    try:
        if action == "cancel":
            to_notify += cancel(registration)
            message = _("Registration of %(name)s cancelled.", name=registration.full_name)
        elif action == "reinstate":
            reinstate(registration)
            message = _(
                "Registration of %(name)s reinstated (%(status)s).",
                name=registration.full_name,
                status=status_labels()[registration.status],
            )
        elif action == "category":
            old = registration.category.name
            to_notify += change_category(registration, form.chosen_category)
            message = _(
                "%(name)s moved from %(old)s to %(new)s.",
                name=registration.full_name,
                old=old,
                new=form.chosen_category.name,
            )
        else:
            reissue_badge(registration)
            message = _(
                "New badge issued for %(name)s; the previous one no longer opens the doors.",
                name=registration.full_name,
            )
    except RegistrationError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back_to_list(slug)
    record_audit(
        current_user,
        f"registration.{action.replace('-', '_')}",
        f"{event.slug}/{registration.number}",
        email=registration.email,
        status=registration.status,
        category=registration.category.name,
        promoted=[r.number for r in to_notify[1:]],
    )
    db.session.commit()
    send_confirmations(to_notify)
    flash(message, "success")
    return _back_to_list(slug)


ACTION_ROUTE = "/organiser/events/<slug>/registrations/<id:registration_id>/"


@bp.route(ACTION_ROUTE + "cancel", methods=["POST"])
@role_required("admin")
def organiser_cancel(slug: str, registration_id: int):
    return _organiser_action(slug, registration_id, "cancel")


@bp.route(ACTION_ROUTE + "reinstate", methods=["POST"])
@role_required("admin")
def organiser_reinstate(slug: str, registration_id: int):
    return _organiser_action(slug, registration_id, "reinstate")


@bp.route(ACTION_ROUTE + "category", methods=["POST"])
@role_required("admin")
def organiser_change_category(slug: str, registration_id: int):
    return _organiser_action(slug, registration_id, "category")


@bp.route(ACTION_ROUTE + "reissue-badge", methods=["POST"])
@role_required("admin")
def organiser_reissue_badge(slug: str, registration_id: int):
    return _organiser_action(slug, registration_id, "reissue-badge")


@bp.route("/organiser/events/<slug>/registrations/import", methods=["GET", "POST"])
@role_required("admin")
def organiser_import(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    form = ImportForm(event)
    if request.method == "GET":
        default = next((c for c in event.categories if c.is_default), None)
        form.category.data = str(default.id) if default else None
    report = None
    if form.validate_on_submit():
        try:
            parsed = parse_guests(
                form.file.data.read(),
                find_category=lambda name: category_by_choice(event, name),
                default_category=form.chosen_category,
                registered_emails=lambda emails: registered_emails(event, emails),
            )
        except SpreadsheetError as error:
            show_error(form, error)
        else:
            report = import_rows(event, parsed)
            record_audit(
                current_user,
                "registration.import",
                event.slug,
                accepted=len(report["registered"]),
                rejected=len(report["rejected"]),
            )
            db.session.commit()
            if form.send_emails.data:
                send_confirmations(report["registered"])
    return render_template("registration/import.html", event=event, form=form, report=report), (
        form_status(form)
    )


def registered_emails(event: Event, emails: set[str]) -> set[str]:
    found: set[str] = set()
    batch = sorted(emails)
    for start in range(0, len(batch), 500):
        found.update(
            db.session.scalars(
                select(Registration.email).where(
                    Registration.event_id == event.id,
                    Registration.email.in_(batch[start : start + 500]),
                )
            )
        )
    return found


def import_rows(event: Event, parsed: Any) -> dict[str, Any]:
    """Register the accepted rows; a row refused at this point joins the report."""
    registered: list[Registration] = []
    rejected = list(parsed.rejected)
    for row in parsed.accepted:
        try:
            registration = register(
                event,
                row.category,
                Attendee(
                    first_name=row.first_name,
                    last_name=row.last_name,
                    email=row.email,
                    organization=row.organization,
                    job_title=row.job_title,
                    country=row.country,
                    language=current_language(),
                ),
                source="import",
                public_only=False,
                enforce_window=False,
            )
        except RegistrationError as error:
            rejected.append(
                Rejection(line=row.line, email=row.email, reason=error.message, code=error.code)
            )
        else:
            registered.append(registration)
    rejected.sort(key=lambda rejection: rejection.line)
    return {
        "registered": registered,
        "confirmed": sum(1 for r in registered if r.status == "confirmed"),
        "waitlisted": sum(1 for r in registered if r.status == "waitlisted"),
        "rejected": rejected,
    }


# --- Exports -----------------------------------------------------------------------------


def _local(moment: datetime | None, event: Event) -> datetime | None:
    return event.local(moment).replace(tzinfo=None) if moment else None


def registration_export(event: Event, query: Select) -> tuple[list[str], Iterator[list[Any]]]:
    from eventhub.checkin.models import Scan

    first_entry = (
        select(Scan.registration_id, func.min(Scan.scanned_at).label("first_at"))
        .where(Scan.event_id == event.id, Scan.result == "admitted")
        .group_by(Scan.registration_id)
        .subquery()
    )
    zone = event.timezone
    header = [
        _("Number"),
        _("Status"),
        _("Category"),
        _("First name"),
        _("Last name"),
        _("E-mail"),
        _("Organisation"),
        _("Job title"),
        _("Country"),
        _("Language"),
        _("Source"),
        _("Registered at (%(zone)s)", zone=zone),
        _("Confirmed at (%(zone)s)", zone=zone),
        _("Cancelled at (%(zone)s)", zone=zone),
        _("First entry (%(zone)s)", zone=zone),
        _("Badge version"),
    ]
    labels = status_labels()
    statement = (
        query.add_columns(first_entry.c.first_at)
        .outerjoin(first_entry, first_entry.c.registration_id == Registration.id)
        .order_by(None)
        .order_by(Registration.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )

    def rows() -> Iterator[list[Any]]:
        for registration, first_at in db.session.execute(statement):
            yield [
                registration.number,
                str(labels[registration.status]),
                registration.category.name,
                registration.first_name,
                registration.last_name,
                registration.email,
                registration.organization,
                registration.job_title,
                registration.country,
                registration.language,
                registration.source,
                _local(registration.created_at, event),
                _local(registration.confirmed_at, event),
                _local(registration.cancelled_at, event),
                _local(first_at, event),
                registration.badge_version,
            ]

    return header, rows()


def checkin_export(event: Event) -> tuple[list[str], Iterator[list[Any]]]:
    from eventhub.checkin.models import Scan

    zone = event.timezone
    header = [
        _("Scanned at (%(zone)s)", zone=zone),
        _("Day"),
        _("Gate"),
        _("Result"),
        _("Number"),
        _("First name"),
        _("Last name"),
        _("E-mail"),
        _("Category"),
        _("Device"),
    ]
    statement = (
        select(Scan, Registration, AttendeeCategory.name)
        .outerjoin(Registration, Registration.id == Scan.registration_id)
        .outerjoin(AttendeeCategory, AttendeeCategory.id == Registration.category_id)
        .where(Scan.event_id == event.id)
        .order_by(Scan.scanned_at, Scan.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )

    def rows() -> Iterator[list[Any]]:
        for scan, registration, category_name in db.session.execute(statement):
            local = event.local(scan.scanned_at)
            yield [
                local.replace(tzinfo=None),
                local.date(),
                scan.gate,
                scan.result,
                registration.number if registration else "",
                registration.first_name if registration else "",
                registration.last_name if registration else "",
                registration.email if registration else "",
                category_name or "",
                scan.device,
            ]

    return header, rows()


def _send_table(
    header: list[str], rows: Iterator[list[Any]], fmt: str, filename: str, title: str
) -> Response:
    if fmt == "csv":
        response = Response(
            stream_with_context(csv_stream(header, rows)), mimetype="text/csv; charset=utf-8"
        )
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    else:
        response = send_file(
            xlsx_file(header, rows, title=title),
            mimetype=XLSX_MIMETYPE,
            as_attachment=True,
            download_name=f"{filename}.xlsx",
        )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/organiser/events/<slug>/registrations/export.<any(csv, xlsx):fmt>")
@role_required("admin")
def export_registrations(slug: str, fmt: str):
    event = event_or_404(slug, include_unpublished=True)
    _form, filters = _filters(event)
    header, rows = registration_export(event, select_registrations(event, **filters))
    record_audit(current_user, "registration.export", event.slug, format=fmt)
    db.session.commit()
    return _send_table(header, rows, fmt, f"registrations-{event.slug}", _("Registrations"))


@bp.route("/organiser/events/<slug>/checkins/export.<any(csv, xlsx):fmt>")
@role_required("admin")
def export_checkins(slug: str, fmt: str):
    event = event_or_404(slug, include_unpublished=True)
    header, rows = checkin_export(event)
    record_audit(current_user, "checkin.export", event.slug, format=fmt)
    db.session.commit()
    return _send_table(header, rows, fmt, f"checkins-{event.slug}", _("Check-ins"))
