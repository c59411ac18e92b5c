"""The organiser's pages: the rules of an event's meetings and its tables, slots for any
investor, the scheduler's dry run and saving it, the report."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.events.lookup import event_or_404
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.listing import list_args
from eventhub.meetings.directory import all_investors, event_investors, investor_directory
from eventhub.meetings.forms import OrganiserSlotForm, ScheduleForm, SettingsForm, TableForm
from eventhub.meetings.mail import notify_scheduled
from eventhub.meetings.report import meeting_counts, meeting_report
from eventhub.meetings.schedule_plan import commit_schedule, plan_schedule, reason_labels
from eventhub.meetings.slot_board import GRID_BY, SlotFilters, slot_grid, slot_page
from eventhub.meetings.slot_board import SORTS as SLOT_SORTS
from eventhub.meetings.slots import (
    MeetingError,
    add_table,
    delete_table,
    find_table,
    open_slots,
    save_settings,
    settings_of,
    tables_of,
)
from eventhub.meetings.views.blueprint import bp
from eventhub.meetings.views.common import day_choices, slot_state_labels, table_choices


def _organiser_page(event: Event, form: SettingsForm, table_form: TableForm) -> str:
    return render_template(
        "meetings/organiser.html",
        event=event,
        form=form,
        table_form=table_form,
        tables=tables_of(event),
        delete_form=EmptyForm(),
        counts=meeting_counts(event),
        directory=investor_directory(event),
    )


@bp.route("/organiser/events/<slug>/meetings", methods=["GET", "POST"])
@role_required("admin")
def organiser(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    form = SettingsForm(obj=settings_of(event) if request.method == "GET" else None)
    if form.validate_on_submit():
        save_settings(event, form.details())
        record_audit(current_user, "meetings.settings", event.slug)
        db.session.commit()
        flash(_("Meeting settings saved."), "success")
        return redirect(url_for("meetings.organiser", slug=slug))
    return _organiser_page(event, form, TableForm(formdata=None)), form_status(form)


@bp.route("/organiser/events/<slug>/meetings/tables", methods=["POST"])
@role_required("admin")
def add_meeting_table(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    table_form = TableForm()
    status = None
    if table_form.validate_on_submit():
        try:
            add_table(event, table_form.name.data)
        except MeetingError as error:
            db.session.rollback()
            show_error(table_form, error)
            status = error.status
        else:
            db.session.commit()
            flash(_("Table added."), "success")
            return redirect(url_for("meetings.organiser", slug=slug))
    form = SettingsForm(formdata=None, obj=settings_of(event))
    return _organiser_page(event, form, table_form), status or form_status(table_form)


@bp.route("/organiser/events/<slug>/meetings/tables/<id:table_id>/delete", methods=["POST"])
@role_required("admin")
def delete_meeting_table(slug: str, table_id: int):
    event = event_or_404(slug, include_unpublished=True)
    table = find_table(event, table_id)
    if table is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    delete_table(table)
    db.session.commit()
    flash(_("Table deleted; its slots keep their times."), "success")
    return redirect(url_for("meetings.organiser", slug=slug))


@bp.route("/organiser/events/<slug>/meetings/slots", methods=["GET", "POST"])
@role_required("admin")
def organiser_slots(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    investors = {investor.id: investor for investor in all_investors()}
    form = OrganiserSlotForm()
    form.days.choices = day_choices(event)
    form.table_id.choices = table_choices(event)
    form.investor_id.choices = [(i.id, f"{i.fund} · {i.name}") for i in investors.values()]
    status = None
    if form.validate_on_submit():
        investor = investors[form.investor_id.data]
        try:
            opened = open_slots(event, investor, form.plan())
        except MeetingError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            record_audit(
                current_user, "slots.open", f"{event.slug}/{investor.id}", count=len(opened)
            )
            db.session.commit()
            flash(
                _("%(count)s slots opened for %(fund)s.", count=len(opened), fund=investor.fund),
                "success",
            )
            return redirect(url_for("meetings.organiser_slots", slug=slug))
    return render_template(
        "meetings/organiser_slots.html",
        event=event,
        form=form,
        delete_form=EmptyForm(),
        **_slot_board(event),
    ), status or form_status(form)


def _slot_board(event: Event) -> dict:
    """The slot list or grid as the address asks (filters, sort, page, `view`, `by`)."""
    at_event = event_investors(event)
    tables = tables_of(event)
    filters = SlotFilters.of(
        request.args, event.days, {i.id for i in at_event}, {t.id for t in tables}
    )
    view = "grid" if request.args.get("view") == "grid" else "list"
    by = request.args.get("by") if request.args.get("by") in GRID_BY else GRID_BY[0]
    board: dict = {
        "filters": filters,
        "view": view,
        "by": by,
        "filter_investors": at_event,
        "filter_tables": tables,
        "states": slot_state_labels(),
    }
    if view == "grid":
        if filters.day is None and event.days:
            filters = replace(filters, day=event.days[0])
            board["filters"] = filters
        board["grid"] = slot_grid(event, filters, by)
    else:
        args = list_args(request.args, sorts=SLOT_SORTS, default_sort="time")
        board["args"] = args
        board["page"] = slot_page(event, filters, args)
    return board


@bp.route("/organiser/events/<slug>/meetings/schedule", methods=["GET", "POST"])
@role_required("admin")
def schedule_page(slug: str):
    """GET: the dry run. POST: save the plan reviewed on it, or refuse if it has changed."""
    event = event_or_404(slug, include_unpublished=True)
    form = ScheduleForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            plan = commit_schedule(event, current_user, reviewed=form.plan.data)
        except MeetingError as error:
            db.session.rollback()
            show_error(None, error)  # shown on the new dry run
        else:
            notify_scheduled(plan)
            db.session.commit()
            flash(
                _(
                    "%(placed)s meetings saved; %(unplaced)s requests not placed.",
                    placed=len(plan.placed),
                    unplaced=len(plan.unplaced),
                ),
                "success",
            )
        return redirect(url_for("meetings.schedule_page", slug=slug))
    try:
        plan = plan_schedule(event)
    except MeetingError as error:
        show_error(None, error)
        plan = None
    return render_template(
        "meetings/schedule.html", event=event, plan=plan, form=form, reasons=reason_labels()
    )


@bp.route("/organiser/events/<slug>/meetings/report")
@role_required("admin")
def report(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    report = meeting_report(event)
    return render_template(
        "meetings/report.html",
        event=event,
        investors=report.investors,
        startups=report.startups,
        totals=report.totals,
    )
