"""Startup pages: the investor directory and an investor's page (where a startup sends a
request), booking a slot, withdrawing a request."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import approved_required, role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.deals.matchmaking.views import startup_matchmaking
from eventhub.events.lookup import event_or_404
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.listing import list_args
from eventhub.meetings.booking import (
    REASON_LABELS,
    book_slot,
    meeting_in_slot,
    slot_availability,
)
from eventhub.meetings.directory import (
    INVESTORS_PER_PAGE,
    find_event_investor,
    investor_page,
    investor_query,
)
from eventhub.meetings.forms import BookingForm, DirectoryFilterForm, RequestForm
from eventhub.meetings.mail import notify_booked, notify_new_request
from eventhub.meetings.requests import request_for, request_of_party, send_request, withdraw_request
from eventhub.meetings.slots import MeetingError, find_slot, offered_slots, settings_of
from eventhub.meetings.views.blueprint import bp
from eventhub.meetings.views.common import agenda_redirect, current_startup
from eventhub.models_common import utcnow


@bp.route("/events/<slug>/investors")
@approved_required
def directory(slug: str):
    event = event_or_404(slug)
    form = DirectoryFilterForm(request.args)
    filters = form.filters()
    query, sorts = investor_query(event, filters)
    args = list_args(request.args, sorts=sorts, default_sort="fund", per_page=INVESTORS_PER_PAGE)
    return render_template(
        "meetings/directory.html",
        event=event,
        form=form,
        args=args,
        page=investor_page(event, query, args),
        settings=settings_of(event),
        matchmaking=startup_matchmaking(
            event, current_user, recommend=args.page == 1 and not any(vars(filters).values())
        ),
    )


@bp.route("/events/<slug>/investors/<id:investor_id>", methods=["GET", "POST"])
@approved_required
def investor(slug: str, investor_id: int):
    event = event_or_404(slug)
    investor = find_event_investor(event, investor_id)
    if investor is None:
        abort(404)
    startup = current_user.startup if current_user.role == "startup" else None
    form = RequestForm()
    status = None
    if request.method == "POST":
        if startup is None:
            abort(403)
        if form.validate_on_submit():
            try:
                sent = send_request(event, startup, investor, form.pitch.data, by_user=current_user)
            except MeetingError as error:
                db.session.rollback()
                show_error(form, error)
                status = error.status
            else:
                notify_new_request(sent)
                db.session.commit()
                flash(_("Request sent to %(fund)s.", fund=investor.fund), "success")
                return redirect(url_for("meetings.investor", slug=slug, investor_id=investor.id))
    slots = offered_slots(event, investor)
    return render_template(
        "meetings/investor.html",
        event=event,
        investor=investor,
        slots=slots,
        availability=(
            slot_availability(event, startup, [slot for slot, _ in slots], by_user=current_user)
            if startup is not None
            else {}
        ),
        reason_labels=REASON_LABELS,
        settings=settings_of(event),
        form=form,
        startup=startup,
        sent=request_for(event, startup.id, investor.id) if startup is not None else None,
        now=utcnow(),
    ), status or form_status(form)


@bp.route("/events/<slug>/slots/<id:slot_id>/book", methods=["GET", "POST"])
@role_required("startup")
def book(slug: str, slot_id: int):
    event = event_or_404(slug)
    slot = find_slot(event, slot_id)
    if slot is None:
        abort(404)
    startup = current_startup()
    form = BookingForm()
    status = None
    if form.validate_on_submit():
        try:
            meeting = book_slot(event, slot, startup, by_user=current_user, note=form.note.data)
        except MeetingError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            record_audit(current_user, "meeting.book", f"{event.slug}/{meeting.id}")
            notify_booked(meeting)
            db.session.commit()
            flash(_("Meeting booked with %(fund)s.", fund=slot.investor.fund), "success")
            return agenda_redirect(meeting, "startup")
    return render_template(
        "meetings/book.html",
        event=event,
        slot=slot,
        form=form,
        taken=meeting_in_slot(slot) is not None,
        availability=slot_availability(event, startup, [slot], by_user=current_user)[slot.id],
    ), status or form_status(form)


@bp.route("/requests/<id:request_id>/withdraw", methods=["POST"])
@role_required("startup", "investor")
def withdraw(request_id: int):
    meeting_request = request_of_party(request_id, current_user)
    if meeting_request is None:
        abort(404)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        withdraw_request(meeting_request, current_user)
    except MeetingError as error:
        db.session.rollback()
        show_error(None, error)  # shown on the page it redirects to
    else:
        db.session.commit()
        flash(_("Request withdrawn."), "success")
    return redirect(url_for("meetings.requests_page", slug=meeting_request.event.slug))
