"""Table check-in pages.

- organiser: the tables' QR codes (print the cards, reissue a code), the no-show delay,
  and the live meetings board;
- startup or investor, on a phone: the page a table's QR code opens, "I'm here";
- staff at a table: scan or type the badges of both parties;
- startup: take a slot a no-show left (from its agenda or requests page).

Views are thin: they load, validate, call checkin.py or standby.py, commit once.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.deals.tables import checkin as logic
from eventhub.deals.tables.cards import TableCard, render_cards
from eventhub.deals.tables.checkin import TableError
from eventhub.deals.tables.forms import BadgeForm, NoShowForm
from eventhub.deals.tables.live import STATES, board_day, live_board
from eventhub.deals.tables.standby import take_freed_slot
from eventhub.events.lookup import event_or_404
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.meetings.agenda import local_day
from eventhub.meetings.booking import party_of
from eventhub.meetings.mail import notify_booked
from eventhub.meetings.slots import find_table, tables_of
from eventhub.models_common import utcnow
from eventhub.responses import private
from eventhub.routing import public_url

bp = Blueprint("tables", __name__)


def scan_url(event: Event, code: str) -> str:
    """The absolute address a table's QR code holds (on PUBLIC_BASE_URL, never the Host)."""
    return public_url("tables.scan", slug=event.slug, code=code)


def _table_or_404(event: Event, table_id: int):
    table = find_table(event, table_id)
    if table is None:
        abort(404)
    return table


# Organiser -------------------------------------------------------------------------------


def _organiser_page(event: Event, form: NoShowForm):
    return render_template(
        "deals/tables/organiser.html",
        event=event,
        form=form,
        tables=tables_of(event),
        action_form=EmptyForm(),
    )


@bp.route("/organiser/events/<slug>/tables", methods=["GET", "POST"])
@role_required("admin")
def organiser(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    form = NoShowForm(data={"no_show_minutes": logic.no_show_minutes(event)})
    if request.method == "POST":
        form = NoShowForm()
        if form.validate_on_submit():
            try:
                logic.save_no_show_minutes(event, form.no_show_minutes.data)
            except TableError as error:
                db.session.rollback()
                show_error(form, error)
                return _organiser_page(event, form), error.status
            record_audit(current_user, "tables.settings", event.slug)
            db.session.commit()
            flash(_("Table check-in settings saved."), "success")
            return redirect(url_for("tables.organiser", slug=slug))
    return _organiser_page(event, form), form_status(form)


@bp.route("/organiser/events/<slug>/tables/cards.pdf")
@role_required("admin")
def cards(slug: str):
    """The table cards to print: one per table (or `?table=<id>`), four to an A4 page."""
    event = event_or_404(slug, include_unpublished=True)
    tables = tables_of(event)
    wanted = request.args.get("table", type=int)
    if request.args.get("table") is not None:
        tables = [table for table in tables if table.id == wanted]
        if not tables:
            abort(404)
    instruction = _("Scan with your phone when you arrive at the table")
    footer = _("Startup team member or investor: sign in to EventHub, then scan.")
    pdf = render_cards(
        [
            TableCard(
                table.name,
                event.localized("name"),
                scan_url(event, logic.code_for(table)),
                instruction,
                footer,
            )
            for table in tables
        ],
        title=_("Table cards · %(event)s", event=event.localized("name")),
    )
    db.session.commit()  # the codes issued on first print
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="tables-{event.slug}.pdf"'
    return private(response)


@bp.route("/organiser/events/<slug>/tables/<id:table_id>/reissue", methods=["POST"])
@role_required("admin")
def reissue(slug: str, table_id: int):
    event = event_or_404(slug, include_unpublished=True)
    table = _table_or_404(event, table_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    logic.reissue_code(table)
    record_audit(current_user, "tables.reissue", f"{event.slug}/{table.name}")
    db.session.commit()
    flash(_("Table %(name)s has a new code: print its card again.", name=table.name), "success")
    return redirect(url_for("tables.organiser", slug=slug))


@bp.route("/organiser/events/<slug>/tables/live")
@role_required("admin")
def live(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    now = utcnow()
    logic.sweep_no_shows(event, now)
    db.session.commit()
    day = board_day(event, request.args.get("day"), now)
    times, counts = live_board(event, day, now)
    return render_template(
        "deals/tables/live.html",
        event=event,
        day=day,
        days=event.days,
        times=times,
        counts=counts,
        states=STATES,
        now=now,
    )


# A party's phone ---------------------------------------------------------------------------


def _scan_page(event, table, found, *, arrival=None, error=None, status=200):
    meeting = found.meeting if found is not None else None
    party = party_of(meeting, current_user) if meeting is not None else None
    checkin = logic.checkin_of(meeting) if meeting is not None else None
    page = render_template(
        "deals/tables/scan.html",
        event=event,
        table=table,
        meeting=meeting,
        party=party,
        checkin=checkin,
        arrival=arrival,
        error=error,
        form=EmptyForm(),
    )
    return private((page, status))


@bp.route("/events/<slug>/table/<code>", methods=["GET", "POST"])
@role_required("startup", "investor")
def scan(slug: str, code: str):
    """What a table's QR code opens: the caller's meeting at the table, and "I'm here"."""
    event = event_or_404(slug)
    table = logic.table_of_code(code)
    if table is None:
        error = TableError(
            _("This table code is not valid (the card may have been reprinted)."), "code_unknown"
        )
        return _scan_page(event, None, None, error=error, status=404)
    now = utcnow()
    if table.event_id != event.id:
        error = TableError(_("This table belongs to another event."), "wrong_event")
        return _scan_page(event, table, None, error=error, status=409)
    found = logic.at_table(table, now, current_user)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        try:
            arrival = logic.scan_as_party(event, table, current_user, now=now)
        except TableError as error:
            db.session.rollback()
            return _scan_page(event, table, found, error=error, status=error.status)
        db.session.commit()
        return _scan_page(event, table, found, arrival=arrival)
    error = None
    status = 200
    if found.meeting is None:
        error = logic.refusal_at(found)
        status = error.status
    elif party_of(found.meeting, current_user) not in ("startup", "investor"):
        error = TableError(_("The meeting at this table now is not yours."), "not_party")
        status = error.status
    return _scan_page(event, table, found, error=error, status=status)


# Staff at a table ------------------------------------------------------------------------


@bp.route("/staff/events/<slug>/tables")
@role_required("staff", "admin")
def staff_tables(slug: str):
    event = event_or_404(slug)
    return render_template("deals/tables/staff_tables.html", event=event, tables=tables_of(event))


@bp.route("/staff/events/<slug>/tables/<id:table_id>", methods=["GET", "POST"])
@role_required("staff", "admin")
def staff_table(slug: str, table_id: int):
    event = event_or_404(slug)
    table = _table_or_404(event, table_id)
    now = utcnow()
    form = BadgeForm()
    arrival = None
    status = 200
    if form.validate_on_submit():
        try:
            arrival = logic.scan_badge(event, table, form.code.data, now=now)
        except TableError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            db.session.commit()
            form = BadgeForm(formdata=None)
    elif request.method == "POST":
        status = form_status(form)
        if set(form.errors) - {"code"}:
            abort(400)
    found = logic.at_table(table, now)
    meeting = found.meeting
    return render_template(
        "deals/tables/staff_table.html",
        event=event,
        table=table,
        found=found,
        meeting=meeting,
        checkin=logic.checkin_of(meeting) if meeting is not None else None,
        arrival=arrival,
        form=form,
    ), status


# Standby ---------------------------------------------------------------------------------


@bp.route("/events/<slug>/standby/<id:meeting_id>/take", methods=["POST"])
@role_required("startup")
def take(slug: str, meeting_id: int):
    """A standby startup takes the slot meeting `meeting_id`'s no-show left."""
    event = event_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        meeting = take_freed_slot(event, meeting_id, current_user.startup, by_user=current_user)
    except TableError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("meetings.agenda", slug=slug))
    record_audit(current_user, "tables.standby_take", f"{event.slug}/{meeting.id}")
    notify_booked(meeting)
    db.session.commit()
    flash(_("The slot is yours: go to table %(table)s now.", table=meeting.table_name), "success")
    return redirect(url_for("meetings.agenda", slug=slug, day=local_day(meeting).isoformat()))
