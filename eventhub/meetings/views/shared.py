"""Pages of both parties, startup and investor: agendas (and the printable one), calendar
files and the private feed, cancelling a meeting, the requests page, availability."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventhub.auth.access import role_required
from eventhub.auth.accounts import record_audit
from eventhub.auth.forms import EmptyForm
from eventhub.deals.matchmaking.views import requests_marks
from eventhub.deals.tables.live import party_panel
from eventhub.events.lookup import event_or_404
from eventhub.extensions import db
from eventhub.forms_common import form_status, show_error
from eventhub.meetings import calendar as calendars
from eventhub.meetings.agenda import (
    agenda_owner,
    day_agenda,
    other_party,
    party_name,
    printable_agenda,
    upcoming_by_event,
)
from eventhub.meetings.availability import availability_of, save_availability
from eventhub.meetings.booking import cancel_meeting
from eventhub.meetings.forms import AnswerForm, AvailabilityForm, CancelForm
from eventhub.meetings.mail import notify_cancelled
from eventhub.meetings.requests import requests_left, requests_of_startup, requests_to_investor
from eventhub.meetings.slots import MeetingError, settings_of
from eventhub.meetings.views.blueprint import bp
from eventhub.meetings.views.common import (
    agenda_redirect,
    current_investor,
    current_party,
    current_startup,
    own_meeting,
)
from eventhub.responses import private
from eventhub.routing import public_url

# Agendas ---------------------------------------------------------------------------------


@bp.route("/my/agenda")
@role_required("startup", "investor")
def my_agenda():
    feed = calendars.feed_of(current_user)
    db.session.commit()  # the feed, made on the first visit
    return render_template(
        "meetings/my_agenda.html",
        upcoming=upcoming_by_event(current_user),
        feed_url=public_url("meetings.feed", token=feed.token),
        reset_form=EmptyForm(),
        party=party_name(current_user),
        other_party=other_party,
    )


@bp.route("/events/<slug>/agenda")
@role_required("startup", "investor")
def agenda(slug: str):
    event = event_or_404(slug)
    table_panel = party_panel(current_user, event)  # records the no-shows due
    db.session.commit()
    of_the_day = day_agenda(current_user, event, request.args.get("day"))
    return render_template(
        "meetings/agenda.html",
        event=event,
        day=of_the_day.day,
        days=event.days,
        meetings=of_the_day.meetings,
        called_off=of_the_day.called_off,
        counts=of_the_day.counts,
        can_change=of_the_day.can_change,
        started=of_the_day.started,
        party=party_name(current_user),
        other_party=other_party,
        action_form=CancelForm(),
        table_panel=table_panel,
    )


@bp.route("/events/<slug>/agenda/print")
@role_required("startup", "investor")
def agenda_print(slug: str):
    event = event_or_404(slug)
    return render_template(
        "meetings/agenda_print.html",
        event=event,
        days=printable_agenda(current_user, event, request.args.get("day")),
        party=party_name(current_user),
        other_party=other_party,
        who=agenda_owner(current_user),
    )


@bp.route("/meetings/<id:meeting_id>/cancel", methods=["POST"])
@role_required("startup", "investor", "admin")
def cancel(meeting_id: int):
    meeting, party = own_meeting(meeting_id)
    form = CancelForm()
    if not form.validate_on_submit():
        if set(form.errors) - {"reason"}:  # the CSRF token
            abort(400)
        for message in form.reason.errors:
            flash(str(message), "error")  # shown on the page it redirects to
        return agenda_redirect(meeting, party)
    try:
        cancel_meeting(meeting, current_user, reason=form.reason.data or "")
    except MeetingError as error:
        db.session.rollback()
        show_error(None, error)  # shown on the page it redirects to
    else:
        record_audit(current_user, "meeting.cancel", f"{meeting.event.slug}/{meeting.id}")
        notify_cancelled(meeting)
        db.session.commit()
        flash(_("Meeting cancelled; the slot is open again."), "success")
    return agenda_redirect(meeting, party)


# Calendars -------------------------------------------------------------------------------


def _calendar_file(body: bytes, filename: str, disposition: str = "attachment") -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return private(response)


@bp.route("/meetings/<id:meeting_id>.ics")
@role_required("startup", "investor", "admin")
def meeting_ics(meeting_id: int):
    meeting, party = own_meeting(meeting_id)
    if meeting.status != "confirmed":
        abort(404)
    return _calendar_file(calendars.meeting_ics(meeting, party), f"meeting-{meeting.id}.ics")


@bp.route("/calendar/<token>.ics")
def feed(token: str):
    user = calendars.user_for_feed(token)
    if user is None:
        abort(404)
    return _calendar_file(calendars.feed_ics(user), "eventhub-meetings.ics", "inline")


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


# Requests and availability ---------------------------------------------------------------


@bp.route("/events/<slug>/requests")
@role_required("startup", "investor")
def requests_page(slug: str):
    """The requests the startup or the investor sent, and those it received to answer."""
    event = event_or_404(slug)
    settings = settings_of(event)
    if current_user.role == "startup":
        startup = current_startup()
        table_panel = party_panel(current_user, event)  # records the no-shows due
        db.session.commit()
        return render_template(
            "meetings/requests_startup.html",
            event=event,
            settings=settings,
            requests=requests_of_startup(event, startup),
            remaining=requests_left(event, startup),
            form=EmptyForm(),
            table_panel=table_panel,
            answer_form=AnswerForm(),
            marks=requests_marks(event, current_user),
        )
    return render_template(
        "meetings/requests_investor.html",
        event=event,
        settings=settings,
        requests=requests_to_investor(event, current_investor()),
        form=AnswerForm(),
        withdraw_form=EmptyForm(),
        marks=requests_marks(event, current_user),
    )


@bp.route("/events/<slug>/availability", methods=["GET", "POST"])
@role_required("startup", "investor")
def availability(slug: str):
    event = event_or_404(slug)
    party = current_party()
    choices = availability_of(event, party)
    form = AvailabilityForm()
    form.unavailable.choices = [(key, key) for key, _period in choices.periods]
    status = None
    if form.validate_on_submit():
        try:
            save_availability(event, party, set(form.unavailable.data or []))
        except MeetingError as error:
            db.session.rollback()
            show_error(form, error)
            status = error.status
        else:
            db.session.commit()
            flash(_("Availability saved."), "success")
            return redirect(url_for("meetings.availability", slug=slug))
    elif request.method == "GET":
        form.unavailable.data = sorted(choices.unavailable)
    return render_template(
        "meetings/availability.html",
        event=event,
        form=form,
        periods=choices.periods,
        chosen=set(form.unavailable.data or []),
    ), status or form_status(form)
