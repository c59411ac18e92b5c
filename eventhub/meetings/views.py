"""Meeting pages: slots, the investor directory, booking, requests, agendas, calendars,
and the organiser's settings, scheduler and report. Views validate, call the logic,
commit once, flash and redirect."""

from __future__ import annotations

from datetime import date, datetime

from flask import (
    Blueprint,
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
from sqlalchemy import func, select

from eventhub.auth.access import login_required, role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.events.editing import to_local_naive
from eventhub.events.lookup import event_or_404
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.forms_common import show_error
from eventhub.meetings import agenda as agendas
from eventhub.meetings import calendar as calendars
from eventhub.meetings.availability import (
    grid_periods,
    set_investor_unavailability,
    set_startup_unavailability,
    startup_unavailable,
)
from eventhub.meetings.booking import (
    book_slot,
    cancel_meeting,
    cutoff_of,
    decline_meeting,
    find_meeting,
    meeting_in_slot,
    party_of,
    record_outcome,
)
from eventhub.meetings.directory import DirectoryFilters, investor_directory, is_event_investor
from eventhub.meetings.forms import (
    AnswerForm,
    AvailabilityForm,
    BookingForm,
    DeclineForm,
    DirectoryFilterForm,
    OrganiserSlotForm,
    OutcomeForm,
    RequestForm,
    SettingsForm,
    SlotBulkForm,
    SlotEditForm,
    TableForm,
)
from eventhub.meetings.models import Meeting, MeetingRequest, MeetingSlot, MeetingTable
from eventhub.meetings.report import meeting_report
from eventhub.meetings.requests import (
    answer_request,
    request_for,
    requests_of_startup,
    requests_to_investor,
    send_request,
    withdraw_request,
)
from eventhub.meetings.schedule_plan import commit_schedule, plan_schedule, reason_labels
from eventhub.meetings.slots import (
    MeetingError,
    SettingsDetails,
    SlotPlan,
    add_table,
    delete_slot,
    find_slot,
    open_slots,
    parse_breaks,
    save_settings,
    settings_of,
    slot_status,
    slots_of_event,
    tables_of,
    update_slot,
)
from eventhub.models_common import utcnow
from eventhub.profiles.models import Investor
from eventhub.routing import public_url
from eventhub.templating import day_label

bp = Blueprint("meetings", __name__)


def _startup():
    startup = current_user.startup
    if startup is None:
        abort(403)
    return startup


def _investor() -> Investor:
    investor = current_user.investor
    if investor is None:
        abort(403)
    return investor


def _event_investor(event: Event, investor_id: int) -> Investor:
    investor = db.session.get(Investor, investor_id)
    if investor is None or not is_event_investor(event, investor):
        abort(404)
    return investor


def _day_choices(event: Event) -> list[tuple[str, str]]:
    return [(day.isoformat(), day_label(day)) for day in event.days]


def _table_choices(event: Event) -> list[tuple[int, str]]:
    return [(0, _("No table")), *[(table.id, table.name) for table in tables_of(event)]]


def _own_meeting(meeting_id: int) -> tuple[Meeting, str]:
    meeting = find_meeting(meeting_id)
    party = party_of(meeting, current_user) if meeting is not None else None
    if meeting is None or party is None:
        abort(404)
    return meeting, party


def _agenda_redirect(meeting: Meeting, party: str):
    if party == "organiser":
        return redirect(url_for("meetings.report", slug=meeting.event.slug))
    return redirect(url_for("meetings.agenda", slug=meeting.event.slug, day=_day_of(meeting)))


def _day_of(meeting: Meeting) -> str:
    return agendas.local_day(meeting).isoformat()


# Directory and booking -------------------------------------------------------------------


@bp.route("/events/<slug>/investors")
@login_required
def directory(slug: str):
    event = event_or_404(slug)
    form = DirectoryFilterForm(request.args)
    form.validate()

    def valid(field):  # a bad filter is shown as such and left out, the others apply
        return None if field.errors else field.data

    filters = DirectoryFilters(
        sector=valid(form.sector) or "",
        stage=valid(form.stage) or "",
        ticket_eur=valid(form.ticket),
        text=valid(form.q) or "",
    )
    entries = investor_directory(event, filters)
    return render_template(
        "meetings/directory.html",
        event=event,
        form=form,
        entries=entries,
        settings=settings_of(event),
    )


@bp.route("/events/<slug>/investors/<id:investor_id>", methods=["GET", "POST"])
@login_required
def investor(slug: str, investor_id: int):
    event = event_or_404(slug)
    investor = _event_investor(event, investor_id)
    settings = settings_of(event)
    form = RequestForm()
    status = 200
    startup = current_user.startup if current_user.role == "startup" else None
    if request.method == "POST":
        if startup is None:
            abort(403)
        if form.validate_on_submit():
            try:
                send_request(event, startup, investor, form.pitch.data, by_user=current_user)
            except MeetingError as error:
                db.session.rollback()
                show_error(form, error)
            else:
                db.session.commit()
                flash(_("Request sent to %(fund)s.", fund=investor.fund), "success")
                return redirect(url_for("meetings.investor", slug=slug, investor_id=investor.id))
        status = 422
    slots = [
        (slot, slot_status(slot, booked))
        for slot, booked in slots_of_event(event, investor=investor)
        if slot.status == "open"
    ]
    sent = request_for(event, startup.id, investor.id) if startup is not None else None
    return render_template(
        "meetings/investor.html",
        event=event,
        investor=investor,
        slots=slots,
        settings=settings,
        form=form,
        startup=startup,
        sent=sent,
        now=utcnow(),
    ), status


@bp.route("/events/<slug>/slots/<id:slot_id>/book", methods=["GET", "POST"])
@role_required("startup")
def book(slug: str, slot_id: int):
    event = event_or_404(slug)
    slot = find_slot(event, slot_id)
    if slot is None:
        abort(404)
    startup = _startup()
    form = BookingForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            meeting = book_slot(event, slot, startup, by_user=current_user, note=form.note.data)
        except MeetingError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            record_audit(current_user, "meeting.book", f"{event.slug}/{meeting.id}")
            db.session.commit()
            flash(_("Meeting booked with %(fund)s.", fund=slot.investor.fund), "success")
            return _agenda_redirect(meeting, "startup")
    taken = meeting_in_slot(slot) is not None
    return render_template(
        "meetings/book.html", event=event, slot=slot, form=form, taken=taken
    ), status


@bp.route("/meetings/<id:meeting_id>/cancel", methods=["POST"])
@role_required("startup", "investor", "admin")
def cancel(meeting_id: int):
    meeting, party = _own_meeting(meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        cancel_meeting(meeting, current_user)
    except MeetingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        record_audit(current_user, "meeting.cancel", f"{meeting.event.slug}/{meeting.id}")
        db.session.commit()
        flash(_("Meeting cancelled; the slot is open again."), "success")
    return _agenda_redirect(meeting, party)


@bp.route("/meetings/<id:meeting_id>/decline", methods=["GET", "POST"])
@role_required("investor")
def decline(meeting_id: int):
    meeting, party = _own_meeting(meeting_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            decline_meeting(meeting, current_user, form.reason.data)
        except MeetingError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            record_audit(current_user, "meeting.decline", f"{meeting.event.slug}/{meeting.id}")
            db.session.commit()
            flash(_("Meeting declined; the startup will see your reason."), "success")
            return _agenda_redirect(meeting, party)
    return render_template(
        "meetings/decline.html", event=meeting.event, meeting=meeting, form=form
    ), (422 if form.errors or request.method == "POST" else 200)


@bp.route("/meetings/<id:meeting_id>/outcome", methods=["GET", "POST"])
@role_required("investor")
def outcome(meeting_id: int):
    meeting, party = _own_meeting(meeting_id)
    form = OutcomeForm(obj=None if request.method == "POST" else meeting)
    if request.method == "GET":
        form.note.data = meeting.investor_note
    if form.validate_on_submit():
        try:
            record_outcome(meeting, current_user, form.outcome.data, form.note.data)
        except MeetingError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return _agenda_redirect(meeting, party)
    return render_template(
        "meetings/outcome.html", event=meeting.event, meeting=meeting, form=form
    ), (422 if form.errors or request.method == "POST" else 200)


# Requests --------------------------------------------------------------------------------


@bp.route("/events/<slug>/requests")
@role_required("startup", "investor")
def requests_page(slug: str):
    event = event_or_404(slug)
    settings = settings_of(event)
    if current_user.role == "startup":
        startup = _startup()
        sent = requests_of_startup(event, startup)
        active = sum(1 for r in sent if r.status in ("pending", "accepted"))
        return render_template(
            "meetings/requests_startup.html",
            event=event,
            settings=settings,
            requests=sent,
            remaining=max(settings.max_requests_per_startup - active, 0),
            form=EmptyForm(),
        )
    investor = _investor()
    return render_template(
        "meetings/requests_investor.html",
        event=event,
        settings=settings,
        requests=requests_to_investor(event, investor),
        form=AnswerForm(),
    )


def _own_request(request_id: int) -> MeetingRequest:
    found = db.session.get(MeetingRequest, request_id)
    if found is None:
        abort(404)
    mine = (current_user.role == "startup" and current_user.startup_id == found.startup_id) or (
        current_user.role == "investor"
        and current_user.investor is not None
        and current_user.investor.id == found.investor_id
    )
    if not mine:
        abort(404)
    return found


@bp.route("/requests/<id:request_id>/answer", methods=["POST"])
@role_required("investor")
def answer(request_id: int):
    meeting_request = _own_request(request_id)
    form = AnswerForm()
    decision = request.form.get("decision")
    if not form.validate_on_submit() or decision not in ("accept", "decline"):
        flash(_("Choose accept or decline."), "error")
    else:
        try:
            answer_request(meeting_request, current_user, decision == "accept", form.reason.data)
        except MeetingError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            if decision == "accept":
                flash(_("Request accepted: the organiser's scheduler will place it."), "success")
            else:
                flash(_("Request declined."), "success")
    return redirect(url_for("meetings.requests_page", slug=meeting_request.event.slug))


@bp.route("/requests/<id:request_id>/withdraw", methods=["POST"])
@role_required("startup")
def withdraw(request_id: int):
    meeting_request = _own_request(request_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        withdraw_request(meeting_request, current_user)
    except MeetingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Request withdrawn."), "success")
    return redirect(url_for("meetings.requests_page", slug=meeting_request.event.slug))


@bp.route("/events/<slug>/availability", methods=["GET", "POST"])
@role_required("startup", "investor")
def availability(slug: str):
    event = event_or_404(slug)
    form = AvailabilityForm()
    if current_user.role == "startup":
        startup = _startup()
        choices = [(start.isoformat(), (start, end)) for start, end in grid_periods(event)]
        current = {row.starts_at.isoformat() for row in startup_unavailable(event, startup)}
    else:
        investor = _investor()
        own = slots_of_event(event, investor=investor)
        choices = [(str(slot.id), (slot.starts_at, slot.ends_at)) for slot, _booked in own]
        current = {str(slot.id) for slot, _booked in own if slot.status == "unavailable"}
    form.unavailable.choices = [(key, key) for key, _period in choices]
    if form.validate_on_submit():
        chosen = set(form.unavailable.data or [])
        try:
            if current_user.role == "startup":
                starts = {datetime.fromisoformat(key) for key in chosen}
                set_startup_unavailability(event, startup, starts)
            else:
                set_investor_unavailability(event, investor, {int(key) for key in chosen})
        except MeetingError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Availability saved."), "success")
            return redirect(url_for("meetings.availability", slug=slug))
    elif request.method == "GET":
        form.unavailable.data = sorted(current)
    return render_template(
        "meetings/availability.html",
        event=event,
        form=form,
        periods=choices,
        chosen=set(form.unavailable.data or []),
    ), (422 if request.method == "POST" else 200)


# Slots -----------------------------------------------------------------------------------


def _slot_plan(form: SlotBulkForm) -> SlotPlan:
    return SlotPlan(
        days=[date.fromisoformat(day) for day in form.days.data],
        start=form.start.data,
        end=form.end.data,
        length_minutes=form.length_minutes.data,
        gap_minutes=form.gap_minutes.data or 0,
        breaks=parse_breaks(form.breaks.data or ""),
        table_id=form.table_id.data or None,
    )


def _open_from_form(event: Event, investor: Investor, form: SlotBulkForm) -> int | None:
    """Open the form's slots; the count, or None after showing the refusal on the form."""
    try:
        created = open_slots(event, investor, _slot_plan(form))
    except MeetingError as error:
        db.session.rollback()
        show_error(form, error)
        return None
    record_audit(current_user, "slots.open", f"{event.slug}/{investor.id}", count=len(created))
    db.session.commit()
    return len(created)


@bp.route("/events/<slug>/my-slots", methods=["GET", "POST"])
@role_required("investor")
def my_slots(slug: str):
    event = event_or_404(slug)
    investor = _investor()
    form = SlotBulkForm()
    form.days.choices = _day_choices(event)
    form.table_id.choices = _table_choices(event)
    if form.validate_on_submit():
        count = _open_from_form(event, investor, form)
        if count is not None:
            flash(_("%(count)s slots opened.", count=count), "success")
            return redirect(url_for("meetings.my_slots", slug=slug))
    slots = slots_of_event(event, investor=investor)
    meetings = {
        m.slot_id: m
        for m in db.session.scalars(
            select(Meeting).where(
                Meeting.event_id == event.id,
                Meeting.investor_id == investor.id,
                Meeting.status == "confirmed",
            )
        )
    }
    return render_template(
        "meetings/my_slots.html",
        event=event,
        form=form,
        slots=slots,
        meetings=meetings,
        delete_form=EmptyForm(),
    ), (422 if request.method == "POST" else 200)


def _editable_slot(event: Event, slot_id: int) -> MeetingSlot:
    slot = find_slot(event, slot_id)
    if slot is None:
        abort(404)
    if current_user.role != "admin" and (
        current_user.investor is None or current_user.investor.id != slot.investor_id
    ):
        abort(404)
    return slot


def _slots_redirect(event: Event):
    if current_user.role == "admin":
        return redirect(url_for("meetings.organiser_slots", slug=event.slug))
    return redirect(url_for("meetings.my_slots", slug=event.slug))


@bp.route("/events/<slug>/slots/<id:slot_id>/edit", methods=["GET", "POST"])
@role_required("investor", "admin")
def edit_slot(slug: str, slot_id: int):
    event = event_or_404(slug, include_unpublished=True)
    slot = _editable_slot(event, slot_id)
    form = SlotEditForm()
    form.day.choices = _day_choices(event)
    form.table_id.choices = _table_choices(event)
    if request.method == "GET":
        start = to_local_naive(slot.starts_at, event.timezone)
        end = to_local_naive(slot.ends_at, event.timezone)
        form.day.data = start.date().isoformat()
        form.start.data, form.end.data = start.time(), end.time()
        form.table_id.data = slot.table_id or 0
    if form.validate_on_submit():
        day = date.fromisoformat(form.day.data)
        try:
            update_slot(
                slot,
                datetime.combine(day, form.start.data),
                datetime.combine(day, form.end.data),
                form.table_id.data or None,
            )
        except MeetingError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Slot saved."), "success")
            return _slots_redirect(event)
    return render_template("meetings/slot_form.html", event=event, slot=slot, form=form), (
        422 if request.method == "POST" else 200
    )


@bp.route("/events/<slug>/slots/<id:slot_id>/delete", methods=["POST"])
@role_required("investor", "admin")
def remove_slot(slug: str, slot_id: int):
    event = event_or_404(slug, include_unpublished=True)
    slot = _editable_slot(event, slot_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        delete_slot(slot)
    except MeetingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Slot deleted."), "success")
    return _slots_redirect(event)


# Agendas and calendars -------------------------------------------------------------------


@bp.route("/my/agenda")
@role_required("startup", "investor")
def my_agenda():
    meetings = agendas.meetings_of(current_user)
    feed = calendars.feed_of(current_user)
    db.session.commit()
    upcoming = [m for m in meetings if m.ends_at >= utcnow()]
    return render_template(
        "meetings/my_agenda.html",
        events=agendas.events_of(meetings),
        meetings=upcoming,
        by_event={
            event.id: [m for m in upcoming if m.event_id == event.id]
            for event in agendas.events_of(meetings)
        },
        feed_url=public_url("meetings.feed", token=feed.token),
        reset_form=EmptyForm(),
        party=agendas.party_name(current_user),
        other_party=agendas.other_party,
    )


def _agenda_data(slug: str, *, include_called_off: bool = False):
    event = event_or_404(slug)
    meetings = agendas.meetings_of(current_user, event, include_called_off=include_called_off)
    days = agendas.by_day(meetings)
    chosen = request.args.get("day", "")
    try:
        day = date.fromisoformat(chosen) if chosen else None
    except ValueError:
        day = None
    if day not in event.days:
        day = agendas.default_day(event, meetings)
    return event, days, day


@bp.route("/events/<slug>/agenda")
@role_required("startup", "investor")
def agenda(slug: str):
    event, days, day = _agenda_data(slug, include_called_off=True)
    now, cutoff = utcnow(), cutoff_of(event)
    of_the_day = days.get(day, [])
    return render_template(
        "meetings/agenda.html",
        event=event,
        day=day,
        days=event.days,
        meetings=[m for m in of_the_day if m.status == "confirmed"],
        called_off=[m for m in of_the_day if m.status != "confirmed"],
        counts={d: sum(m.status == "confirmed" for m in ms) for d, ms in days.items()},
        party=agendas.party_name(current_user),
        other_party=agendas.other_party,
        can_change=lambda m: now < m.starts_at - cutoff,
        started=lambda m: m.starts_at <= now,
        action_form=EmptyForm(),
    )


@bp.route("/events/<slug>/agenda/print")
@role_required("startup", "investor")
def agenda_print(slug: str):
    event, days, day = _agenda_data(slug)
    if request.args.get("day") != "all":
        days = {day: days.get(day, [])}
    return render_template(
        "meetings/agenda_print.html",
        event=event,
        days=days,
        party=agendas.party_name(current_user),
        other_party=agendas.other_party,
        who=_startup().name
        if current_user.role == "startup"
        else (
            f"{current_user.investor.fund} · {current_user.name}"
            if current_user.investor
            else current_user.name
        ),
    )


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/meetings/<id:meeting_id>.ics")
@role_required("startup", "investor", "admin")
def meeting_ics(meeting_id: int):
    meeting, party = _own_meeting(meeting_id)
    if meeting.status != "confirmed":
        abort(404)
    view = "investor" if party == "organiser" else party
    return _ics(calendars.meeting_ics(meeting, view), f"meeting-{meeting.id}.ics")


@bp.route("/calendar/<token>.ics")
def feed(token: str):
    user = calendars.user_for_feed(token)
    if user is None:
        abort(404)
    response = _ics(calendars.feed_ics(user), "eventhub-meetings.ics")
    response.headers["Content-Disposition"] = 'inline; filename="eventhub-meetings.ics"'
    return response


@bp.route("/my/calendar/reset", methods=["POST"])
@role_required("startup", "investor")
def reset_feed():
    if not EmptyForm().validate_on_submit():
        abort(400)
    calendars.reset_feed(current_user)
    record_audit(current_user, "calendar_feed.reset", current_user.email)
    db.session.commit()
    flash(_("Your calendar has a new address: the old one no longer works."), "success")
    return redirect(url_for("meetings.my_agenda"))


# Organiser -------------------------------------------------------------------------------


def _settings_details(form: SettingsForm) -> SettingsDetails:
    return SettingsDetails(
        booking_open=bool(form.booking_open.data),
        requests_open=bool(form.requests_open.data),
        max_meetings_per_startup=form.max_meetings_per_startup.data,
        max_requests_per_startup=form.max_requests_per_startup.data,
        cutoff_hours=form.cutoff_hours.data,
        max_concurrent_meetings=form.max_concurrent_meetings.data,
    )


def _counts(event: Event) -> dict[str, int]:
    def count(model, *conditions) -> int:
        return (
            db.session.scalar(
                select(func.count())
                .select_from(model)
                .where(model.event_id == event.id, *conditions)
            )
            or 0
        )

    return {
        "slots": count(MeetingSlot),
        "meetings": count(Meeting, Meeting.status == "confirmed"),
        "requests": count(MeetingRequest, MeetingRequest.status != "withdrawn"),
        "accepted": count(MeetingRequest, MeetingRequest.status == "accepted"),
    }


@bp.route("/organiser/events/<slug>/meetings", methods=["GET", "POST"])
@role_required("admin")
def organiser(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    settings = settings_of(event)
    form = SettingsForm(obj=settings if request.method == "GET" else None)
    if form.validate_on_submit():
        save_settings(event, _settings_details(form))
        record_audit(current_user, "meetings.settings", event.slug)
        db.session.commit()
        flash(_("Meeting settings saved."), "success")
        return redirect(url_for("meetings.organiser", slug=slug))
    return render_template(
        "meetings/organiser.html",
        event=event,
        form=form,
        table_form=TableForm(),
        tables=tables_of(event),
        delete_form=EmptyForm(),
        counts=_counts(event),
        directory=investor_directory(event),
    ), (422 if request.method == "POST" else 200)


@bp.route("/organiser/events/<slug>/meetings/tables", methods=["POST"])
@role_required("admin")
def add_meeting_table(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    form = TableForm()
    if form.validate_on_submit():
        try:
            add_table(event, form.name.data)
        except MeetingError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("Table added."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    return redirect(url_for("meetings.organiser", slug=slug))


@bp.route("/organiser/events/<slug>/meetings/tables/<id:table_id>/delete", methods=["POST"])
@role_required("admin")
def delete_meeting_table(slug: str, table_id: int):
    event = event_or_404(slug, include_unpublished=True)
    table = db.session.get(MeetingTable, table_id)
    if table is None or table.event_id != event.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db.session.delete(table)
    db.session.commit()
    flash(_("Table deleted; its slots keep their times."), "success")
    return redirect(url_for("meetings.organiser", slug=slug))


@bp.route("/organiser/events/<slug>/meetings/slots", methods=["GET", "POST"])
@role_required("admin")
def organiser_slots(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    form = OrganiserSlotForm()
    form.days.choices = _day_choices(event)
    form.table_id.choices = _table_choices(event)
    investors = db.session.scalars(select(Investor).order_by(Investor.fund)).all()
    form.investor_id.choices = [(i.id, f"{i.fund} · {i.name}") for i in investors]
    if form.validate_on_submit():
        chosen = db.session.get(Investor, form.investor_id.data)
        count = _open_from_form(event, chosen, form) if chosen else None
        if count is not None:
            flash(
                _("%(count)s slots opened for %(fund)s.", count=count, fund=chosen.fund),
                "success",
            )
            return redirect(url_for("meetings.organiser_slots", slug=slug))
    return render_template(
        "meetings/organiser_slots.html",
        event=event,
        form=form,
        slots=slots_of_event(event),
        delete_form=EmptyForm(),
    ), (422 if request.method == "POST" else 200)


@bp.route("/organiser/events/<slug>/meetings/schedule", methods=["GET", "POST"])
@role_required("admin")
def schedule_page(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    form = EmptyForm()
    if request.method == "POST":
        reviewed = request.form.get("plan")
        if not form.validate_on_submit() or reviewed is None:
            abort(400)
        try:
            plan = commit_schedule(event, current_user, reviewed=reviewed)
        except MeetingError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("meetings.schedule_page", slug=slug))
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
        flash(str(error.message), "error")
        plan = None
    return render_template(
        "meetings/schedule.html",
        event=event,
        plan=plan,
        form=form,
        reasons=reason_labels(),
    )


@bp.route("/organiser/events/<slug>/meetings/report")
@role_required("admin")
def report(slug: str):
    event = event_or_404(slug, include_unpublished=True)
    investors, startups, totals = meeting_report(event)
    return render_template(
        "meetings/report.html",
        event=event,
        investors=investors,
        startups=startups,
        totals=totals,
    )
