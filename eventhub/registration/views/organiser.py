"""The organiser's registration pages: the list with its search and filters, the actions on
one registration (cancel, reinstate, change category, new badge), the guest import and the
exports of registrations and check-ins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
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
from flask_wtf import FlaskForm

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.events.lookup import event_or_404
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.listing import list_args, page_of
from eventhub.privacy.access_log import log_personal_data_access
from eventhub.registration.exports import checkin_export, registration_export
from eventhub.registration.forms import (
    ChangeCategoryForm,
    ImportForm,
    OrganiserFilterForm,
    category_by_choice,
    status_labels,
)
from eventhub.registration.imports import import_guests
from eventhub.registration.lookup import event_registration_or_404
from eventhub.registration.mail import notify_badge_reissued, notify_statuses
from eventhub.registration.models import REGISTRATION_STATUSES, Registration
from eventhub.registration.queries import (
    REGISTRATION_SORTS,
    ListFilters,
    select_registrations,
    status_counts,
)
from eventhub.registration.register import (
    RegistrationError,
    cancel,
    change_category,
    reinstate,
    reissue_badge,
)
from eventhub.registration.views.blueprint import bp
from eventhub.registration.web import current_language
from eventhub.responses import table_download
from eventhub.routing import is_safe_redirect
from eventhub.spreadsheets import SpreadsheetError
from eventhub.undo import flash_with_undo
from eventhub.work.starts import (
    EXPORT_IMMEDIATE_ROWS,
    IMPORT_JOB_ROWS,
    count_guest_rows,
    export_rows,
    start_export,
    start_upload_import,
)
from eventhub.work.views import started

LIST_ROUTE = "/organiser/events/<slug>/registrations"
ACTION_ROUTE = LIST_ROUTE + "/<id:registration_id>/"


def _filters(event: Event) -> tuple[OrganiserFilterForm, ListFilters]:
    """The list's search box and filters, read from the address; a bad value is no filter."""
    form = OrganiserFilterForm(event, formdata=request.args)
    form.validate()
    status = form.status.data if form.status.data in REGISTRATION_STATUSES else None
    category = category_by_choice(event, form.category.data) if form.category.data else None
    q = "" if form.q.errors else form.q.data or ""
    return form, ListFilters(q=q, status=status, category=category)


@bp.route(LIST_ROUTE)
@role_required("admin")
def organiser_list(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    filter_form, filters = _filters(event)
    args = list_args(
        request.args, sorts=REGISTRATION_SORTS, default_sort="registered", default_descending=True
    )
    page = page_of(select_registrations(event, filters), args, Registration.id.desc())
    return render_template(
        "registration/organiser_list.html",
        event=event,
        page=page,
        args=args,
        filter_form=filter_form,
        query_args=filters.query_args(),
        counts=status_counts(event),
        action_form=EmptyForm(),
        status_labels=status_labels(),
        current_list=request.full_path.rstrip("?"),
    )


# --- Actions on one registration -----------------------------------------------------------

# An action changes a registration and returns who is to be told of their new status (the
# registration first, then anyone offered a place freed) and the message for the organiser.
Change = Callable[[Registration, Any], tuple[list[Registration], str]]


def _cancelled(registration: Registration, _form: Any) -> tuple[list[Registration], str]:
    offered = cancel(registration)
    return [registration, *offered], _(
        "Registration of %(name)s cancelled.", name=registration.full_name
    )


def _reinstated(registration: Registration, _form: Any) -> tuple[list[Registration], str]:
    reinstate(registration)
    return [registration], _(
        "Registration of %(name)s reinstated (%(status)s).",
        name=registration.full_name,
        status=status_labels()[registration.status],
    )


def _moved(registration: Registration, form: Any) -> tuple[list[Registration], str]:
    old = registration.category.name
    offered = change_category(registration, form.chosen_category)
    return [registration, *offered], _(
        "%(name)s moved from %(old)s to %(new)s.",
        name=registration.full_name,
        old=old,
        new=form.chosen_category.name,
    )


def _badge_reissued(registration: Registration, _form: Any) -> tuple[list[Registration], str]:
    reissue_badge(registration)
    notify_badge_reissued(registration)  # its status did not change: a message of its own
    return [], _(
        "New badge issued for %(name)s; the previous one no longer opens the doors.",
        name=registration.full_name,
    )


def _back_to_list(slug: str) -> Response:
    """To the list the organiser acted from (with its filters), or to the plain list."""
    target = request.form.get("next")
    list_url = url_for("registration.organiser_list", slug=slug)
    if is_safe_redirect(target) and target.startswith(list_url):
        return redirect(target)
    return redirect(list_url)


def _organiser_action(
    slug: str,
    registration_id: int,
    action: str,
    change: Change,
    make_form: Callable[[Event], FlaskForm] = lambda _event: EmptyForm(),
) -> Response:
    event = event_or_404(slug, include_unpublished=True)
    registration = event_registration_or_404(event, registration_id)
    form = make_form(event)
    if not form.validate_on_submit():
        category_errors = form.errors.get("category")
        if "csrf_token" in form.errors or not category_errors:
            abort(400)
        flash(str(category_errors[0]), "error")
        return _back_to_list(slug)
    try:
        to_notify, message = change(registration, form)
    except RegistrationError as error:
        db.session.rollback()
        show_error(None, error)
        return _back_to_list(slug)
    record_audit(
        current_user,
        action,
        f"{event.slug}/{registration.number}",
        email=registration.email,
        status=registration.status,
        category=registration.category.name,
        offered=[offered.number for offered in to_notify[1:]],
    )
    notify_statuses(to_notify)
    db.session.commit()
    if action == "registration.cancel":  # cheap to reverse: the message offers it
        flash_with_undo(
            message,
            _("Reinstate"),
            "registration.organiser_reinstate",
            fields={"next": request.form.get("next", "")},
            slug=event.slug,
            registration_id=registration.id,
        )
    else:
        flash(message, "success")
    return _back_to_list(slug)


@bp.route(ACTION_ROUTE + "cancel", methods=["POST"])
@role_required("admin")
def organiser_cancel(slug: str, registration_id: int):
    return _organiser_action(slug, registration_id, "registration.cancel", _cancelled)


@bp.route(ACTION_ROUTE + "reinstate", methods=["POST"])
@role_required("admin")
def organiser_reinstate(slug: str, registration_id: int):
    return _organiser_action(slug, registration_id, "registration.reinstate", _reinstated)


@bp.route(ACTION_ROUTE + "category", methods=["POST"])
@role_required("admin")
def organiser_change_category(slug: str, registration_id: int):
    return _organiser_action(
        slug, registration_id, "registration.category", _moved, ChangeCategoryForm
    )


@bp.route(ACTION_ROUTE + "reissue-badge", methods=["POST"])
@role_required("admin")
def organiser_reissue_badge(slug: str, registration_id: int):
    return _organiser_action(slug, registration_id, "registration.reissue_badge", _badge_reissued)


# --- Import and exports ------------------------------------------------------------------


@bp.route(LIST_ROUTE + "/import", methods=["GET", "POST"])
@role_required("admin")
def organiser_import(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    form = ImportForm(event)
    report = None
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            rows = count_guest_rows(data)
            if rows > IMPORT_JOB_ROWS:  # a large file: saved by a job, which reports on it
                return _import_as_job(event, form, data, rows)
            report = import_guests(
                event,
                data,
                default_category=form.chosen_category,
                language=current_language(),
            )
        except SpreadsheetError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(
                current_user,
                "registration.import",
                event.slug,
                accepted=len(report.registered),
                rejected=len(report.rejected),
            )
            if form.send_emails.data:
                notify_statuses(report.registered)
            db.session.commit()
    page = render_template("registration/import.html", event=event, form=form, report=report)
    return page, form_status(form)


def _import_as_job(event: Event, form: ImportForm, data: bytes, rows: int) -> Response:
    job = start_upload_import(
        "registration_import",
        event,
        data,
        user_id=current_user.id,
        language=current_language(),
        rows=rows,
        params={
            "category_id": form.chosen_category.id,
            "guest_language": current_language(),
            "send_emails": bool(form.send_emails.data),
        },
    )
    record_audit(current_user, "registration.import", event.slug, rows=rows, job=job.id)
    return started(job)


@bp.route(LIST_ROUTE + "/export.<any(csv, xlsx):fmt>", methods=["GET", "POST"])
@role_required("admin")
def export_registrations(slug: str, fmt: str):
    event = event_or_404(slug, include_unpublished=True)
    _form, filters = _filters(event)
    return _export(event, "registrations", fmt, filters)


@bp.route("/organiser/events/<slug>/checkins/export.<any(csv, xlsx):fmt>", methods=["GET", "POST"])
@role_required("admin")
def export_checkins(slug: str, fmt: str):
    event = event_or_404(slug, include_unpublished=True)
    return _export(event, "checkins", fmt, None)


def _export(event: Event, table: str, fmt: str, filters: ListFilters | None) -> Any:
    """A small export is sent at once; a larger one (EXPORT_IMMEDIATE_ROWS) is made by a job,
    started by POST (a GET shows what it would be, with the button that starts it)."""
    if request.method == "POST" and not EmptyForm().validate_on_submit():
        abort(400)
    rows = export_rows(event, table, filters)
    if rows > EXPORT_IMMEDIATE_ROWS:
        if request.method == "GET":
            page = render_template(
                "work/start_export.html", event=event, rows=rows, fmt=fmt, table=table
            )
            return page
        job = start_export(
            event,
            table,
            fmt,
            filters,
            user_id=current_user.id,
            language=current_language(),
            total=rows,
        )
        log_personal_data_access(
            current_user, "export", event, what=table, rows=rows, format=fmt, job=job.id
        )
        return started(job)
    if table == "registrations":
        export = registration_export(event, select_registrations(event, filters))
    else:
        export = checkin_export(event)
    log_personal_data_access(current_user, "export", event, what=table, rows=rows, format=fmt)
    db.session.commit()
    return table_download(export, fmt)
