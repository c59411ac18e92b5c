"""The organiser's plan editor: halls, booths by form, the grid generator, the spreadsheet
import, and opening a hall for self-service."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.booths.errors import BoothError
from eventhub.booths.forms import BoothForm, BoothImportForm, GridForm, HallForm
from eventhub.booths.imports import BOOTH_COLUMNS, EXAMPLE
from eventhub.booths.imports import import_booths as import_booth_rows
from eventhub.booths.labels import page_labels
from eventhub.booths.layout import (
    add_grid,
    booth_counts,
    booth_of,
    create_hall,
    delete_booth,
    delete_hall,
    event_hall,
    hall_of,
    halls_of,
    save_booth,
    set_self_service,
    update_hall,
)
from eventhub.booths.lookup import expo_or_404
from eventhub.booths.plan_drawings import colour_mode, hall_drawings
from eventhub.booths.views.blueprint import bp
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.registration.web import current_language
from eventhub.spreadsheets import SpreadsheetError
from eventhub.work.starts import IMPORT_JOB_ROWS, count_rows, start_upload_import
from eventhub.work.views import started


@bp.route("/organiser/events/<slug>/booths")
@role_required("admin")
def organiser_plan(slug: str):
    event = expo_or_404(slug, organiser=True)
    halls = halls_of(event)
    colour_by = colour_mode(request.args.get("colour"))
    return render_template(
        "booths/organiser_plan.html",
        event=event,
        halls=halls,
        counts=booth_counts(event),
        drawings=hall_drawings(
            halls,
            colour_by=colour_by,
            highlight=None,
            href_for=lambda booth: url_for("booths.edit_booth", slug=slug, booth_id=booth.id),
        ),
        colour_by=colour_by,
        action_form=EmptyForm(),
        labels=page_labels(),
    )


# --- halls -----------------------------------------------------------------------------------


@bp.route("/organiser/events/<slug>/halls/new", methods=["GET", "POST"])
@role_required("admin")
def new_hall(slug: str):
    event = expo_or_404(slug, organiser=True)
    form = HallForm(event)
    if form.validate_on_submit():
        try:
            hall = create_hall(event, form.details())
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "hall.create", f"{slug}/{hall.name}")
            db.session.commit()
            flash(_("Hall added. Now add its booths."), "success")
            return redirect(url_for("booths.grid", slug=slug, hall=hall.id))
    return render_template("booths/hall_form.html", event=event, form=form, hall=None), form_status(
        form
    )


@bp.route("/organiser/events/<slug>/halls/<id:hall_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_hall(slug: str, hall_id: int):
    event = expo_or_404(slug, organiser=True)
    hall = hall_of(event, hall_id) or abort(404)
    form = HallForm(event, obj=hall)
    if request.method == "GET":
        form.zone_id.data = hall.zone_id or 0
    if form.validate_on_submit():
        try:
            update_hall(hall, form.details())
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "hall.update", f"{slug}/{hall.name}")
            db.session.commit()
            flash(_("Hall saved."), "success")
            return redirect(url_for("booths.organiser_plan", slug=slug))
    return render_template(
        "booths/hall_form.html", event=event, form=form, hall=hall, delete_form=EmptyForm()
    ), form_status(form)


@bp.route("/organiser/events/<slug>/halls/<id:hall_id>/delete", methods=["POST"])
@role_required("admin")
def remove_hall(slug: str, hall_id: int):
    event = expo_or_404(slug, organiser=True)
    hall = hall_of(event, hall_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = hall.name
    try:
        delete_hall(hall)
    except BoothError as error:
        db.session.rollback()
        show_error(None, error)
        return redirect(url_for("booths.edit_hall", slug=slug, hall_id=hall_id))
    record_audit(current_user, "hall.delete", f"{slug}/{name}")
    db.session.commit()
    flash(_("Hall deleted."), "success")
    return redirect(url_for("booths.organiser_plan", slug=slug))


@bp.route("/organiser/events/<slug>/halls/<id:hall_id>/self-service", methods=["POST"])
@role_required("admin")
def hall_self_service(slug: str, hall_id: int):
    event = expo_or_404(slug, organiser=True)
    hall = hall_of(event, hall_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    is_open = request.form.get("open") == "1"
    set_self_service(hall, is_open)
    record_audit(current_user, "hall.self_service", f"{slug}/{hall.name}", open=is_open)
    db.session.commit()
    if is_open:
        flash(
            _(
                "%(hall)s is open: approved startups now choose their booth there.",
                hall=hall.localized("name"),
            ),
            "success",
        )
    else:
        flash(
            _(
                "%(hall)s is closed for choosing: the allocation covers it again.",
                hall=hall.localized("name"),
            ),
            "success",
        )
    return redirect(url_for("booths.organiser_plan", slug=slug))


# --- booths ----------------------------------------------------------------------------------


@bp.route("/organiser/events/<slug>/booths/new", methods=["GET", "POST"])
@role_required("admin")
def new_booth(slug: str):
    event = expo_or_404(slug, organiser=True)
    halls = halls_of(event)
    if not halls:
        flash(_("Add a hall first."), "info")
        return redirect(url_for("booths.new_hall", slug=slug))
    form = BoothForm(halls)
    if request.method == "GET" and request.args.get("hall", type=int):
        form.hall_id.data = request.args.get("hall", type=int)
    if form.validate_on_submit():
        try:
            booth = save_booth(event, form.details())
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "booth.create", f"{slug}/{booth.code}")
            db.session.commit()
            flash(_("Booth %(code)s added.", code=booth.code), "success")
            return redirect(url_for("booths.new_booth", slug=slug, hall=booth.hall_id))
    return render_template(
        "booths/booth_form.html", event=event, form=form, booth=None
    ), form_status(form)


@bp.route("/organiser/events/<slug>/booths/<id:booth_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_booth(slug: str, booth_id: int):
    event = expo_or_404(slug, organiser=True)
    booth = booth_of(event, booth_id) or abort(404)
    form = BoothForm(halls_of(event), obj=booth, allocated=booth.status == "allocated")
    if request.method == "GET":
        form.zone.data = booth.zone or ""
    if form.validate_on_submit():
        try:
            save_booth(event, form.details(), booth)
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "booth.update", f"{slug}/{booth.code}")
            db.session.commit()
            flash(_("Booth %(code)s saved.", code=booth.code), "success")
            return redirect(url_for("booths.organiser_plan", slug=slug))
    return render_template(
        "booths/booth_form.html",
        event=event,
        form=form,
        booth=booth,
        action_form=EmptyForm(),
        labels=page_labels(),
    ), form_status(form)


@bp.route("/organiser/events/<slug>/booths/<id:booth_id>/delete", methods=["POST"])
@role_required("admin")
def remove_booth(slug: str, booth_id: int):
    event = expo_or_404(slug, organiser=True)
    booth = booth_of(event, booth_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    code = booth.code
    try:
        delete_booth(booth)
    except BoothError as error:
        db.session.rollback()
        show_error(None, error)
        return redirect(url_for("booths.edit_booth", slug=slug, booth_id=booth_id))
    record_audit(current_user, "booth.delete", f"{slug}/{code}")
    db.session.commit()
    flash(_("Booth %(code)s deleted.", code=code), "success")
    return redirect(url_for("booths.organiser_plan", slug=slug))


@bp.route("/organiser/events/<slug>/booths/grid", methods=["GET", "POST"])
@role_required("admin")
def grid(slug: str):
    event = expo_or_404(slug, organiser=True)
    halls = halls_of(event)
    if not halls:
        flash(_("Add a hall first."), "info")
        return redirect(url_for("booths.new_hall", slug=slug))
    form = GridForm(halls)
    if request.method == "GET" and request.args.get("hall", type=int):
        form.hall_id.data = request.args.get("hall", type=int)
    if form.validate_on_submit():
        try:
            hall = event_hall(event, form.hall_id.data)
            booths = add_grid(event, hall, form.spec())
        except BoothError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            first, last = booths[0].code, booths[-1].code
            record_audit(
                current_user,
                "booth.grid",
                f"{slug}/{hall.name}",
                count=len(booths),
                first=first,
                last=last,
            )
            db.session.commit()
            flash(
                _(
                    "%(count)d booths added to %(hall)s (%(first)s to %(last)s).",
                    count=len(booths),
                    hall=hall.localized("name"),
                    first=first,
                    last=last,
                ),
                "success",
            )
            return redirect(url_for("booths.organiser_plan", slug=slug, _anchor=f"hall-{hall.id}"))
    return render_template("booths/grid_form.html", event=event, form=form), form_status(form)


@bp.route("/organiser/events/<slug>/booths/import", methods=["GET", "POST"])
@role_required("admin")
def import_booths(slug: str):
    event = expo_or_404(slug, organiser=True)
    form = BoothImportForm()
    report = None
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            rows = count_rows(data, BOOTH_COLUMNS)
            if rows > IMPORT_JOB_ROWS and not form.check_only.data:
                # A large file is saved by a job (the check only stays in the request).
                job = start_upload_import(
                    "booth_import",
                    event,
                    data,
                    user_id=current_user.id,
                    language=current_language(),
                    rows=rows,
                )
                record_audit(current_user, "booth.import", slug, rows=rows, job=job.id)
                return started(job)
            report = import_booth_rows(event, data, check_only=form.check_only.data)
        except (BoothError, SpreadsheetError) as error:
            db.session.rollback()
            show_error(form, error)
        else:
            if report.saved:
                record_audit(
                    current_user,
                    "booth.import",
                    slug,
                    added=report.accepted_count,
                    rejected=len(report.rejected),
                )
                db.session.commit()
    return render_template(
        "booths/import.html", event=event, form=form, report=report, example=EXAMPLE
    ), form_status(form)
